import type { ClusterInfo } from './cluster-info.ts';
import type { NodeCapabilities } from '../capabilities/types.ts';

/** What a scenario needs from the cluster; each unmet one is a skip with its reason. */
export type Requirement =
  | 'multus'
  | 'macvlan'
  | 'ipvlan'
  | 'static-ipam'
  | 'whereabouts'
  | 'sriov'
  | 'two-nodes'
  | 'external-peer'
  | 'tkg'
  | 'disruptive'
  | 'node-residue';

/** Nodes that can run pods with a secondary link of this kind, or why none can. */
export function nodesFor(cluster: ClusterInfo, kind: 'macvlan' | 'ipvlan'): { nodes: string[]; reason?: string } {
  const master = cluster.profile.master;
  if (!master) {
    return { nodes: [], reason: `no master interface configured for profile ${cluster.profileName}: set network.master` };
  }
  const reasons: string[] = [];
  const nodes: string[] = [];
  for (const n of cluster.nodes) {
    const why = nodeCannot(n, kind, master);
    if (why) reasons.push(`node ${n.name}: ${why}`);
    else nodes.push(n.name);
  }
  return nodes.length > 0 ? { nodes } : { nodes, reason: reasons.join('; ') || 'the cluster has no nodes' };
}

function nodeCannot(n: NodeCapabilities, kind: 'macvlan' | 'ipvlan', master: string): string | undefined {
  if (!n.probe) return `capabilities unknown (${n.probeError ?? 'probe did not run'})`;
  if (!(kind in n.probe.cniBinaries)) return `CNI plugin binary /opt/cni/bin/${kind} missing`;
  const support = n.probe[kind];
  if (!support.ok) return `node kernel lacks ${kind} (creating a ${kind} link failed: ${support.error ?? 'unknown error'})`;
  if (!n.probe.netdevs.includes(master)) return `master interface ${master} does not exist on the node`;
  return undefined;
}

/** Why the cluster cannot meet a requirement, or undefined when it can. */
export function unmet(req: Requirement, cluster: ClusterInfo): string | undefined {
  switch (req) {
    case 'multus':
      return cluster.multus.daemonSet ? undefined : (cluster.multus.problem ?? 'Multus is not installed on the cluster');
    case 'macvlan':
    case 'ipvlan':
      return nodesFor(cluster, req).reason;
    case 'static-ipam': {
      const lacking = cluster.nodes.filter((n) => n.probe && !('static' in n.probe.cniBinaries && 'tuning' in n.probe.cniBinaries));
      return lacking.length > 0 ? `node ${lacking[0]!.name}: CNI plugins static and tuning are needed in /opt/cni/bin` : undefined;
    }
    case 'whereabouts': {
      const lacking = cluster.nodes.find((n) => !n.probe || !('whereabouts' in n.probe.cniBinaries));
      return lacking
        ? `whereabouts IPAM is not installed: node ${lacking.name} has no /opt/cni/bin/whereabouts${lacking.probe ? '' : ` (${lacking.probeError ?? 'not probed'})`}`
        : undefined;
    }
    case 'sriov': {
      const capable = cluster.nodes.filter((n) => Object.keys(n.sriovResources).length > 0);
      return capable.length > 0
        ? undefined
        : `no node advertises an SR-IOV resource in status.allocatable (looked for ${cluster.profile.sriovResource} and names containing "sriov")`;
    }
    case 'two-nodes': {
      const mv = nodesFor(cluster, 'macvlan');
      return mv.nodes.length >= 2 ? undefined : `needs two nodes that can attach macvlan on the same segment; the cluster has ${mv.nodes.length}`;
    }
    case 'external-peer':
      return cluster.profile.externalPeer
        ? undefined
        : `no external host on the master's L2 segment is configured for profile ${cluster.profileName} (set externalPeer.netns)`;
    case 'tkg':
      return cluster.multus.carvelPackaging ? undefined : 'not a TKG cluster: the packaging.carvel.dev API (PackageInstall) is not served';
    case 'disruptive':
      return cluster.mode === 'full' ? undefined : `mode ${cluster.mode} leaves out disruptive scenarios (use --mode full)`;
    case 'node-residue':
      // Clusters the suite created (local, kind) are thrown away; anyone else's are not.
      return cluster.provider !== 'existing' || cluster.allowNodeResidue
        ? undefined
        : 'its pod cannot be torn down on thin Multus (CNI DEL fails), which can leave a pod sandbox on the node; on a cluster the suite did not create it runs only with --allow-node-residue';
  }
}
