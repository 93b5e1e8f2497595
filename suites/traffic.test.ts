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

scenario('traffic/same-node', async (env) => {
  await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const node = nodesFor(env.cluster, 'macvlan').nodes[0]!;
  const [a, b] = await Promise.all([
    env.pod('ping-a', { networks: 'macvlan-conf', node }),
    env.pod('ping-b', { networks: 'macvlan-conf', node }),
  ]);
  await expectPing(a, b);
  await expectPing(b, a);
});

scenario('traffic/cross-node', async (env) => {
  await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const [n1, n2] = nodesFor(env.cluster, 'macvlan').nodes as [string, string];
  const [a, b] = await Promise.all([
    env.pod('ping-a', { networks: 'macvlan-conf', node: n1 }),
    env.pod('ping-b', { networks: 'macvlan-conf', node: n2 }),
  ]);
  await expectPing(a, b);
  await expectPing(b, a);
});

scenario('traffic/external-host', async (env) => {
  await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
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
