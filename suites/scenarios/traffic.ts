import { splitRange } from '../../helpers/nad/ipam-range.ts';
import type { ProfileValues } from '../../helpers/fixtures/profile.ts';
import { startExternalPeer } from '../../helpers/traffic/external-peer.ts';
import { assertHasAddress } from '../../helpers/assert/addresses.ts';
import { assertInterfacePresent } from '../../helpers/assert/interfaces.ts';
import { assertPingReplied, assertReachedBy } from '../../helpers/assert/traffic.ts';
import { nodesFor } from '../../helpers/scenario/requirements.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import type { AttachedPod } from '../../helpers/scenario/attached-pod.ts';

async function net1Ip(pod: AttachedPod): Promise<string> {
  return assertHasAddress(pod.id, assertInterfacePresent(pod.id, await pod.interfaces(), 'net1'));
}

async function expectPing(from: AttachedPod, to: AttachedPod): Promise<void> {
  const address = await net1Ip(to);
  assertPingReplied(from.id, 'net1', { name: to.id, address }, await from.ping(address, 'net1'));
}

/**
 * A quarter of the profile's traffic range (trafficRangeStart in
 * helpers/fixtures/profile.ts) for each pod group: same-node 0, cross-node 1
 * and 2, external-host 3. host-local keeps its state per node, so pods of these
 * scenarios running at once on different nodes never share an address.
 */
function trafficRange(p: ProfileValues, part: 0 | 1 | 2 | 3): { rangeStart: string; rangeEnd: string } {
  const [rangeStart, rangeEnd] = splitRange(p.trafficRangeStart ?? p.rangeStart, p.trafficRangeEnd ?? p.rangeEnd, 4)[part]!;
  return { rangeStart, rangeEnd };
}

scenario('traffic/same-node', async (env) => {
  await env.nad('macvlan-bridge', { name: 'macvlan-conf', vars: trafficRange(env.profile, 0) });
  const node = nodesFor(env.cluster, 'macvlan').nodes[0]!;
  const [a, b] = await Promise.all([
    env.pod('ping-a', { networks: 'macvlan-conf', node }),
    env.pod('ping-b', { networks: 'macvlan-conf', node }),
  ]);
  await expectPing(a, b);
  await expectPing(b, a);
});

scenario('traffic/cross-node', async (env) => {
  await env.nad('macvlan-bridge', { name: 'macvlan-a', vars: trafficRange(env.profile, 1) });
  await env.nad('macvlan-bridge', { name: 'macvlan-b', vars: trafficRange(env.profile, 2) });
  const [n1, n2] = nodesFor(env.cluster, 'macvlan').nodes as [string, string];
  const [a, b] = await Promise.all([
    env.pod('ping-a', { networks: 'macvlan-a', node: n1 }),
    env.pod('ping-b', { networks: 'macvlan-b', node: n2 }),
  ]);
  await expectPing(a, b);
  await expectPing(b, a);
});

scenario('traffic/external-host', async (env) => {
  await env.nad('macvlan-bridge', { name: 'macvlan-conf', vars: trafficRange(env.profile, 3) });
  const pod = await env.pod('reached', { networks: 'macvlan-conf' });
  const target = await net1Ip(pod);
  const prefix = Number(env.profile.subnet.split('/')[1]);
  const peer = await startExternalPeer(env.profile.externalPeer!, prefix);
  try {
    assertReachedBy(pod.id, 'net1', target, peer.description, await peer.ping(target));
    // And the pod reaches the external host back over net1.
    assertPingReplied(pod.id, 'net1', { name: peer.description, address: peer.address }, await pod.ping(peer.address, 'net1'));
  } finally {
    await peer.stop();
  }
});
