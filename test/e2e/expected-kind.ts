import type { Outcome } from './expected-local.ts';

/**
 * What a full run on a 3-node kind cluster built by the offline toolchain
 * (scripts/kind) must produce, scenario by scenario: Multus v4.2.3, Debian's
 * CNI plugins 1.1.1 in the node image, the kernel of this project's machines
 * (no ipvlan). Observed on this branch, 2026-11-30.
 */
const passed = { status: 'passed' } as const;
const skipped = (reason: RegExp): Outcome => ({ status: 'skipped', reason });
const failed = (message: RegExp): Outcome => ({ status: 'failed', message });

// One case per node (control plane and both workers), each with its own node named.
const noIpvlan = /node \S+-(control-plane|worker2?): node kernel lacks ipvlan \(creating a ipvlan link failed: .*Operation not supported\)/;

/**
 * plugins/* on kind, observed 2026-11-30 with thin Multus on a 3-node cluster
 * (`run --provider kind -t '^plugins/'`; thick not run on kind). The node image carries Debian bookworm's
 * containernetworking-plugins 1.1.1 (scripts/kind/build.sh) and the nodes
 * share this machine's kernel: no tuning allowlist, no 802.1q. The bridge and
 * the host-device veth are made inside the first node container.
 */
const PLUGINS_KIND: Record<string, Outcome> = {
  'plugins/bridge': passed,
  'plugins/host-device': passed,
  'plugins/tuning': passed,
  'plugins/tuning-allowlist': skipped(
    /node \S+: its tuning plugin has no sysctl allowlist \(\/opt\/cni\/bin\/tuning holds no "allowlist\.conf"; it says "CNI tuning plugin version unknown"\): \/etc\/cni\/tuning\/allowlist\.conf came in containernetworking\/plugins v1\.2\.0/,
  ),
  'plugins/vlan': skipped(/node \S+: node kernel lacks 802\.1q VLAN \(creating a vlan link failed: (Error: Unknown device type\.|ip: RTNETLINK answers: Operation not supported)\)/),
};

/** The thin plugin (the default install). */
export const EXPECTED_KIND_THIN: Record<string, Outcome> = {
  'health/nad-crd': passed,
  'health/multus-daemonset': passed,
  'health/cni-config-order': passed,
  'health/plugin-binaries': passed,
  'health/tkg-package': skipped(/not a TKG cluster: the packaging\.carvel\.dev API \(PackageInstall\) is not served/),
  'health/plain-pod': passed,
  'health/stale-config': passed,
  'health/config-flavor': passed,
  'health/delegate-config': passed,
  'health/thin-kubeconfig': passed,
  'health/multus-pods': passed,
  'in-pod/macvlan': passed,
  'in-pod/macvlan-mtu': passed,
  // whereabouts v0.9.2: preloaded in the offline node image, installed by the suite.
  'in-pod/whereabouts': passed,
  'in-pod/ipvlan': skipped(noIpvlan),
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
  // The testbed's finding, on every cluster with the thin plugin: see expected-local.ts. On kind it
  // shows by turns: thin Multus' DEL, finding no cached delegates (the ADD failed before writing
  // them), reads the pod from the API to rebuild them, and when that read fails (three node
  // containers and a full run on 2 cores: the API server answers late) it logs "failed to get the
  // cached delegates file … cannot properly delete" and returns success without calling macvlan's
  // DEL, so the pod goes (multus-cni pkg/multus CmdDel). Seen once in CI on 2026-11-30 after four
  // runs with the wedge. Either way the run says which happened.
  'negative/long-ifname': {
    status: 'either',
    options: [
      failed(/pod mc-\S+\/negative: delete after a failed attachment .*expected pod gone within \d+s, got still present, Terminating.*interface name is too long/),
      passed,
    ],
  },
  'negative/duplicate-ifname': passed,
  'negative/two-default-routes': passed,
  'negative/ipam-exhausted': passed,
  'ipam/whereabouts-exhausted': passed,
  'ipam/whereabouts-reclaim': passed,
  'ipam/whereabouts-burst': passed,
  'ipam/whereabouts-statefulset': passed,
  'ipam/whereabouts-overlap': passed,
  'traffic/same-node': passed,
  'traffic/cross-node': passed,
  // Through a testcontainers container on the kind network.
  'traffic/external-host': passed,
  // The kind provider installs no MultiNetworkPolicy implementation (README, "MultiNetworkPolicy").
  ...Object.fromEntries(
    ['ingress-deny-all', 'allow-from-pod', 'pod-selector-namespace', 'namespace-selector', 'egress', 'ip-block', 'port-protocol'].map((id) => [
      `policy/${id}`,
      skipped(/no MultiNetworkPolicy CRD: multi-networkpolicies\.k8s\.cni\.cncf\.io\/v1beta1 is not served on the cluster/),
    ]),
  ),
  // IPv6 is off unless configured, and the kind profile leaves it unset (fixtures/profiles/kind.yaml says why).
  ...Object.fromEntries(
    ['macvlan', 'dual-stack', 'external-host'].map((id) => [
      `ipv6/${id}`,
      skipped(/no IPv6 range in profile kind \(IPv6 is off unless configured\): set network\.ipv6Subnet, network\.ipv6Gateway, network\.ipv6RangeStart, network\.ipv6RangeEnd/),
    ]),
  ),
  // Multus' annotations (issue 10 item 5), on profile kind's 10.10.3.128/27 and .160/27, .192/27.
  'annotations/default-network': passed,
  'annotations/nad-change': passed,
  'annotations/static-pod': skipped(/the kind provider does not write into its node containers' \/etc\/kubernetes\/manifests/),
  'lifecycle/multus-restart': passed,
  'lifecycle/pod-during-restart': passed,
  // No workloads on the cluster but the suite's own: nothing to compare, said so.
  'audit/workload-pods': skipped(/Nothing was compared: (no pod with network annotations|none of the \d+ pod\(s\)) outside the suite's namespaces/),
  ...PLUGINS_KIND,
};

/**
 * The thick plugin (`--multus-install thick`): the testbed's thick findings
 * hold on kind too. A pod created while the daemon restarts runs without its
 * secondary network (upstream multus-cni#1527); the long interface name no
 * longer wedges the pod, because the shim swallows DEL errors.
 */
export const EXPECTED_KIND_THICK: Record<string, Outcome> = {
  ...EXPECTED_KIND_THIN,
  'health/thin-kubeconfig': skipped(/Multus runs thick \(multus-daemon\): the shim on the nodes reaches the daemon over its socket and holds no kubeconfig token/),
  'negative/long-ifname': passed,
  'lifecycle/pod-during-restart': failed(
    /pod mc-\S+\/during-\d+, interface net1: pod created during a Multus restart: expected net1 attached \(or the pod not running\), got Running with only lo, eth0/,
  ),
};
