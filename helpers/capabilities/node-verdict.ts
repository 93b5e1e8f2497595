import { candidateMasters, listInterfaces, masterState } from './master.ts';
import type { NodeCapabilities } from './types.ts';

export type LinkKind = 'macvlan' | 'ipvlan';

/**
 * Whether one node can run a scenario. `skip` is for what the node truly
 * cannot do (not selected, not Ready, no plugin, the kernel refuses the link
 * type, no master on a node nobody said should have one); `fail` is for what
 * is broken or could not be found out (a probe that failed, a selected node
 * without its master, a master that is down). `unprobed` only ever comes out
 * of `list`, which runs no probe.
 */
export type NodeVerdict =
  | { outcome: 'run' }
  | { outcome: 'skip'; reason: string }
  | { outcome: 'fail'; reason: string }
  | { outcome: 'unprobed'; reason: string };

/** A case that cannot run because something on its node is broken or could not be found out. */
export class CapabilityFailure extends Error {
  override name = 'CapabilityFailure';
}

export interface AttachSettings {
  /** network.master (or the profile's). */
  master: string | undefined;
  /** network.nodeSelector, as the user wrote it. */
  nodeSelector: string | undefined;
}

/** Can pods on this node get a `kind` link on the configured master? */
export function attachVerdict(n: NodeCapabilities, kind: LinkKind, s: AttachSettings): NodeVerdict {
  const node = `node ${n.name}`;
  if (!n.selected) return { outcome: 'skip', reason: `${node}: not selected by network.nodeSelector "${s.nodeSelector ?? ''}"` };
  if (!n.ready) return { outcome: 'skip', reason: `${node}: not Ready` };
  if (!s.master) return { outcome: 'skip', reason: 'no master interface configured: set network.master' };
  if (!n.probe) {
    return n.probeError
      ? { outcome: 'fail', reason: `${node}: the node probe failed: ${n.probeError}` }
      : { outcome: 'unprobed', reason: `master ${s.master}, the ${kind} plugin and kernel support are checked on the node by a probe pod when the run starts` };
  }
  const p = n.probe;
  if (!(kind in p.cniBinaries)) return { outcome: 'skip', reason: `${node}: CNI plugin binary /opt/cni/bin/${kind} missing` };
  const kernel = p[kind];
  if (kernel.status === 'unsupported') {
    return { outcome: 'skip', reason: `${node}: node kernel lacks ${kind} (creating a ${kind} link failed: ${kernel.answer})` };
  }
  if (kernel.status === 'failed') {
    return { outcome: 'fail', reason: `${node}: could not find out whether the kernel creates ${kind} links: probe command ${kernel.problem}` };
  }
  return masterVerdict(n, s.master, s.nodeSelector);
}

function masterVerdict(n: NodeCapabilities, master: string, nodeSelector: string | undefined): NodeVerdict {
  const node = `node ${n.name}`;
  const links = n.probe!.links;
  if (!links.ok) return { outcome: 'fail', reason: `${node}: could not check master ${master} (network.master): ${links.problem}` };
  const m = masterState(links.list, master);
  if (m.state === 'up') return { outcome: 'run' };
  if (m.state === 'down') return { outcome: 'fail', reason: `${node}: master interface ${master} (network.master) is down: ${m.detail}` };
  const has = `it has ${listInterfaces(candidateMasters(links.list))}`;
  return nodeSelector
    ? { outcome: 'fail', reason: `${node}: master interface ${master} (network.master) does not exist on the node, which network.nodeSelector "${nodeSelector}" selects (${has})` }
    : {
        outcome: 'skip',
        reason: `${node}: master interface ${master} (network.master) does not exist on the node (${has}; network.nodeSelector narrows the run to the nodes that carry it)`,
      };
}

/** Can this node hand out an SR-IOV VF? */
export function sriovVerdict(n: NodeCapabilities): NodeVerdict {
  if (!n.ready) return { outcome: 'skip', reason: `node ${n.name}: not Ready` };
  return Object.keys(n.sriovResources).length > 0
    ? { outcome: 'run' }
    : { outcome: 'skip', reason: `node ${n.name}: advertises no SR-IOV resource in status.allocatable` };
}
