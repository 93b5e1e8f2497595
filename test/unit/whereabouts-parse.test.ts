import { describe, expect, it } from 'vitest';
import { addressAtOffset, ipPoolName, offsetOf, parseIpPool, parseIpReservation, reservationName } from '../../helpers/parse/whereabouts.ts';
import { clone, payload } from './recorded.ts';

// Recorded from whereabouts v0.9.2 on the testbed (test/payloads/README.md, whereabouts/).
const pools = (JSON.parse(payload('whereabouts/ippools.json')) as { items: unknown[] }).items;
const reservations = (JSON.parse(payload('whereabouts/overlappingrangeipreservations.json')) as { items: unknown[] }).items;
const NS = 'mc-h-whereabouts-dev';

describe('parseIpPool on a recorded IPPool', () => {
  it('reads the range and each allocation with its address, pod, container and interface', () => {
    expect(parseIpPool(pools[0])).toEqual({
      name: `${NS}-192.168.1.96-30`,
      namespace: NS,
      uid: '36e3e517-035b-4a61-98c8-597db78ba46c',
      resourceVersion: '1929',
      range: '192.168.1.96/30',
      allocations: [
        { ip: '192.168.1.97', offset: '1', podRef: `${NS}/pod-c1`, containerId: 'c1', ifName: 'net1' },
        { ip: '192.168.1.98', offset: '2', podRef: `${NS}/pod-c2`, containerId: 'c2', ifName: 'net1' },
      ],
    });
  });

  it('takes a pool without allocations as empty', () => {
    const empty = clone(pools[0]) as { spec: { allocations?: unknown } };
    delete empty.spec.allocations;
    expect(parseIpPool(empty).allocations).toEqual([]);
  });

  it('refuses what whereabouts would never write, naming the pool and the field', () => {
    const bad = clone(pools[0]) as { spec: { range: string; allocations: Record<string, unknown> } };
    bad.spec.allocations['9'] = { id: 'c9', podref: 'x/y' };
    expect(() => parseIpPool(bad)).toThrow(`IPPool ${NS}/${NS}-192.168.1.96-30: IPPool 192.168.1.96/30: offset 9 lies outside the range`);
    const noPod = clone(pools[0]) as { spec: { allocations: Record<string, Record<string, unknown>> } };
    delete noPod.spec.allocations['1']!['podref'];
    expect(() => parseIpPool(noPod)).toThrow(/IPPool: spec\.allocations\.1\.podref/);
    expect(() => parseIpPool({ metadata: { name: 'x' } })).toThrow(/IPPool: spec/);
  });
});

describe('parseIpReservation on a recorded OverlappingRangeIPReservation', () => {
  it('reads the name (network and address) and the pod', () => {
    expect(parseIpReservation(reservations[0])).toEqual({
      name: `${NS}-192.168.1.97`,
      namespace: NS,
      uid: '89c193d5-b81a-4008-a6e0-58aed7487aa0',
      resourceVersion: '1925',
      podRef: `${NS}/pod-c1`,
      ifName: 'net1',
    });
  });
});

describe('whereabouts names and offsets (v0.9)', () => {
  it('names a pool and a reservation as the recorded ones are named', () => {
    expect(ipPoolName('192.168.1.96/30', NS)).toBe(`${NS}-192.168.1.96-30`);
    expect(reservationName('192.168.1.97', NS)).toBe(`${NS}-192.168.1.97`);
    expect(reservationName('192.168.1.97/30', NS)).toBe(`${NS}-192.168.1.97`);
  });

  it('names unnamed networks and IPv6 the way whereabouts does', () => {
    expect(ipPoolName('10.10.0.0/16')).toBe('10.10.0.0-16');
    expect(ipPoolName('fd00:10::/64')).toBe('fd00-10---64');
    expect(reservationName('fd00:10::')).toBe('fd00-10--0');
    expect(reservationName('fd00:10::5', 'net')).toBe('net-fd00-10--5');
  });

  it('converts between an address and its offset in both directions', () => {
    expect(addressAtOffset('192.168.1.64/27', '30')).toBe('192.168.1.94');
    expect(offsetOf('192.168.1.64/27', '192.168.1.94/27')).toBe('30');
    expect(addressAtOffset('fd00:10::/64', '16')).toBe('fd00:10::10');
    expect(() => offsetOf('192.168.1.64/27', '192.168.1.96')).toThrow(/not inside IPPool range/);
    expect(() => addressAtOffset('192.168.1.64/27', 'x1')).toThrow(/not an offset/);
  });
});
