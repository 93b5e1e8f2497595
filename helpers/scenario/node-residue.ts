import type { PodEvent } from '../k8s/events.ts';

export interface StuckPod {
  /** `namespace/name`. */
  pod: string;
  node?: string | undefined;
  /** The pod's events, oldest first. */
  events: readonly PodEvent[];
}

/** Sandbox IDs named in the runtime's errors (`failed to destroy network for sandbox "95e7…"`), in order. */
export function sandboxIds(events: readonly PodEvent[]): string[] {
  const ids = events.flatMap((e) => [...e.message.matchAll(/sandbox \\?"([0-9a-f]{12,64})\\?"/g)].map((m) => m[1]!));
  return [...new Set(ids)];
}

/** Interfaces Multus reported adding (`Add eth0 [10.244.0.16/24] from mc-bridge`). */
export function addedInterfaces(events: readonly PodEvent[]): string[] {
  const added = events
    .filter((e) => e.reason === 'AddedInterface')
    .flatMap((e) => [...e.message.matchAll(/Add (\S+) \[([^\]]*)\] from (\S+)/g)].map((m) => `${m[1]} ${m[2] || '(no IP)'} from ${m[3]}`));
  return [...new Set(added)];
}

/**
 * What a pod whose teardown failed leaves on its node, and how to clear it,
 * from its events: the sandbox kubelet cannot remove while CNI DEL fails (and
 * the network namespace it holds), plus any link or IPAM lease Multus
 * reported adding for it. For the report of a scenario whose pod got stuck
 * Terminating; the suite force-deletes the pod afterwards.
 */
export function describeNodeResidue(stuck: StuckPod): string {
  const node = stuck.node ?? '(unscheduled)';
  const ids = sandboxIds(stuck.events);
  const sandboxes = ids.length ? `pod sandbox ${ids.join(', ')} with its network namespace` : 'its pod sandbox (no sandbox ID in the events)';
  const added = addedInterfaces(stuck.events);
  const links = added.length ? `; interfaces its CNI ADD reported (their links and IPAM leases stay with the sandbox if not rolled back): ${added.join(', ')}` : '';
  const id = ids[0] ?? '<sandbox id>';
  return (
    `node residue: pod ${stuck.pod} could not be torn down on node ${node} (CNI DEL fails); the suite force-deletes it. ` +
    `Left on node ${node} until a CNI DEL succeeds: ${sandboxes}${links}. ` +
    `Multus v4 thin skips the DEL of a pod that is gone from the API, so kubelet's next retry normally removes the sandbox. ` +
    `To check and clear on node ${node}: \`crictl pods --id ${id}\` (nothing listed: nothing left); ` +
    `otherwise \`crictl stopp ${id} && crictl rmp ${id}\`, then delete the IPAM lease files that name it: \`grep -l ${id} /var/lib/cni/networks/*/*\`.`
  );
}
