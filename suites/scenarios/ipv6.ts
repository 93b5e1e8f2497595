import { assignedIps } from '../../helpers/assert/addresses.ts';
import { assertOnePerFamily } from '../../helpers/assert/ipv6.ts';
import { assertRoute } from '../../helpers/assert/routes.ts';
import { assertPingReplied, assertReachedBy } from '../../helpers/assert/traffic.ts';
import type { NadObject } from '../../helpers/fixtures/render.ts';
import { parseIpMaybeCidr, type IpFamily } from '../../helpers/parse/ip-address.ts';
import type { AttachedPod } from '../../helpers/scenario/attached-pod.ts';
import { verifyAttachments } from '../../helpers/scenario/checks.ts';
import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import type { ScenarioEnv } from '../../helpers/scenario/env.ts';
import { dadSettled } from '../../helpers/scenario/ipv6-checks.ts';
import { IPV6_ROUTE_DST, ipv6Vars } from '../../helpers/scenario/ipv6-ranges.ts';
import { ipv6Nodes } from '../../helpers/scenario/requirements.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { startExternalPeer } from '../../helpers/traffic/external-peer.ts';

// IPv6 and dual-stack macvlan attachments on the master's segment, as
// whereabouts', multi-networkpolicy's, ovn-kubernetes' and sriov's e2e suites
// run them. Every pod goes to the first node that can attach macvlan and
// gives pods IPv6: host-local keeps its pools per node, and two nodes on one
// segment would hand out one address twice (DAD would then fail). Each
// scenario's NAD has a quarter of the IPv6 range (ipv6-ranges.ts).
const cluster = currentCluster();

/** The address of one family on a checked attachment (link-local left out). */
function addressOf(ips: readonly string[], family: IpFamily): string {
  return ips.find((ip) => parseIpMaybeCidr(ip)?.family === family)!;
}

/**
 * Every check of one IPv6 (or dual-stack) attachment, DAD first, so the rest
 * reads the addresses as the pod will use them: in the NAD's ranges (never
 * the gateway), one per family, the network-status annotation agreeing with
 * what is live (both families), the on-link prefix(es) and the configured
 * route via the IPv6 gateway on net1. Returns the attachment's addresses.
 */
async function checkedAttachment(env: ScenarioEnv, pod: AttachedPod, nad: NadObject, families: IpFamily[]): Promise<string[]> {
  const p = env.profile;
  await dadSettled(pod, 'net1');
  const { live } = await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge' }], cluster);
  const ips = assignedIps(live.find((i) => i.name === 'net1')!);
  assertOnePerFamily(pod.id, 'net1', ips, families);
  const routes6 = await pod.routes6();
  assertRoute(pod.id, routes6, { dst: p.ipv6Subnet!, dev: 'net1' });
  assertRoute(pod.id, routes6, { dst: IPV6_ROUTE_DST, gateway: p.ipv6Gateway!, dev: 'net1' });
  if (families.includes(4)) assertRoute(pod.id, await pod.routes(), { dst: p.dualStackSubnet!, dev: 'net1' });
  return ips;
}

/** Two pods on one node, each checked, then pinged both ways over net1 in each family. */
async function podPair(env: ScenarioEnv, networks: string, nad: NadObject, families: IpFamily[]): Promise<void> {
  const node = ipv6Nodes(env.cluster)[0]!;
  const [a, b] = await Promise.all([env.pod('v6-a', { networks, node }), env.pod('v6-b', { networks, node })]);
  const [ipsA, ipsB] = await Promise.all([checkedAttachment(env, a, nad, families), checkedAttachment(env, b, nad, families)]);
  // Every direction and family at once (each ping is bounded), checked in a fixed order.
  const pings = families.flatMap((family) => [
    { from: a, to: b, address: addressOf(ipsB, family) },
    { from: b, to: a, address: addressOf(ipsA, family) },
  ]);
  const results = await Promise.all(pings.map((p) => p.from.ping(p.address, 'net1')));
  pings.forEach((p, i) => assertPingReplied(p.from.id, 'net1', { name: p.to.id, address: p.address }, results[i]!));
}

scenario('ipv6/macvlan', async (env) => {
  const nad = await env.nad('macvlan-ipv6', { name: 'ipv6-net', vars: ipv6Vars(env.profile, 'macvlan') });
  await podPair(env, 'ipv6-net', nad, [6]);
});

scenario('ipv6/dual-stack', async (env) => {
  const nad = await env.nad('macvlan-dual-stack', { name: 'dual-stack-net', vars: ipv6Vars(env.profile, 'dual-stack') });
  await podPair(env, 'dual-stack-net', nad, [4, 6]);
});

scenario('ipv6/external-host', async (env) => {
  const nad = await env.nad('macvlan-ipv6', { name: 'ipv6-ext', vars: ipv6Vars(env.profile, 'external-host') });
  const pod = await env.pod('reached6', { networks: 'ipv6-ext', node: ipv6Nodes(env.cluster)[0]! });
  const target = addressOf(await checkedAttachment(env, pod, nad, [6]), 6);
  const peerConfig = env.profile.externalPeer!;
  // The same host, addressed over IPv6 (a namespace host answers on every address it has).
  const peer = await startExternalPeer({ ...peerConfig, address: peerConfig.ipv6Address! }, Number(env.profile.ipv6Subnet!.split('/')[1]));
  try {
    assertReachedBy(pod.id, 'net1', target, peer.description, await peer.ping(target));
    assertPingReplied(pod.id, 'net1', { name: peer.description, address: peer.address }, await pod.ping(peer.address, 'net1'));
  } finally {
    await peer.stop();
  }
});
