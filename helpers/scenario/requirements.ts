import type { ClusterInfo } from './cluster-info.ts';
import { attachVerdict, sriovVerdict, type AttachSettings, type LinkKind, type NodeVerdict } from '../capabilities/node-verdict.ts';
import type { NodeCapabilities } from '../capabilities/types.ts';
import { MNP_RESOURCE } from '../multus/detect.ts';

export type { NodeVerdict } from '../capabilities/node-verdict.ts';

/** What a scenario needs from the cluster; each unmet one is a skip, or a failure, with its reason. */
export type Requirement =
  | 'multus'
  | 'macvlan'
  | 'ipvlan'
  | 'static-ipam'
  | 'whereabouts'
  | 'sriov'
  | 'two-nodes'
  | 'external-peer'
  | 'multi-networkpolicy'
  | 'tkg'
  | 'disruptive'
  | 'node-residue'
  | 'scale-range'
  /** The Multus DaemonSet's flavor is known (thin or thick): what its config on the nodes must look like. */
  | 'multus-flavor'
  /** Thin Multus: the plugin on the nodes authenticates with a kubeconfig token. */
  | 'multus-thin'
  /** ipv6/*: the profile's IPv6 range (IPv6 is off unless configured). */
  | 'ipv6-range'
  /** ipv6/dual-stack: the profile's IPv4 range for the dual-stack NAD. */
  | 'dual-stack-range'
  /** ipv6/*: a node that can attach macvlan gives pods IPv6 (the probe's `ipv6` step). */
  | 'ipv6-node'
  /** ipv6/external-host: the external host has an IPv6 address. */
  | 'external-peer-ipv6'
  /** annotations/default-network: profile defaultNetworkSubnet. */
  | 'default-network-subnet'
  /** annotations/nad-change: profile nadChangeSubnet and nadChangeNewSubnet. */
  | 'nad-change-subnets'
  /** annotations/static-pod: it writes into a node's kubelet manifest directory (the local testbed only). */
  | 'static-pod-manifests'
  | PluginRequirement;

/**
 * plugins/* (suites/scenarios/plugins.ts): the plugin's binary on the nodes
 * macvlan pods land on, state on a node only where the suite made the
 * cluster, and the profile's addresses for the tuning scenario.
 */
export type PluginRequirement = 'plugin-bridge' | 'plugin-host-device' | 'plugin-tuning' | 'plugin-vlan' | 'suite-cluster' | 'tuning-range';

const RUN: NodeVerdict = { outcome: 'run' };

export function attachSettingsOf(cluster: Pick<ClusterInfo, 'profile' | 'nodeSelector'>): AttachSettings {
  return { master: cluster.profile.master, nodeSelector: cluster.nodeSelector };
}

/** Each node's verdict for pods with a `kind` link on the master. */
export function attachVerdicts(cluster: ClusterInfo, kind: LinkKind): { node: string; verdict: NodeVerdict }[] {
  const settings = attachSettingsOf(cluster);
  return cluster.nodes.map((n) => ({ node: n.name, verdict: attachVerdict(n, kind, settings) }));
}

/** Nodes that can run pods with a secondary link of this kind, or why none can. */
export function nodesFor(cluster: ClusterInfo, kind: LinkKind): { nodes: string[]; reason?: string } {
  const gate = attachGate(cluster, kind);
  const nodes = attachVerdicts(cluster, kind).filter((v) => v.verdict.outcome === 'run').map((v) => v.node);
  return gate.outcome === 'run' ? { nodes } : { nodes, reason: gate.reason };
}

function noMaster(cluster: ClusterInfo): NodeVerdict | undefined {
  return cluster.profile.master
    ? undefined
    : { outcome: 'skip', reason: `no master interface configured for profile ${cluster.profileName}: set network.master` };
}

const SHOWN = 5;

/** Several nodes' reasons in one line; a long list is cut, saying how many more there are. */
function joined(reasons: string[]): string {
  const more = reasons.length - SHOWN;
  return `${reasons.slice(0, SHOWN).join('; ')}${more > 0 ? `; and ${more} more node(s)` : ''}`;
}

/**
 * A scenario that places its pods on any capable node: it runs when one
 * node can; when none can, a failed node makes it fail (its probe failed,
 * its master is down or missing inside the selection) rather than skip.
 */
function attachGate(cluster: ClusterInfo, kind: LinkKind): NodeVerdict {
  const none = noMaster(cluster);
  if (none) return none;
  return anyNode(attachVerdicts(cluster, kind).map((v) => v.verdict), 'the cluster has no nodes');
}

/**
 * Per-node verdicts folded into one for a scenario that needs one node: run
 * when any node can; else a failed node fails it, an unprobed one leaves it
 * unprobed, and only then is it skipped with every node's reason (`none`
 * when there were no nodes to judge).
 */
function anyNode(verdicts: readonly NodeVerdict[], none: string): NodeVerdict {
  if (verdicts.some((v) => v.outcome === 'run')) return RUN;
  const fails = verdicts.flatMap((v) => (v.outcome === 'fail' ? [v.reason] : []));
  if (fails.length > 0) return { outcome: 'fail', reason: joined(fails) };
  const unprobed = verdicts.find((v) => v.outcome === 'unprobed');
  if (unprobed) return unprobed;
  const skips = verdicts.flatMap((v) => (v.outcome === 'skip' ? [v.reason] : []));
  return { outcome: 'skip', reason: skips.length > 0 ? joined(skips) : none };
}

/** The nodes pods of macvlan scenarios land on; binaries they need must be there. */
function macvlanNodes(cluster: ClusterInfo): NodeCapabilities[] {
  const names = new Set(nodesFor(cluster, 'macvlan').nodes);
  return cluster.nodes.filter((n) => names.has(n.name));
}

function pluginGate(cluster: ClusterInfo, needed: string[], reason: (n: NodeCapabilities) => string): NodeVerdict {
  const candidates = macvlanNodes(cluster);
  const scope = candidates.length > 0 ? candidates : cluster.nodes.filter((n) => n.selected && n.ready);
  if (scope.some((n) => !n.probe && !n.probeError)) {
    return { outcome: 'unprobed', reason: `${needed.join(', ')} in /opt/cni/bin: checked on each node by a probe pod when the run starts` };
  }
  const lacking = scope.find((n) => n.probe && needed.some((b) => !(b in n.probe!.cniBinaries)));
  return lacking ? { outcome: 'skip', reason: reason(lacking) } : RUN;
}

// --- ipv6/* (issue 10 item 3) ---

const IPV6_RANGE_KEYS = ['ipv6Subnet', 'ipv6Gateway', 'ipv6RangeStart', 'ipv6RangeEnd'] as const;
const DUAL_STACK_KEYS = ['dualStackSubnet', 'dualStackRangeStart', 'dualStackRangeEnd'] as const;

/** Run when the profile sets every key; else skip with `reason` given the keys left unset. */
function profileKeysGate(cluster: ClusterInfo, keys: readonly (keyof ClusterInfo['profile'])[], reason: (missing: string[]) => string): NodeVerdict {
  const missing = keys.filter((k) => !cluster.profile[k]);
  return missing.length === 0 ? RUN : { outcome: 'skip', reason: reason(missing) };
}

function ipv6KeysGate(cluster: ClusterInfo, keys: readonly (keyof ClusterInfo['profile'])[], what: string): NodeVerdict {
  return profileKeysGate(
    cluster,
    keys,
    (missing) => `no ${what} in profile ${cluster.profileName} (IPv6 is off unless configured): set network.${missing.join(', network.')} to free addresses on the master's segment`,
  );
}

/** One node's IPv6 verdict, from its probe. */
function ipv6Verdict(n: NodeCapabilities): NodeVerdict {
  if (!n.probe) return n.probeError ? { outcome: 'fail', reason: n.probeError } : { outcome: 'unprobed', reason: `node ${n.name}: IPv6 in a pod's network namespace: checked by a probe pod when the run starts` };
  const v6 = n.probe.ipv6;
  if (!v6) return { outcome: 'fail', reason: `node ${n.name}: the probe's output has no ipv6 section (an older probe pod?)` };
  if (v6.status === 'enabled') return RUN;
  if (v6.status === 'disabled') return { outcome: 'skip', reason: `node ${n.name}: no IPv6 for pods: ${v6.reason}` };
  return { outcome: 'fail', reason: `node ${n.name}: could not find out whether pods get IPv6: probe command ${v6.problem}` };
}

/** The nodes that can attach macvlan and give pods IPv6: the ipv6/* scenarios pin their pods to the first. */
export function ipv6Nodes(cluster: ClusterInfo): string[] {
  return macvlanNodes(cluster).filter((n) => ipv6Verdict(n).outcome === 'run').map((n) => n.name);
}

function ipv6NodeGate(cluster: ClusterInfo): NodeVerdict {
  return anyNode(macvlanNodes(cluster).map(ipv6Verdict), 'no node can attach macvlan');
}

/**
 * The annotations area's subnets (helpers/fixtures/profile.ts): set in the
 * testbed's and kind's profiles; on anyone else's cluster only where the
 * user named a free subnet of the master's segment.
 */
function subnetKeys(cluster: ClusterInfo, keys: readonly ('defaultNetworkSubnet' | 'nadChangeSubnet' | 'nadChangeNewSubnet')[]): NodeVerdict {
  return profileKeysGate(
    cluster,
    keys,
    (missing) =>
      `no subnet for it in profile ${cluster.profileName}: set ${missing.map((k) => `network.${k}`).join(' and ')} to a free /27 of the master's segment (a subnet of its own each)`,
  );
}

/**
 * A static pod is a file in a node's kubelet manifest directory: written
 * only on the suite's own testbed, where the suite runs on the node itself.
 */
function staticPodGate(cluster: ClusterInfo): NodeVerdict {
  if (cluster.provider === 'local') return RUN;
  return {
    outcome: 'skip',
    reason:
      cluster.provider === 'kind'
        ? "the kind provider does not write into its node containers' /etc/kubernetes/manifests (a docker exec per node): static pods are checked on the local testbed"
        : "it writes a pod manifest into a node's kubelet manifest directory: only on clusters the suite created (the local testbed)",
  };
}
/** The plugins area's requirements (kept apart from the others' so that additions merge cleanly). */
function pluginAreaGate(req: PluginRequirement, cluster: ClusterInfo): NodeVerdict {
  switch (req) {
    case 'plugin-bridge':
    case 'plugin-host-device':
    case 'plugin-tuning':
    case 'plugin-vlan': {
      const plugin = req.slice('plugin-'.length);
      return pluginGate(cluster, [plugin], (n) => `node ${n.name} has no /opt/cni/bin/${plugin}`);
    }
    case 'suite-cluster':
      // Clusters the suite created (local, kind) are thrown away; on anyone
      // else's nodes the suite makes nothing, not even state it removes.
      return cluster.provider !== 'existing'
        ? RUN
        : { outcome: 'skip', reason: `it writes to a node (a link or a file, removed again by the scenario), which the suite does only on clusters it created (provider local or kind), not on provider ${cluster.provider}` };
    case 'tuning-range':
      return profileKeysGate(
        cluster,
        ['tuningSubnet', 'tuningRangeStart', 'tuningRangeEnd'],
        (missing) => `no address range for plugins/tuning in profile ${cluster.profileName}: ${missing.join(', ')} unset (a free range on the master's segment)`,
      );
  }
}

const PLUGIN_REQUIREMENTS: ReadonlySet<string> = new Set<PluginRequirement>(['plugin-bridge', 'plugin-host-device', 'plugin-tuning', 'plugin-vlan', 'suite-cluster', 'tuning-range']);
const isPluginRequirement = (req: Requirement): req is PluginRequirement => PLUGIN_REQUIREMENTS.has(req);

/** Whether the cluster meets a requirement: run, or skip / fail with the reason. */
export function gate(req: Requirement, cluster: ClusterInfo): NodeVerdict {
  if (isPluginRequirement(req)) return pluginAreaGate(req, cluster);
  switch (req) {
    case 'ipv6-range':
      return ipv6KeysGate(cluster, IPV6_RANGE_KEYS, 'IPv6 range');
    case 'dual-stack-range':
      return ipv6KeysGate(cluster, DUAL_STACK_KEYS, 'IPv4 range for the dual-stack network');
    case 'ipv6-node':
      return ipv6NodeGate(cluster);
    case 'external-peer-ipv6':
      return cluster.profile.externalPeer?.ipv6Address
        ? RUN
        : {
            outcome: 'skip',
            reason: `no IPv6 address for the external host in profile ${cluster.profileName} (externalPeer.ipv6Address; a user's externalPeer.netns gets network.ipv6Gateway)`,
          };
    case 'multus':
      return cluster.multus.daemonSet ? RUN : { outcome: 'skip', reason: cluster.multus.problem ?? 'Multus is not installed on the cluster' };
    case 'macvlan':
    case 'ipvlan':
      return attachGate(cluster, req);
    case 'static-ipam':
      return pluginGate(cluster, ['static', 'tuning'], (n) => `node ${n.name}: CNI plugins static and tuning are needed in /opt/cni/bin`);
    case 'whereabouts': {
      const plugin = pluginGate(cluster, ['whereabouts'], (n) => `whereabouts IPAM is not installed: node ${n.name} has no /opt/cni/bin/whereabouts`);
      if (plugin.outcome === 'skip' || cluster.multus.whereaboutsApi !== false) return plugin;
      // The scenarios read (and clean up) whereabouts' IPPools: without its API there is nothing to read.
      return { outcome: 'skip', reason: "whereabouts' API (whereabouts.cni.cncf.io/v1alpha1 IPPool) is not served: its kubernetes datastore is not installed" };
    }
    case 'sriov': {
      const capable = cluster.nodes.filter((n) => Object.keys(n.sriovResources).length > 0);
      return capable.length > 0
        ? RUN
        : {
            outcome: 'skip',
            reason: `no node advertises an SR-IOV resource in status.allocatable (looked for ${cluster.profile.sriovResource} and names containing "sriov")`,
          };
    }
    case 'two-nodes': {
      const verdicts = attachVerdicts(cluster, 'macvlan').map((v) => v.verdict);
      const can = verdicts.filter((v) => v.outcome === 'run').length;
      if (can >= 2) return RUN;
      const fails = verdicts.flatMap((v) => (v.outcome === 'fail' ? [v.reason] : []));
      if (can + fails.length >= 2) return { outcome: 'fail', reason: `needs two nodes that can attach macvlan; ${can} can: ${joined(fails)}` };
      // `list`: nodes not probed yet may still be able to; fewer than two never can.
      const unprobed = verdicts.filter((v) => v.outcome === 'unprobed');
      if (unprobed.length > 0 && can + unprobed.length >= 2) return unprobed[0]!;
      return { outcome: 'skip', reason: `needs two nodes that can attach macvlan on the same segment; the cluster has ${can + unprobed.length}` };
    }
    case 'external-peer':
      return cluster.profile.externalPeer
        ? RUN
        : { outcome: 'skip', reason: `no external host on the master's L2 segment is configured for profile ${cluster.profileName} (set externalPeer.netns)` };
    case 'multi-networkpolicy':
      // Only the API decides: a served API whose policies nothing enforces is
      // the scenario's failure (it waits for enforcement, bounded), not a skip.
      return cluster.multus.multiNetworkPolicy
        ? RUN
        : { outcome: 'skip', reason: `no MultiNetworkPolicy CRD: ${MNP_RESOURCE} is not served on the cluster` };
    case 'tkg':
      return cluster.multus.carvelPackaging ? RUN : { outcome: 'skip', reason: 'not a TKG cluster: the packaging.carvel.dev API (PackageInstall) is not served' };
    case 'disruptive':
      return cluster.mode === 'full' ? RUN : { outcome: 'skip', reason: `mode ${cluster.mode} leaves out disruptive scenarios (use --mode full)` };
    case 'multus-flavor':
      return cluster.multus.flavor !== 'unknown'
        ? RUN
        : { outcome: 'skip', reason: `the flavor of ${cluster.multus.daemonSet ?? 'the Multus DaemonSet'} is unknown (it runs no known Multus entrypoint): which config it writes is unknown` };
    case 'multus-thin':
      if (cluster.multus.flavor === 'thin') return RUN;
      return {
        outcome: 'skip',
        reason:
          cluster.multus.flavor === 'thick'
            ? 'Multus runs thick (multus-daemon): the shim on the nodes reaches the daemon over its socket and holds no kubeconfig token'
            : `the flavor of ${cluster.multus.daemonSet ?? 'the Multus DaemonSet'} is unknown: whether the nodes hold a thin kubeconfig token is unknown`,
      };
    case 'scale-range':
      // The testbed's and kind's profiles carry a subnet of its own; anyone else's cluster only one the user named.
      return cluster.profile.scaleSubnet
        ? RUN
        : {
            outcome: 'skip',
            reason: `no address range for the scale scenario in profile ${cluster.profileName}: set network.scaleSubnet (and scaleRangeStart, scaleRangeEnd) to a free range on the master's segment`,
          };
    case 'default-network-subnet':
      return subnetKeys(cluster, ['defaultNetworkSubnet']);
    case 'nad-change-subnets':
      return subnetKeys(cluster, ['nadChangeSubnet', 'nadChangeNewSubnet']);
    case 'static-pod-manifests':
      return staticPodGate(cluster);
    case 'node-residue':
      // Clusters the suite created (local, kind) are thrown away; anyone else's are not.
      return cluster.provider !== 'existing' || cluster.allowNodeResidue
        ? RUN
        : {
            outcome: 'skip',
            reason:
              'its pod cannot be torn down on thin Multus (CNI DEL fails), which can leave a pod sandbox on the node; on a cluster the suite did not create it runs only with --allow-node-residue',
          };
  }
}

/**
 * All requirements together: the first that skips or fails decides, in the
 * order the scenario lists them; a requirement only a probe can decide
 * (`list`) comes after every definite answer.
 */
export function gateAll(reqs: readonly Requirement[], cluster: ClusterInfo): NodeVerdict {
  let unprobed: NodeVerdict | undefined;
  for (const req of reqs) {
    const v = gate(req, cluster);
    if (v.outcome === 'skip' || v.outcome === 'fail') return v;
    if (v.outcome === 'unprobed') unprobed ??= v;
  }
  return unprobed ?? RUN;
}

/** Why the cluster cannot meet a requirement (skip or failure), or undefined when it can. */
export function unmet(req: Requirement, cluster: ClusterInfo): string | undefined {
  const v = gate(req, cluster);
  return v.outcome === 'run' ? undefined : v.reason;
}
