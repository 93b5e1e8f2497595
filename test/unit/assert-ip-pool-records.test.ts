import { describe, expect, it } from 'vitest';
import { assertPoolRecordsPod, assertPoolReleased, assertReservationHeld, assertReservationsReleased } from '../../helpers/assert/ip-pool-records.ts';
import type { IpPool, IpReservation } from '../../helpers/parse/whereabouts.ts';
import { expectFailure } from './expect-failure.ts';

const ns = 'mc-unit-ipam';
const pool: IpPool = {
  name: `${ns}-192.168.1.48-29`,
  namespace: 'kube-system',
  uid: 'u1',
  resourceVersion: '7',
  range: '192.168.1.48/29',
  allocations: [
    { ip: '192.168.1.49', offset: '1', podRef: `${ns}/reclaim-a`, containerId: 'c1', ifName: 'net1' },
    { ip: '192.168.1.50', offset: '2', podRef: `${ns}/reclaim-b`, containerId: 'c2', ifName: 'net1' },
  ],
};
const reservations: IpReservation[] = [
  { name: `${ns}-192.168.1.65`, namespace: 'kube-system', uid: 'r1', resourceVersion: '3', podRef: `${ns}/outer-0`, ifName: 'net1' },
  { name: `${ns}-192.168.1.66`, namespace: 'kube-system', uid: 'r2', resourceVersion: '4', podRef: `${ns}/inner-1`, ifName: 'net1' },
];

describe('assertPoolRecordsPod', () => {
  it('passes when the pool holds the address for that pod and interface', () => {
    expect(() => assertPoolRecordsPod(`${ns}/reclaim-a`, 'net1', '192.168.1.49', pool)).not.toThrow();
    expect(() => assertPoolRecordsPod(`${ns}/reclaim-b`, 'net1', '192.168.1.50/29', pool)).not.toThrow();
  });

  it('fails when the pool has no allocation at the address, listing what it holds', () => {
    const f = expectFailure(() => assertPoolRecordsPod(`${ns}/reclaim-c`, 'net1', '192.168.1.51', pool), {
      iface: 'net1',
      expected: `192.168.1.51 allocated to ${ns}/reclaim-c (net1)`,
      actual: `no allocation for 192.168.1.51; the pool holds 192.168.1.49 → ${ns}/reclaim-a (net1), 192.168.1.50 → ${ns}/reclaim-b (net1)`,
    }, `${ns}/reclaim-c`);
    expect(f.message).toContain(`IPPool kube-system/${ns}-192.168.1.48-29`);
  });

  it('fails when the address is recorded for another pod (two pods, one address)', () => {
    expectFailure(() => assertPoolRecordsPod(`${ns}/reclaim-c`, 'net1', '192.168.1.49', pool), {
      iface: 'net1',
      expected: `192.168.1.49 allocated to ${ns}/reclaim-c`,
      actual: `192.168.1.49 allocated to ${ns}/reclaim-a (net1)`,
    }, `${ns}/reclaim-c`);
  });

  it('fails when the address is recorded for another interface of the pod', () => {
    expectFailure(() => assertPoolRecordsPod(`${ns}/reclaim-a`, 'net2', '192.168.1.49', pool), { iface: 'net2', expected: '(net2)', actual: '(net1)' }, `${ns}/reclaim-a`);
  });
});

describe('assertPoolReleased', () => {
  it('passes when nothing is left for the deleted pod', () => {
    expect(() => assertPoolReleased(`${ns}/reclaim-z`, pool)).not.toThrow();
    expect(() => assertPoolReleased(`${ns}/reclaim-a`, { ...pool, allocations: [] })).not.toThrow();
  });

  it('fails naming the address the deleted pod still holds', () => {
    expectFailure(() => assertPoolReleased(`${ns}/reclaim-a`, pool), { expected: `no allocation for ${ns}/reclaim-a`, actual: `still allocated: 192.168.1.49 → ${ns}/reclaim-a (net1)` }, `${ns}/reclaim-a`);
  });
});

describe('assertReservationHeld', () => {
  it('passes when the address is reserved for the pod', () => {
    expect(() => assertReservationHeld(`${ns}/outer-0`, 'net1', `${ns}-192.168.1.65`, reservations)).not.toThrow();
  });

  it('fails when there is no reservation of that address, naming the ones there are', () => {
    expectFailure(() => assertReservationHeld(`${ns}/outer-2`, 'net1', `${ns}-192.168.1.67`, reservations), {
      iface: 'net1',
      expected: `reservation ${ns}-192.168.1.67 held by ${ns}/outer-2`,
      actual: `no reservation ${ns}-192.168.1.67 (present: ${ns}-192.168.1.65, ${ns}-192.168.1.66)`,
    }, `${ns}/outer-2`);
    expectFailure(() => assertReservationHeld(`${ns}/outer-2`, 'net1', `${ns}-192.168.1.67`, []), { iface: 'net1', expected: 'held by', actual: '(none at all)' }, `${ns}/outer-2`);
  });

  it('fails when another pod holds the reservation', () => {
    expectFailure(() => assertReservationHeld(`${ns}/inner-0`, 'net1', `${ns}-192.168.1.65`, reservations), {
      iface: 'net1',
      expected: `held by ${ns}/inner-0`,
      actual: `kube-system/${ns}-192.168.1.65 held by ${ns}/outer-0`,
    }, `${ns}/inner-0`);
  });
});

describe('assertReservationsReleased', () => {
  it('passes when no reservation names a deleted pod', () => {
    expect(() => assertReservationsReleased([`${ns}/gone`], reservations)).not.toThrow();
  });

  it('fails naming the reservation a deleted pod left', () => {
    expectFailure(() => assertReservationsReleased([`${ns}/inner-1`, `${ns}/gone`], reservations), {
      expected: 'no reservation held by a deleted pod',
      actual: `kube-system/${ns}-192.168.1.66 held by ${ns}/inner-1`,
    }, `${ns}/inner-1`);
  });
});
