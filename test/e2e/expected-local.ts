/**
 * What a full run on the embedded testbed must produce, scenario by scenario.
 * Everything passes except what the testbed truly cannot do (skips, with the
 * reason pinned) and one real finding against Multus v4.2.3 + CNI plugins
 * 1.1.1: a pod that asked for an interface name over 15 characters fails as
 * it should, but can then never be deleted (CNI DEL fails on the same name),
 * so it stays Terminating.
 */
import { existsSync, readFileSync } from 'node:fs';

export type Outcome =
  | { status: 'passed' }
  | { status: 'skipped'; reason: RegExp }
  | { status: 'failed'; message: RegExp }
  /** Two outcomes real components give by turns (each named with the reason in the table). */
  | { status: 'either'; options: readonly Outcome[] };

const passed = { status: 'passed' } as const;
const skipped = (reason: RegExp): Outcome => ({ status: 'skipped', reason });
const failed = (message: RegExp): Outcome => ({ status: 'failed', message });

/**
 * MultiNetworkPolicy is on the testbed only where multi-networkpolicy-iptables
 * could be built (scripts/testbed/build.sh mnp: the Go module proxy, or a
 * checkout in MC_MNP_SOURCE); up.sh records which in the state directory.
 * Installed, every policy scenario passes but one finding: a podSelector
 * peer lets in a labelled pod of another namespace. Not installed, the
 * scenarios skip for want of the CRD.
 */
const MNP_STATE = `${process.env['MC_STATE_DIR'] ?? '/var/lib/multus-conformance'}/multi-networkpolicy`;
export const TESTBED_HAS_MNP = existsSync(MNP_STATE) && readFileSync(MNP_STATE, 'utf8').startsWith('installed');
const POLICY_IDS = ['ingress-deny-all', 'allow-from-pod', 'pod-selector-namespace', 'namespace-selector', 'egress', 'ip-block', 'port-protocol'];
const POLICY: Record<string, Outcome> = Object.fromEntries(
  POLICY_IDS.map((id): [string, Outcome] => [
    `policy/${id}`,
    !TESTBED_HAS_MNP
      ? skipped(/no MultiNetworkPolicy CRD: multi-networkpolicies\.k8s\.cni\.cncf\.io\/v1beta1 is not served on the cluster/)
      : id === 'pod-selector-namespace'
        ? failed(
            /pod mc-\S+\/target, interface net1: TCP port 8080 from mc-\S+-other\/foreign to mc-\S+\/target at \S+ over net1, the podSelector peer selects pods of namespace mc-\S+ only, so it is denied by MultiNetworkPolicy mc-\S+\/allow-from-pod: expected dropped, got passed: mc-policy-8080/,
          )
        : passed,
  ]),
);

/**
 * annotations/static-pod needs a kubelet that reads static pod manifests:
 * up.sh configures staticPodPath since issue 10 item 5; a testbed brought up
 * by an older up.sh has none, and the scenario skips saying so.
 */
const KUBELET_CONFIG = `${process.env['MC_STATE_DIR'] ?? '/var/lib/multus-conformance'}/config/kubelet.yaml`;
export const TESTBED_HAS_STATIC_PODS = existsSync(KUBELET_CONFIG) && /^staticPodPath: \S/m.test(readFileSync(KUBELET_CONFIG, 'utf8'));

/**
 * plugins/* on the testbed (Debian's containernetworking-plugins 1.1.1, a
 * kernel without 802.1q): bridge, host-device and tuning pass; the tuning
 * allowlist came in plugins v1.2.0, and VLAN links need 802.1q (the test
 * image's busybox sh runs its own `ip` applet for a bare `ip`: that answer;
 * iproute2 says "Unknown device type").
 */
export const PLUGINS_LOCAL: Record<string, Outcome> = {
  'plugins/bridge': passed,
  'plugins/host-device': passed,
  'plugins/tuning': passed,
  'plugins/tuning-allowlist': skipped(
    /node mc-node: its tuning plugin has no sysctl allowlist \(\/opt\/cni\/bin\/tuning holds no "allowlist\.conf"; it says "CNI tuning plugin version unknown"\): \/etc\/cni\/tuning\/allowlist\.conf came in containernetworking\/plugins v1\.2\.0/,
  ),
  'plugins/vlan': skipped(/node mc-node: node kernel lacks 802\.1q VLAN \(creating a vlan link failed: (Error: Unknown device type\.|ip: RTNETLINK answers: Operation not supported)\)/),
};

export const EXPECTED_LOCAL: Record<string, Outcome> = {
  'health/nad-crd': passed,
  'health/multus-daemonset': passed,
  'health/cni-config-order': passed,
  'health/plugin-binaries': passed,
  'health/tkg-package': skipped(/not a TKG cluster: the packaging\.carvel\.dev API \(PackageInstall\) is not served/),
  'health/plain-pod': passed,
  'health/stale-config': passed,
  'health/config-flavor': passed,
  'health/delegate-config': passed,
  // A pod-bound token the API server extended to a year (warnafter one hour): valid, its pod alive.
  'health/thin-kubeconfig': passed,
  'health/multus-pods': passed,
  'in-pod/macvlan': passed,
  'in-pod/macvlan-mtu': passed,
  // whereabouts v0.9.2, built and installed by the testbed (fixtures/whereabouts/).
  'in-pod/whereabouts': passed,
  'in-pod/ipvlan': skipped(/node mc-node: node kernel lacks ipvlan \(creating a ipvlan link failed: .*Operation not supported\)/),
  'status/shape': passed,
  'status/matches-live': passed,
  'selection/comma-list': passed,
  'selection/cross-namespace': passed,
  'selection/ifname-suffix': passed,
  'selection/json-form': passed,
  'selection/same-network-twice': passed,
  'sriov/vf': skipped(/no node advertises an SR-IOV resource in status\.allocatable/),
  'negative/missing-nad': passed,
  'negative/malformed-json': passed,
  'negative/bad-ip': passed,
  'negative/bad-mac': passed,
  'negative/long-ifname': failed(
    /pod mc-\S+\/negative: delete after a failed attachment .*expected pod gone within \d+s, got still present, Terminating.*interface name is too long/,
  ),
  'negative/duplicate-ifname': passed,
  'negative/two-default-routes': passed,
  'negative/ipam-exhausted': passed,
  'ipam/whereabouts-exhausted': passed,
  'ipam/whereabouts-reclaim': passed,
  'ipam/whereabouts-burst': passed,
  'ipam/whereabouts-statefulset': passed,
  'ipam/whereabouts-overlap': passed,
  'traffic/same-node': passed,
  'traffic/cross-node': skipped(/needs two nodes that can attach macvlan on the same segment; the cluster has 1/),
  'traffic/external-host': passed,
  ...POLICY,
  // IPv6 and dual-stack (issue 10 item 3): fd00:6d63::/64 on mc-seg0, the external host fd00:6d63::1 (up.sh).
  'ipv6/macvlan': passed,
  'ipv6/dual-stack': passed,
  'ipv6/external-host': passed,
  // Multus' annotations (issue 10 item 5): thin and thick alike.
  'annotations/default-network': passed,
  'annotations/nad-change': passed,
  'annotations/static-pod': TESTBED_HAS_STATIC_PODS
    ? passed
    : skipped(/the testbed's kubelet reads no static pod manifests \(no staticPodPath in \S+kubelet\.yaml\): it was brought up by an older scripts\/testbed\/up\.sh/),
  'lifecycle/multus-restart': passed,
  'lifecycle/pod-during-restart': passed,
  // No workloads on the testbed but the suite's own: nothing to compare, said so.
  'audit/workload-pods': skipped(/Nothing was compared: (no pod with network annotations|none of the \d+ pod\(s\)) outside the suite's namespaces/),
  ...PLUGINS_LOCAL,
};

/**
 * The same testbed with the thick plugin (MC_MULTUS_FLAVOR=thick: multus-daemon
 * plus multus-shim). Two outcomes differ from thin, besides health/thin-kubeconfig
 * (no kubeconfig token on thick nodes: skipped with that reason):
 * - negative/long-ifname passes: the shim swallows the failing DEL, so the pod
 *   can be deleted;
 * - lifecycle/pod-during-restart fails: the daemon deletes its config file when
 *   it exits, so a pod created in the restart window runs without its
 *   secondary network (upstream k8snetworkplumbingwg/multus-cni#1527; fixes
 *   proposed in #1550 and #1391).
 */
export const EXPECTED_LOCAL_THICK: Record<string, Outcome> = {
  ...EXPECTED_LOCAL,
  'health/thin-kubeconfig': skipped(/Multus runs thick \(multus-daemon\): the shim on the nodes reaches the daemon over its socket and holds no kubeconfig token/),
  'negative/long-ifname': passed,
  'lifecycle/pod-during-restart': failed(
    /pod mc-\S+\/during-\d+, interface net1: pod created during a Multus restart: expected net1 attached \(or the pod not running\).*got Running with only lo, eth0/,
  ),
};
