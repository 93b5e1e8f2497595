import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { assertAddressReused } from '../../helpers/assert/addresses.ts';
import { assertPoolRecordsPod, assertPoolReleased, assertReservationHeld, assertReservationsReleased } from '../../helpers/assert/ip-pool-records.ts';
import { whereaboutsExhausted } from '../../helpers/assert/negative-cause.ts';
import { assertUniqueIps, type HeldIps } from '../../helpers/assert/unique-ips.ts';
import { reservationName } from '../../helpers/parse/whereabouts.ts';
import { ipsOn, liveIps, verifyAttachments } from '../../helpers/scenario/checks.ts';
import type { AttachedPod } from '../../helpers/scenario/attached-pod.ts';
import type { NadObject } from '../../helpers/fixtures/render.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { WhereaboutsState } from '../../helpers/scenario/whereabouts-state.ts';

// whereabouts IPAM behaviour, as its own e2e and OpenShift's check it. Every
// scenario uses a range of its own (profile whereabouts*Range) and removes
// the IPPool it caused, proving nothing is left (WhereaboutsState.confined).
const cluster = currentCluster();

/** The checks of one attachment, then the address it holds. */
async function attached(pod: AttachedPod, nad: NadObject): Promise<HeldIps> {
  const { live } = await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge' }], cluster);
  return { pod: pod.id, iface: 'net1', ips: ipsOn(pod.id, live, 'net1') };
}

scenario('ipam/whereabouts-exhausted', async (env) => {
  const wb = new WhereaboutsState(env);
  await wb.confined(async () => {
    // A /30: whereabouts hands out its two host addresses, then nothing.
    const range = env.profile.whereaboutsSmallRange;
    const nad = await env.nad('whereabouts-macvlan', { name: 'whereabouts-small', vars: wb.vars(range) });
    // Both at once: the range's two addresses go to two pods asking together
    // (and the scenario's longest wait, the kubelet's retry below, starts sooner).
    const start = async (name: string): Promise<HeldIps> => attached(await env.pod(name, { networks: 'whereabouts-small' }), nad);
    const [first, second] = await Promise.all([start('small-a'), start('small-b')]);
    assertUniqueIps([first, second]);
    await env.podExpectingFailure('small-c', { networks: 'whereabouts-small', iface: 'net1', cause: whereaboutsExhausted(range) });
    // A graceful delete: CNI DEL gives the address back, and the waiting pod starts with it.
    await env.expectDeleted('small-a');
    await env.retryNow('small-c');
    const third = await attached(await env.waitReady('small-c'), nad);
    // The pods that now hold the range hold one address each, and the newcomer has the freed one.
    assertUniqueIps([second, third]);
    assertAddressReused(third.pod, 'net1', first.ips, third.ips, first.pod);
  });
});

scenario('ipam/whereabouts-reclaim', async (env) => {
  const wb = new WhereaboutsState(env);
  await wb.confined(async () => {
    const range = env.profile.whereaboutsReclaimRange;
    const nad = await env.nad('whereabouts-macvlan', { name: 'whereabouts-reclaim', vars: wb.vars(range) });
    const first = await env.pod('reclaim-a', { networks: 'whereabouts-reclaim' });
    const held = await attached(first, nad);
    assertPoolRecordsPod(first.id, 'net1', held.ips[0]!, await wb.readPool(range, first.id, 'net1'));
    await env.expectDeleted('reclaim-a');
    const pool = await wb.poolAfterRelease(range, [first.id]);
    if (pool) assertPoolReleased(first.id, pool); // no pool at all holds nothing either
    // whereabouts hands out the lowest free address: the freed one again.
    const next = await env.pod('reclaim-b', { networks: 'whereabouts-reclaim' });
    assertAddressReused(next.id, 'net1', held.ips, await liveIps(next, 'net1'), first.id);
  });
});

// Fewer than the burst range holds (a /28: 14 addresses), all created at once.
const BURST = 10;

scenario('ipam/whereabouts-burst', async (env) => {
  const wb = new WhereaboutsState(env);
  await wb.confined(async () => {
    const range = env.profile.whereaboutsBurstRange;
    const nad = await env.nad('whereabouts-macvlan', { name: 'whereabouts-burst', vars: wb.vars(range) });
    const names = Array.from({ length: BURST }, (_, i) => `burst-${i}`);
    await Promise.all(names.map((name) => env.createPod(name, { networks: 'whereabouts-burst' })));
    const pods = await Promise.all(names.map((name) => env.waitReady(name)));
    const held = await Promise.all(pods.map((pod) => attached(pod, nad)));
    assertUniqueIps(held);
    // whereabouts' own record must agree: each address allocated to the pod that has it.
    const pool = await wb.readPool(range, held[0]!.pod, 'net1');
    for (const h of held) assertPoolRecordsPod(h.pod, h.iface, h.ips[0]!, pool);
  });
});

scenario('ipam/whereabouts-overlap', async (env) => {
  const wb = new WhereaboutsState(env);
  await wb.confined(async () => {
    // Two ranges, one inside the other: two IPPools that both start at the
    // same address. Only the reservations keep them from handing it out twice.
    const nads = {
      outer: await env.nad('whereabouts-overlapping', { name: 'overlap-outer', vars: wb.vars(env.profile.whereaboutsOverlapRange) }),
      inner: await env.nad('whereabouts-overlapping', { name: 'overlap-inner', vars: wb.vars(env.profile.whereaboutsOverlapInnerRange) }),
    };
    const plan = (['outer', 'inner', 'outer', 'inner'] as const).map((net, i) => ({ name: `${net}-${i}`, net }));
    await Promise.all(plan.map((p) => env.createPod(p.name, { networks: nads[p.net].metadata.name })));
    const held = await Promise.all(plan.map(async (p) => attached(await env.waitReady(p.name), nads[p.net])));
    assertUniqueIps(held);
    const reservations = await wb.reservations();
    for (const h of held) assertReservationHeld(h.pod, h.iface, reservationName(h.ips[0]!, wb.networkName), reservations);
    // Deleted pods give their reservations back (CNI DEL), as they give back pool addresses.
    await Promise.all(plan.map((p) => env.expectDeleted(p.name)));
    assertReservationsReleased(held.map((h) => h.pod), await wb.reservationsAfterRelease(held.map((h) => h.pod)));
  });
});

scenario('ipam/whereabouts-statefulset', async (env) => {
  const wb = new WhereaboutsState(env);
  await wb.confined(async () => {
    // A /29 (six addresses) for three replicas.
    const range = env.profile.whereaboutsStatefulSetRange;
    const nad = await env.nad('whereabouts-macvlan', { name: 'whereabouts-sts', vars: wb.vars(range) });
    const replicas = (n: number): string[] => Array.from({ length: n }, (_, i) => `sts-${i}`);
    const holding = async (names: string[]): Promise<HeldIps[]> => {
      const held = await Promise.all(names.map(async (name) => attached(await env.waitReady(name), nad)));
      assertUniqueIps(held);
      const pool = await wb.readPool(range, held[0]!.pod, 'net1');
      for (const h of held) assertPoolRecordsPod(h.pod, h.iface, h.ips[0]!, pool);
      return held;
    };
    await env.statefulSet('sts', { replicas: 3, networks: 'whereabouts-sts' });
    const three = await holding(replicas(3));
    // Scaled down, the StatefulSet deletes its pods: their addresses go back to the pool.
    await env.scaleStatefulSet('sts', 1);
    const removed = three.slice(1).map((h) => h.pod);
    const pool = await wb.poolAfterRelease(range, removed);
    if (pool) for (const pod of removed) assertPoolReleased(pod, pool);
    // Scaled up again, the new pods get addresses, still one each.
    await env.scaleStatefulSet('sts', 3);
    await holding(replicas(3));
  });
});
