import { ConformanceFailure } from '../errors.ts';
import { parseIpMaybeCidr, sameIp } from '../parse/ip-address.ts';
import type { IpPool, IpReservation, PoolAllocation } from '../parse/whereabouts.ts';

/**
 * Checks of whereabouts' own records against the pods: what the IPPool (and,
 * with overlapping ranges, the reservations) say must be what the pods hold,
 * and a deleted pod must be gone from them. Each failure names the pod, the
 * record (namespace/name) and what it holds.
 */

function poolId(pool: IpPool): string {
  return `IPPool ${pool.namespace}/${pool.name}`;
}

function describeAllocations(allocs: readonly PoolAllocation[]): string {
  if (allocs.length === 0) return 'no allocations';
  return allocs.map((a) => `${a.ip} → ${a.podRef}${a.ifName ? ` (${a.ifName})` : ''}`).join(', ');
}

function bare(ip: string): string {
  return parseIpMaybeCidr(ip)?.text ?? ip;
}

/** The pool records `ip` as held by `podRef` on `iface` (whereabouts' own bookkeeping agrees with the pod). */
export function assertPoolRecordsPod(podRef: string, iface: string, ip: string, pool: IpPool): void {
  const at = pool.allocations.find((a) => sameIp(a.ip, ip));
  const check = `${poolId(pool)} records the pod's address`;
  const expected = `${bare(ip)} allocated to ${podRef} (${iface})`;
  if (!at) {
    throw new ConformanceFailure({ pod: podRef, iface, check, expected, actual: `no allocation for ${bare(ip)}; the pool holds ${describeAllocations(pool.allocations)}` });
  }
  if (at.podRef !== podRef || (at.ifName !== undefined && at.ifName !== iface)) {
    throw new ConformanceFailure({ pod: podRef, iface, check, expected, actual: `${at.ip} allocated to ${at.podRef}${at.ifName ? ` (${at.ifName})` : ''}` });
  }
}

/** After the pod was deleted, the pool holds nothing for it: its addresses were given back. */
export function assertPoolReleased(podRef: string, pool: IpPool): void {
  const left = pool.allocations.filter((a) => a.podRef === podRef);
  if (left.length > 0) {
    throw new ConformanceFailure({
      pod: podRef,
      check: `${poolId(pool)} released the deleted pod's addresses`,
      expected: `no allocation for ${podRef}`,
      actual: `still allocated: ${describeAllocations(left)}`,
    });
  }
}

/** With overlapping ranges on, the address is reserved cluster-wide for this pod. */
export function assertReservationHeld(podRef: string, iface: string, name: string, reservations: readonly IpReservation[]): void {
  const r = reservations.find((x) => x.name === name);
  const check = 'OverlappingRangeIPReservation of the pod\'s address';
  if (!r) {
    const names = reservations.map((x) => x.name).sort();
    throw new ConformanceFailure({
      pod: podRef,
      iface,
      check,
      expected: `reservation ${name} held by ${podRef}`,
      actual: `no reservation ${name}${names.length > 0 ? ` (present: ${names.join(', ')})` : ' (none at all)'}`,
    });
  }
  if (r.podRef !== podRef) {
    throw new ConformanceFailure({ pod: podRef, iface, check, expected: `reservation ${name} held by ${podRef}`, actual: `${r.namespace}/${r.name} held by ${r.podRef}` });
  }
}

/** No reservation is left for any of the deleted pods. */
export function assertReservationsReleased(podRefs: readonly string[], reservations: readonly IpReservation[]): void {
  const gone = new Set(podRefs);
  const left = reservations.filter((r) => gone.has(r.podRef));
  if (left.length > 0) {
    throw new ConformanceFailure({
      pod: left[0]!.podRef,
      check: 'OverlappingRangeIPReservations released after the pods were deleted',
      expected: 'no reservation held by a deleted pod',
      actual: left.map((r) => `${r.namespace}/${r.name} held by ${r.podRef}`).join(', '),
    });
  }
}
