import { ConformanceFailure } from '../errors.ts';

/** The DaemonSet a Multus restart may touch, as detected when the run started. */
export interface DaemonSetRef {
  namespace: string;
  name: string;
  uid: string;
}

/** The parts of a pod these checks read (a V1Pod fits). */
export interface PodLike {
  metadata?: {
    namespace?: string;
    name?: string;
    uid?: string;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
  };
  spec?: { nodeName?: string };
}

/** A pod the restart will delete, with the UID its delete is preconditioned on. */
export interface OwnedPod {
  namespace: string;
  name: string;
  uid: string;
  node?: string;
}

const idOf = (d: DaemonSetRef): string => `DaemonSet ${d.namespace}/${d.name}`;

function controllerOf(pod: PodLike): { kind: string; name: string; uid: string } | undefined {
  return pod.metadata?.ownerReferences?.find((o) => o.controller === true);
}

/** The DaemonSet read now is the one detected when the run started (same UID), not one re-created since. */
export function assertSameDaemonSet(target: DaemonSetRef, now: { metadata?: { uid?: string } }): void {
  const uid = now.metadata?.uid;
  if (uid !== target.uid) {
    throw new ConformanceFailure({
      pod: `(${idOf(target)})`,
      check: 'Multus restart: the DaemonSet is the one detected when the run started',
      expected: `uid ${target.uid}`,
      actual: `uid ${uid ?? '(none)'}: it was replaced during the run; nothing was deleted`,
    });
  }
}

/**
 * Every pod the DaemonSet's selector lists in its namespace must be one the
 * DaemonSet controls (ownerReference with controller=true and its UID). A
 * selector that also matches other pods (a bystander, another DaemonSet's pod)
 * refuses the whole restart, so a delete can never widen beyond Multus.
 * Returns the pods to delete.
 */
export function assertRestartScope(target: DaemonSetRef, selector: string, pods: readonly PodLike[]): OwnedPod[] {
  const foreign = pods.filter((p) => controllerOf(p)?.uid !== target.uid);
  if (foreign.length > 0) {
    const first = foreign[0]!;
    const owner = controllerOf(first);
    const others = foreign.length > 1 ? `; also ${foreign.slice(1).map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).join(', ')}` : '';
    throw new ConformanceFailure({
      pod: `${first.metadata?.namespace ?? target.namespace}/${first.metadata?.name ?? '(unnamed)'}`,
      check: `Multus restart: every pod selected by "${selector}" is controlled by ${idOf(target)} (nothing was deleted)`,
      expected: `controller ${idOf(target)} (uid ${target.uid})`,
      actual: `${owner ? `controller ${owner.kind} ${owner.name} (uid ${owner.uid})` : 'no controller'}${others}`,
    });
  }
  return pods.map((p) => ({
    namespace: p.metadata?.namespace ?? target.namespace,
    name: p.metadata?.name ?? '',
    uid: p.metadata?.uid ?? '',
    ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}),
  }));
}

/** Whether a pod is controlled by the DaemonSet (its replacements are recognised by this). */
export function controlledBy(target: DaemonSetRef, pod: PodLike): boolean {
  return controllerOf(pod)?.uid === target.uid;
}
