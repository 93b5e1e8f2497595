import { splitRange } from '../helpers/nad/ipam-range.ts';
import type { ProfileValues } from '../helpers/fixtures/profile.ts';
import { startExternalPeer } from '../helpers/traffic/external-peer.ts';
import { ConformanceFailure } from '../helpers/errors.ts';
import { liveIps } from '../helpers/scenario/checks.ts';
import { nodesFor } from '../helpers/scenario/requirements.ts';
import { scenario } from '../helpers/scenario/scenario.ts';
import type { AttachedPod } from '../helpers/scenario/attached-pod.ts';

async function net1Ip(pod: AttachedPod): Promise<string> {
  const ip = (await liveIps(pod, 'net1'))[0];
  if (!ip) throw new ConformanceFailure({ pod: pod.id, iface: 'net1', check: 'address', expected: 'an IP', actual: 'none' });
  return ip;
}

async function expectPing(from: AttachedPod, to: AttachedPod): Promise<void> {
  const target = await net1Ip(to);
  const r = await from.ping(target, 'net1');
  if (!r.ok) {
    throw new ConformanceFailure({
      pod: from.id,
      iface: 'net1',
      check: `ping ${to.id} at ${target} over net1`,
      expected: 'replies',
      actual: r.output.split('\n').slice(-2).join(' | ') || 'no output',
    });
  }
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
    const r = await peer.ping(target);
    if (!r.ok) {
      throw new ConformanceFailure({
        pod: pod.id,
        iface: 'net1',
        check: `${peer.description} pings ${target}`,
        expected: 'replies',
        actual: r.output.split('\n').slice(-2).join(' | ') || 'no output',
      });
    }
    // And the pod reaches the external host back over net1.
    const back = await pod.ping(peer.address, 'net1');
    if (!back.ok) {
      throw new ConformanceFailure({ pod: pod.id, iface: 'net1', check: `ping ${peer.description}`, expected: 'replies', actual: back.output });
    }
  } finally {
    await peer.stop();
  }
});
