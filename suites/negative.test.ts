import { ConformanceFailure } from '../helpers/errors.ts';
import { scenario } from '../helpers/scenario/scenario.ts';
import type { ScenarioEnv } from '../helpers/scenario/env.ts';
import { liveIps } from '../helpers/scenario/checks.ts';
import { nodesFor } from '../helpers/scenario/requirements.ts';

interface NegativeCase {
  id: string;
  /** NAD fixture to apply first, as fixture → object name. */
  nads: Record<string, string>;
  networks: (env: ScenarioEnv) => string;
  /** What the failure event must say (observed Multus wording). */
  reason: RegExp;
}

const CASES: NegativeCase[] = [
  { id: 'negative/missing-nad', nads: {}, networks: () => 'mc-no-such-network', reason: /mc-no-such-network/ },
  { id: 'negative/malformed-json', nads: { 'macvlan-bridge': 'macvlan-conf' }, networks: () => '[{"name": "macvlan-conf"', reason: /json|unmarshal|parse/i },
  {
    id: 'negative/bad-ip',
    nads: { 'macvlan-static': 'macvlan-static' },
    networks: () => '[{"name":"macvlan-static","ips":["10.1.2.300/24"]}]',
    reason: /10\.1\.2\.300|ip/i,
  },
  {
    id: 'negative/bad-mac',
    nads: { 'macvlan-static': 'macvlan-static' },
    networks: (env) => `[{"name":"macvlan-static","ips":["${env.profile.staticIp}"],"mac":"02:23:45:67:89"}]`,
    reason: /mac/i,
  },
  {
    id: 'negative/long-ifname',
    nads: { 'macvlan-bridge': 'macvlan-conf' },
    networks: () => '[{"name":"macvlan-conf","interface":"averyveryverylongname0"}]',
    reason: /averyveryverylongname0|name|interface/i,
  },
  {
    id: 'negative/duplicate-ifname',
    nads: { 'macvlan-bridge': 'macvlan-conf' },
    networks: () => '[{"name":"macvlan-conf","interface":"mcdup0"},{"name":"macvlan-conf","interface":"mcdup0"}]',
    reason: /mcdup0|duplicate|exists/i,
  },
  {
    id: 'negative/two-default-routes',
    nads: { 'macvlan-bridge': 'macvlan-conf' },
    networks: (env) =>
      `[{"name":"macvlan-conf","default-route":["${env.profile.gateway}"]},{"name":"macvlan-conf","default-route":["${env.profile.gateway}"]}]`,
    reason: /default.?route|ecmp/i,
  },
];

for (const c of CASES) {
  scenario(c.id, async (env) => {
    for (const [fixture, name] of Object.entries(c.nads)) await env.nad(fixture, { name });
    const { failures } = await env.podExpectingFailure('negative', { networks: c.networks(env) });
    const text = failures.map((f) => `${f.reason}: ${f.message}`).join('\n');
    if (!c.reason.test(text)) {
      throw new ConformanceFailure({
        pod: `${env.ns}/negative`,
        check: 'failure event names the problem',
        expected: `an event matching ${c.reason}`,
        actual: text,
      });
    }
    // §7.2: teardown still runs for a pod whose attachment failed, so an
    // ordinary delete must complete (a stuck Terminating pod is what operators hit).
    await env.expectDeleted('negative');
  });
}

scenario('negative/ipam-exhausted', async (env) => {
  await env.nad('macvlan-small-range', { name: 'macvlan-small' });
  // Two addresses in the range: two pods take them, the third cannot start.
  // All on one node: host-local keeps its pool per node.
  const node = nodesFor(env.cluster, 'macvlan').nodes[0]!;
  const first = await env.pod('small-a', { networks: 'macvlan-small', node });
  await env.pod('small-b', { networks: 'macvlan-small', node });
  const { failures } = await env.podExpectingFailure('small-c', { networks: 'macvlan-small', node });
  const text = failures.map((f) => f.message).join('\n');
  if (!/no IP addresses available|range.*(full|exhausted)/i.test(text)) {
    throw new ConformanceFailure({ pod: `${env.ns}/small-c`, check: 'exhaustion reason', expected: 'an event saying no IP addresses are available', actual: text });
  }
  // Deleting a pod must give its address back: the waiting pod then starts with it.
  const freed = await liveIps(first, 'net1');
  await env.deletePod('small-a');
  const third = await env.waitReady('small-c');
  const got = await liveIps(third, 'net1');
  if (got.join(',') !== freed.join(',')) {
    throw new ConformanceFailure({ pod: third.id, iface: 'net1', check: 'address reused after delete', expected: freed.join(','), actual: got.join(',') });
  }
});
