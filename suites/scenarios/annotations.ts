import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { assignedIps } from '../../helpers/assert/addresses.ts';
import { assertDefaultNetwork, DEFAULT_NETWORK_ANNOTATION } from '../../helpers/assert/default-network.ts';
import { assertInterfacePresent } from '../../helpers/assert/interfaces.ts';
import { assertLinkKind, assertOperUp } from '../../helpers/assert/link.ts';
import { assertAttachmentKept, assertStatusKept, attachmentFacts } from '../../helpers/assert/nad-change.ts';
import { assertStatusMatchesLive, assertStatusShape } from '../../helpers/assert/network-status.ts';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import { verifyAttachments } from '../../helpers/scenario/checks.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';

// Multus' own annotations and NAD edits (issue 10 item 5), as Multus'
// upstream e2e and ovn-kubernetes' multihoming tests use them. Each scenario
// takes its addresses from a subnet of its own (profile *Subnet keys; the
// requirement skips naming the key where a profile has none).
const cluster = currentCluster();

scenario('annotations/default-network', async (env) => {
  const nad = await env.nad('macvlan-default-network', { name: 'default-net', vars: { netSubnet: env.profile.defaultNetworkSubnet } });
  // Multus looks the named NAD up in its own namespace (kube-system) unless
  // the annotation names one: the scenario's namespace is always named.
  const network = `${env.ns}/default-net`;
  // No probe needs the cluster network: the kubelet execs into the pod itself.
  const pod = await env.pod('default-net', { annotations: { [DEFAULT_NETWORK_ANNOTATION]: network } });
  const status = pod.status();
  const live = await pod.interfaces();
  const eth0 = assertInterfacePresent(pod.id, live, 'eth0');
  const podIps = (pod.pod.status?.podIPs ?? []).flatMap((p) => (p.ip ? [p.ip] : []));
  // First where eth0's address came from: a pod left on the cluster network fails here, naming it.
  assertDefaultNetwork(pod.id, { network, iface: 'eth0', pools: computeIpamPoolsFromJson(nad.spec.config!) }, { ifaceIps: assignedIps(eth0), podIps }, status);
  assertOperUp(pod.id, eth0);
  assertLinkKind(pod.id, eth0, 'macvlan', 'bridge');
  assertStatusShape(pod.id, status, cluster);
  assertStatusMatchesLive(pod.id, status, live);
});

/** The MTU after the edit: 1280 (IPv6's minimum) fits under any master and differs from the profile's. */
const EDITED_MTU = 1280;

scenario('annotations/nad-change', async (env) => {
  const p = env.profile;
  const original = await env.nad('macvlan-subnet-mtu', { name: 'changing', vars: { netSubnet: p.nadChangeSubnet, netMtu: p.mtu } });
  const want = (nad: typeof original, mtu: number) => [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge', mtu }];
  const running = await env.pod('before-edit', { networks: 'changing' });
  const before = await verifyAttachments(running, want(original, p.mtu), cluster);
  const kept = attachmentFacts(assertInterfacePresent(running.id, before.live, 'net1'));

  // The same NAD, replaced in place: another subnet, another MTU.
  const edited = await env.nad('macvlan-subnet-mtu', { name: 'changing', vars: { netSubnet: p.nadChangeNewSubnet, netMtu: EDITED_MTU } });
  const fresh = await env.pod('after-edit', { networks: 'changing' });
  await verifyAttachments(fresh, want(edited, EDITED_MTU), cluster);

  // The pod that ran meanwhile keeps what it got, and its status still agrees with it.
  await running.refresh();
  const after = await verifyAttachments(running, want(original, p.mtu), cluster);
  assertAttachmentKept(running.id, 'net1', kept, attachmentFacts(assertInterfacePresent(running.id, after.live, 'net1')));
  assertStatusKept(running.id, 'net1', before.status, after.status);
});
