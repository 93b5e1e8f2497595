import { SCALE_LEVEL } from '../config/selection.ts';
import type { Mode } from '../config/settings.ts';
import type { Requirement } from './requirements.ts';

export type Area =
  | 'health'
  | 'selection'
  | 'in-pod'
  | 'status'
  | 'sriov'
  | 'negative'
  | 'ipam'
  | 'traffic'
  | 'policy'
  | 'ipv6'
  // bridge, host-device, tuning, vlan (suites/scenarios/plugins.ts).
  | 'plugins'
  // Multus' own annotations and pod kinds, and NAD edits (suites/scenarios/annotations.ts).
  | 'annotations'
  | 'lifecycle'
  | 'audit'
  | 'scale';

/**
 * quick ⊂ standard (non-disruptive) ⊂ disruptive (full). `scale` is outside
 * every mode: only `--scale N` selects it (config/selection.ts).
 */
export type Level = 'quick' | 'standard' | 'disruptive' | typeof SCALE_LEVEL;

export interface ScenarioDef {
  id: string;
  title: string;
  area: Area;
  level: Level;
  requires: Requirement[];
  /** Expanded into one test case per node that can run it. */
  perNode?: 'macvlan' | 'ipvlan' | 'sriov';
  /** The rule checked: NPWG spec section or "Multus behaviour". */
  rule: string;
  /**
   * Whether the scenario gets a namespace of its own before its body runs.
   * Checks that only read the API (health, audit) do without: no namespace to
   * create, delete and wait for at the end of the run.
   */
  namespace: boolean;
}

const s = (
  id: string,
  title: string,
  level: Level,
  requires: Requirement[],
  rule: string,
  perNode?: ScenarioDef['perNode'],
): ScenarioDef => ({
  id,
  title,
  area: id.split('/')[0] as Area,
  level,
  requires,
  rule,
  namespace: !READ_ONLY.has(id) && !NAMESPACE_LATER.has(id),
  ...(perNode ? { perNode } : {}),
});

// Scenarios whose body creates nothing in a namespace of its own (the audit
// makes its node-probe namespace itself, only when it needs one).
const READ_ONLY = new Set([
  'health/nad-crd',
  'health/multus-daemonset',
  'health/cni-config-order',
  'health/plugin-binaries',
  'health/tkg-package',
  'health/stale-config',
  'health/config-flavor',
  'health/delegate-config',
  'health/thin-kubeconfig',
  'health/multus-pods',
  'audit/workload-pods',
]);

// The policy scenarios need the API served (a skip otherwise); a served API
// that nothing enforces fails them.
const MNP: Requirement[] = ['multus', 'macvlan', 'multi-networkpolicy'];
const MNP_RULE = 'MultiNetworkPolicy (NetworkPolicy semantics)';
// IPv6 and dual-stack secondary networks (suites/scenarios/ipv6.ts): IPv6 is
// off unless the profile has a range; a node whose pods get no IPv6 skips.
const IPV6: Requirement[] = ['multus', 'macvlan', 'ipv6-range', 'ipv6-node'];
const IPV6_RULE = 'NPWG §4.2, §5.3; RFC 4862 (DAD)';

// Scenarios that make their namespace themselves once they know they will
// use it: scale/pods first refuses an N its range or node cannot hold.
const NAMESPACE_LATER = new Set(['scale/pods']);

/** Every scenario the suite knows, in report order. */
export const CATALOG: readonly ScenarioDef[] = [
  s('health/nad-crd', 'NetworkAttachmentDefinition CRD served at k8s.cni.cncf.io/v1', 'quick', [], 'NPWG §3'),
  s('health/multus-daemonset', 'Multus DaemonSet ready on every node', 'quick', [], 'Multus install'),
  s('health/cni-config-order', '00-multus.conf sorts first in /etc/cni/net.d on every node', 'quick', ['multus'], 'Multus install'),
  s('health/plugin-binaries', 'CNI plugin binaries present and identical on every node', 'quick', ['multus'], 'Multus install'),
  s('health/tkg-package', 'TKG PackageInstall multus-cni reconciled', 'quick', ['tkg'], 'TKG package'),
  // How Multus breaks in production (the rule names the upstream reports of each failure mode).
  s('health/stale-config', '00-multus.conf* on a node exactly where a Multus pod runs (no stale config)', 'quick', [], 'Multus install (multus-cni#592, #1429)'),
  s('health/config-flavor', 'Multus config on every node written for the running flavor (thin or thick)', 'quick', ['multus', 'multus-flavor'], 'Multus install (multus-cni#1218, #1422)'),
  s('health/delegate-config', 'the primary CNI config Multus delegates to is on every node, no renamed or backup copy', 'quick', ['multus'], 'Multus install (multus-cni#972)'),
  s('health/thin-kubeconfig', "thin plugin's kubeconfig token valid beyond multus.tokenMargin, bound to a live pod", 'quick', ['multus', 'multus-thin'], 'Multus thin plugin (multus-cni#852, #1263)'),
  s('health/multus-pods', 'Multus pods never OOMKilled, no restarts since the baseline; restarts, limits, image reported', 'quick', ['multus'], 'Multus daemon (multus-cni#1346, #1416, #1160)'),
  s('health/plain-pod', 'a pod without network annotations still starts', 'quick', ['multus'], 'NPWG §6.2'),
  s('in-pod/macvlan', 'macvlan attachment: name, IP in range, UP, bridge mode, MAC, routes', 'quick', ['multus', 'macvlan'], 'NPWG §4.2, §5.3', 'macvlan'),
  s('in-pod/macvlan-mtu', 'macvlan attachment gets the configured MTU', 'standard', ['multus', 'macvlan'], 'CNI macvlan'),
  s('in-pod/whereabouts', 'macvlan with whereabouts IPAM: IP in the whereabouts range, UP, recorded in its IPPool', 'standard', ['multus', 'macvlan', 'whereabouts'], 'whereabouts IPAM'),
  s('in-pod/ipvlan', 'ipvlan l2 attachment: name, IP in range, UP, l2 mode', 'quick', ['multus', 'ipvlan'], 'NPWG §4.2, §5.3', 'ipvlan'),
  // More CNI plugins (suites/scenarios/plugins.ts); early in the list, so their node work overlaps the rest of the run. Node-side state (a bridge, a veth) only on clusters the suite created.
  s('plugins/bridge', "bridge plugin on the scenario's own bridge: two pods in range, UP, status agrees, ping over net1; bridge removed", 'standard', ['multus', 'suite-cluster', 'plugin-bridge'], 'CNI bridge'),
  s('plugins/host-device', 'host-device moves a veth end into the pod (net1, UP, addressed) and back to the node on delete', 'standard', ['multus', 'suite-cluster', 'plugin-host-device'], 'CNI host-device'),
  s('plugins/tuning', "tuning sets a per-interface and a namespace sysctl in the pod; the node's values stay", 'standard', ['multus', 'macvlan', 'plugin-tuning', 'tuning-range'], 'CNI tuning'),
  s('plugins/tuning-allowlist', 'tuning refuses a sysctl outside /etc/cni/tuning/allowlist.conf (where the plugin has an allowlist)', 'standard', ['multus', 'macvlan', 'suite-cluster', 'plugin-tuning', 'tuning-range'], 'CNI tuning (sysctl allowlist)'),
  s('plugins/vlan', 'vlan attachment on the master: name, kind vlan, UP, IP in range (where the kernel has 802.1q)', 'standard', ['multus', 'macvlan', 'plugin-vlan'], 'CNI vlan'),
  s('status/shape', 'network-status: valid JSON, one default entry, ns/name names', 'quick', ['multus', 'macvlan'], 'NPWG §5.2, §5.3'),
  s('status/matches-live', 'network-status agrees with interfaces, IPs and MACs in the pod', 'quick', ['multus', 'macvlan'], 'NPWG §5.3'),
  s('selection/comma-list', 'comma list of two networks gives net1, net2 in order', 'standard', ['multus', 'macvlan'], 'NPWG §4.1.1'),
  s('selection/cross-namespace', 'ns/name selects a network from another namespace', 'standard', ['multus', 'macvlan'], 'NPWG §4.1.1'),
  s('selection/ifname-suffix', 'name@ifname sets the interface name', 'standard', ['multus', 'macvlan'], 'Multus behaviour'),
  s('selection/json-form', 'JSON form with interface, ips, mac and cni-args', 'standard', ['multus', 'macvlan', 'static-ipam'], 'NPWG §4.1.2'),
  s('selection/same-network-twice', 'same network twice: two interfaces, two entries, distinct IPs', 'standard', ['multus', 'macvlan'], 'NPWG §4.2'),
  s('sriov/vf', 'SR-IOV VF allocated, device-info PCI address matches PCIDEVICE env', 'standard', ['multus', 'sriov'], 'NPWG §5.3.7', 'sriov'),
  s('negative/missing-nad', 'missing NAD: pod never Running, failure reported', 'standard', ['multus'], 'NPWG §7.2'),
  s('negative/malformed-json', 'malformed JSON annotation fails the pod', 'standard', ['multus', 'macvlan'], 'NPWG §4.1.2 (Multus fails the pod)'),
  s('negative/bad-ip', 'invalid IP in the JSON form fails the pod', 'standard', ['multus', 'macvlan', 'static-ipam'], 'NPWG §4.1.2.1.3'),
  s('negative/bad-mac', 'invalid MAC in the JSON form fails the pod', 'standard', ['multus', 'macvlan', 'static-ipam'], 'NPWG §4.1.2.1.4'),
  s('negative/long-ifname', 'interface name over 15 characters fails the pod', 'standard', ['node-residue', 'multus', 'macvlan'], 'NPWG §4.1.2.1.5'),
  s('negative/duplicate-ifname', 'duplicate interface name fails the pod', 'standard', ['multus', 'macvlan'], 'NPWG §4.1.2.1.5'),
  s('negative/two-default-routes', 'default-route on two networks fails the pod', 'standard', ['multus', 'macvlan'], 'NPWG §4.1.2.1.9'),
  s('negative/ipam-exhausted', 'IPAM range exhausted: clear failure, addresses reused after delete', 'standard', ['multus', 'macvlan'], 'host-local IPAM'),
  s('ipam/whereabouts-exhausted', 'whereabouts range exhausted: the extra pod fails naming the range, starts once an address is freed', 'standard', ['multus', 'macvlan', 'whereabouts'], 'whereabouts IPAM'),
  s('ipam/whereabouts-reclaim', "whereabouts frees a deleted pod's address in its IPPool; the next pod gets it", 'standard', ['multus', 'macvlan', 'whereabouts'], 'whereabouts IPAM'),
  s('ipam/whereabouts-burst', 'pods started at once get unique whereabouts addresses, each recorded for its pod', 'standard', ['multus', 'macvlan', 'whereabouts'], 'whereabouts IPAM'),
  s('ipam/whereabouts-statefulset', 'StatefulSet scaled down and up: addresses freed in the IPPool, then unique again', 'standard', ['multus', 'macvlan', 'whereabouts'], 'whereabouts IPAM'),
  s('ipam/whereabouts-overlap', 'two NADs with overlapping ranges never hand out one address twice (reservations)', 'standard', ['multus', 'macvlan', 'whereabouts'], 'whereabouts IPAM'),
  s('traffic/same-node', 'pod-to-pod over net1 on the same node', 'standard', ['multus', 'macvlan'], 'L2 segment'),
  s('traffic/cross-node', 'pod-to-pod over net1 across nodes', 'standard', ['multus', 'macvlan', 'two-nodes'], 'L2 segment'),
  s('traffic/external-host', "an external host on the master's segment reaches the pod", 'standard', ['multus', 'macvlan', 'external-peer'], 'L2 segment'),
  // MultiNetworkPolicy on the secondary network: each checks allowed traffic passes and denied traffic is dropped.
  s('policy/ingress-deny-all', 'ingress deny-all drops traffic to the pod over net1, its own traffic out still flows', 'standard', MNP, MNP_RULE),
  s('policy/allow-from-pod', 'ingress from a podSelector: the selected pod gets through, another is dropped', 'standard', MNP, MNP_RULE),
  s(
    'policy/pod-selector-namespace',
    "ingress from a podSelector admits matching pods of the policy's namespace only",
    'standard',
    MNP,
    `${MNP_RULE}: a peer podSelector without namespaceSelector selects pods in the policy's namespace`,
  ),
  s('policy/namespace-selector', 'ingress from a namespaceSelector: pods of the selected namespace get through, others are dropped', 'standard', MNP, MNP_RULE),
  s('policy/egress', 'egress to a podSelector: the selected pod is reached, another is not', 'standard', MNP, MNP_RULE),
  s('policy/ip-block', 'ingress from an ipBlock with except: the external host gets through, a pod in except is dropped', 'standard', [...MNP, 'external-peer'], MNP_RULE),
  s('policy/port-protocol', 'ingress on one TCP port: that port gets through, another port and ICMP are dropped', 'standard', MNP, MNP_RULE),
  s(
    'ipv6/macvlan',
    'macvlan with an IPv6 range: address in range, DAD settled, on-link and configured routes, status annotation, ping6 between pods',
    'standard',
    IPV6,
    IPV6_RULE,
  ),
  s(
    'ipv6/dual-stack',
    'macvlan with IPv4 and IPv6 ranges: one address of each in range, DAD settled, routes of both families, status annotation, ping and ping6 between pods',
    'standard',
    [...IPV6, 'dual-stack-range'],
    IPV6_RULE,
  ),
  s('ipv6/external-host', "an IPv6 external host on the master's segment and a pod reach each other (ping6 both ways)", 'standard', [...IPV6, 'external-peer-ipv6'], IPV6_RULE),
  // Multus' annotations and pod kinds (issue 10 item 5). A file and area of their own: lifecycle/* is
  // the disruptive group's, and an area's file is loaded whole into one group's worker.
  s(
    'annotations/default-network',
    'v1.multus-cni.io/default-network replaces the cluster network: eth0 from the named NAD, its status entry the one default',
    'standard',
    ['multus', 'macvlan', 'default-network-subnet'],
    'Multus behaviour (default-network annotation)',
  ),
  s(
    'annotations/nad-change',
    'NAD edited (subnet, MTU) while pods run: new pods get the new config, running pods keep theirs, status stays true',
    'standard',
    ['multus', 'macvlan', 'nad-change-subnets'],
    'Multus behaviour (NAD read at CNI ADD)',
  ),
  s(
    'annotations/static-pod',
    "static pod with a NAD: its mirror pod is attached (net1, status); its manifest removed, the pod and its lease are gone",
    'standard',
    ['multus', 'macvlan', 'static-pod-manifests'],
    'Multus behaviour (static pods, upstream e2e test-static-pod.sh)',
  ),
  s('lifecycle/multus-restart', 'pods keep their interfaces across a Multus DaemonSet restart', 'disruptive', ['multus', 'macvlan', 'disruptive'], 'Multus behaviour'),
  s(
    'lifecycle/pod-during-restart',
    'a pod created while Multus restarts gets its networks or fails, never runs without them',
    'disruptive',
    ['multus', 'macvlan', 'disruptive'],
    'NPWG §7.2',
  ),
  s('audit/workload-pods', 'existing workload pods: status annotation vs live interfaces and ranges', 'standard', ['multus'], 'NPWG §5.3'),
  s(
    'scale/pods',
    'N pods with two attachments each: every pod checked, all IPs unique, ready latency and IPAM errors reported',
    SCALE_LEVEL,
    ['multus', 'macvlan', 'scale-range'],
    'NPWG §4.2, §5.3',
  ),
];

/** The scenarios a run can select without --scale: what the expected tables of the e2e tests cover. */
export const DEFAULT_CATALOG: readonly ScenarioDef[] = CATALOG.filter((d) => d.level !== SCALE_LEVEL);

export function byId(id: string): ScenarioDef {
  const def = CATALOG.find((d) => d.id === id);
  if (!def) throw new Error(`scenario ${id} is not in the catalog`);
  return def;
}

/**
 * Scenarios that take a slot before every other one, in this order. Their
 * length is the cluster's, not the suite's: they wait on the kubelet's
 * retries of a failing sandbox (negative/*), on a pod waiting for an address
 * to be freed (the exhaustion scenarios), on teardown that Multus drags out
 * (negative/long-ifname: 15 s to delete on the testbed), on bounded pings.
 * Started last, one of them was the whole end of a run: in `npm run bench`'s
 * non-disruptive set, negative/long-ifname (22.6 s of work) waited 4.4 s
 * for a slot and the run waited for it. Longest first (the whereabouts
 * scenarios: 17-30 s of work each on the testbed, by `run --timings`).
 */
export const START_FIRST: readonly string[] = [
  'negative/long-ifname',
  'ipam/whereabouts-exhausted',
  'ipam/whereabouts-burst',
  'negative/ipam-exhausted',
  'ipam/whereabouts-statefulset',
  'ipam/whereabouts-overlap',
  'ipam/whereabouts-reclaim',
  'negative/duplicate-ifname',
  'negative/two-default-routes',
  'negative/bad-mac',
  'negative/malformed-json',
  'negative/bad-ip',
  'negative/missing-nad',
  'traffic/same-node',
  'traffic/external-host',
];

/** The order in which scenarios are registered, so take their slots: START_FIRST's, then the rest as given. */
export function startOrder<T extends { id: string }>(defs: readonly T[]): T[] {
  const rank = (d: T): number => {
    const i = START_FIRST.indexOf(d.id);
    return i === -1 ? START_FIRST.length : i;
  };
  // Array.prototype.sort is stable: the rest keep their order.
  return [...defs].sort((a, b) => rank(a) - rank(b));
}

/** Whether the run mode includes a scenario of this level (scale: selection alone decides). */
export function levelIncluded(level: Level, mode: Mode): boolean {
  if (level === SCALE_LEVEL) return true;
  if (mode === 'quick') return level === 'quick';
  if (mode === 'non-disruptive') return level !== 'disruptive';
  return true;
}
