import { ConformanceFailure } from '../../helpers/errors.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import type { ScenarioEnv } from '../../helpers/scenario/env.ts';
import { liveIps } from '../../helpers/scenario/checks.ts';
import { assertAddressReused } from '../../helpers/assert/addresses.ts';
import {
  duplicateInterfaceName,
  interfaceNameTooLong,
  invalidIp,
  invalidMac,
  ipamExhausted,
  malformedSelectionJson,
  missingNad,
  twoDefaultRoutes,
  type CauseMatcher,
} from '../../helpers/assert/negative-cause.ts';
import { eventsFor } from '../../helpers/k8s/events.ts';
import { describeNodeResidue } from '../../helpers/scenario/node-residue.ts';
import { nodesFor } from '../../helpers/scenario/requirements.ts';

interface NegativeCase {
  id: string;
  /** NAD fixture to apply first, as fixture → object name. */
  nads: Record<string, string>;
  networks: (env: ScenarioEnv) => string;
  /** The interface whose attachment must fail: the requested name, or the one Multus would generate. */
  iface: string;
  /** The cause the annotation provokes, matched against the error part of the failure event only. */
  cause: (env: ScenarioEnv) => CauseMatcher;
}

const BAD_IP = '10.1.2.300/24';
const BAD_MAC = '02:23:45:67:89';
const LONG_IFNAME = 'averyveryverylongname0';
const DUP_IFNAME = 'mcdup0';

const CASES: NegativeCase[] = [
  {
    id: 'negative/missing-nad',
    nads: {},
    networks: () => 'mc-no-such-network',
    iface: 'net1',
    cause: (env) => missingNad('mc-no-such-network', env.ns),
  },
  {
    id: 'negative/malformed-json',
    nads: { 'macvlan-bridge': 'macvlan-conf' },
    networks: () => '[{"name": "macvlan-conf"',
    iface: 'net1',
    cause: () => malformedSelectionJson(),
  },
  {
    id: 'negative/bad-ip',
    nads: { 'macvlan-static': 'macvlan-static' },
    networks: () => `[{"name":"macvlan-static","ips":["${BAD_IP}"]}]`,
    iface: 'net1',
    cause: () => invalidIp(BAD_IP),
  },
  {
    id: 'negative/bad-mac',
    nads: { 'macvlan-static': 'macvlan-static' },
    networks: (env) => `[{"name":"macvlan-static","ips":["${env.profile.staticIp}"],"mac":"${BAD_MAC}"}]`,
    iface: 'net1',
    cause: () => invalidMac(BAD_MAC),
  },
  {
    id: 'negative/long-ifname',
    nads: { 'macvlan-bridge': 'macvlan-conf' },
    networks: () => `[{"name":"macvlan-conf","interface":"${LONG_IFNAME}"}]`,
    iface: LONG_IFNAME,
    cause: () => interfaceNameTooLong(LONG_IFNAME),
  },
  {
    id: 'negative/duplicate-ifname',
    nads: { 'macvlan-bridge': 'macvlan-conf' },
    networks: () => `[{"name":"macvlan-conf","interface":"${DUP_IFNAME}"},{"name":"macvlan-conf","interface":"${DUP_IFNAME}"}]`,
    iface: DUP_IFNAME,
    cause: () => duplicateInterfaceName(DUP_IFNAME),
  },
  {
    id: 'negative/two-default-routes',
    nads: { 'macvlan-bridge': 'macvlan-conf' },
    networks: (env) =>
      `[{"name":"macvlan-conf","default-route":["${env.profile.gateway}"]},{"name":"macvlan-conf","default-route":["${env.profile.gateway}"]}]`,
    iface: 'net1, net2',
    cause: () => twoDefaultRoutes(),
  },
];

for (const c of CASES) {
  scenario(c.id, async (env) => {
    for (const [fixture, name] of Object.entries(c.nads)) await env.nad(fixture, { name });
    await env.podExpectingFailure('negative', { networks: c.networks(env), iface: c.iface, cause: c.cause(env) });
    // §7.2: teardown still runs for a pod whose attachment failed, so an
    // ordinary delete must complete (a stuck Terminating pod is what operators hit).
    await env.expectDeleted('negative', env.ns, c.iface).catch(async (e: unknown) => {
      throw e instanceof ConformanceFailure ? await withNodeResidue(env, 'negative', e) : e;
    });
  });
}

/** The failure of a pod stuck Terminating, with what it leaves on its node and how to clear it. */
async function withNodeResidue(env: ScenarioEnv, name: string, failure: ConformanceFailure): Promise<ConformanceFailure> {
  const pod = await env.core.readNamespacedPod({ namespace: env.ns, name }).catch(() => undefined);
  const events = await eventsFor(env.kc, env.ns, name).catch(() => []);
  const residue = describeNodeResidue({ pod: `${env.ns}/${name}`, node: pod?.spec?.nodeName, events });
  env.note(residue);
  return new ConformanceFailure({ ...failure.mismatch, actual: `${failure.mismatch.actual}\n${residue}` });
}

scenario('negative/ipam-exhausted', async (env) => {
  await env.nad('macvlan-small-range', { name: 'macvlan-small' });
  // Two addresses in the range: two pods take them, the third cannot start.
  // All on one node: host-local keeps its pool per node.
  const node = nodesFor(env.cluster, 'macvlan').nodes[0]!;
  const first = await env.pod('small-a', { networks: 'macvlan-small', node });
  await env.pod('small-b', { networks: 'macvlan-small', node });
  await env.podExpectingFailure('small-c', {
    networks: 'macvlan-small',
    node,
    iface: 'net1',
    cause: ipamExhausted({ start: env.profile.smallRangeStart, end: env.profile.smallRangeEnd }),
  });
  // Deleting a pod must give its address back: the waiting pod then starts with it.
  // A graceful delete: the pod is gone only after its sandbox's CNI DEL, so
  // the address is free when the waiting pod is tried again (a forced delete
  // removes the object first, and the retry could still find the range full).
  const freed = await liveIps(first, 'net1');
  await env.expectDeleted('small-a');
  await env.retryNow('small-c');
  const third = await env.waitReady('small-c');
  assertAddressReused(third.id, 'net1', freed, await liveIps(third, 'net1'), first.id);
});
