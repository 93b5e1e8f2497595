import { describe, expect, it } from 'vitest';
import { assertLinkKind, assertMac, assertMtu, assertOperUp } from '../../helpers/assert/link.ts';
import type { LiveInterface } from '../../helpers/parse/ip-output.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { iface, live } from './live-pod.ts';

describe('assertOperUp', () => {
  it.each<[string, LiveInterface]>([
    ['ip -j net1 (operstate UP)', iface(live.up, 'net1')],
    ['busybox net1 (no state token, LOWER_UP)', iface(live.upBusybox, 'net1')],
    ['ip -j lo (UNKNOWN, LOWER_UP)', iface(live.up, 'lo')],
    ['net1 while net2 is admin down', iface(live.adminDown, 'net1')],
  ])('passes on %s', (_name, link) => {
    expect(() => assertOperUp(POD, link)).not.toThrow();
  });

  it.each<[string, LiveInterface, string]>([
    ['master down, ip -j net1', iface(live.masterDown, 'net1'), 'operstate DOWN, flags <NO-CARRIER,BROADCAST,MULTICAST,UP>'],
    ['master down, ip -j net2', iface(live.masterDown, 'net2'), 'operstate DOWN'],
    ['master down, busybox net1', iface(live.masterDownBusybox, 'net1'), 'operstate UNKNOWN, flags <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>'],
    ['admin down, ip -j net2', iface(live.adminDown, 'net2'), 'operstate DOWN, flags <BROADCAST,MULTICAST>'],
    ['admin down, busybox net2', iface(live.adminDownBusybox, 'net2'), 'operstate UNKNOWN, flags <BROADCAST,MULTICAST,M-DOWN>'],
  ])('fails on %s', (_name, link, actual) => {
    expectFailure(() => assertOperUp(POD, link), { iface: link.name, expected: 'operstate UP', actual });
  });
});

describe('assertMac', () => {
  it.each([
    ['net1', '02:77:cb:a0:60:e3'],
    ['net1', '02:77:CB:A0:60:E3'],
    ['eth0', '66:39:dc:63:50:a3'],
  ])('passes on %s %s (case-insensitive)', (name, mac) => {
    expect(() => assertMac(POD, iface(live.upBusybox, name), mac)).not.toThrow();
  });

  it.each<[string, LiveInterface, string, string]>([
    ['a different MAC', iface(live.up, 'net1'), '02:23:45:67:89:01', '02:77:cb:a0:60:e3'],
    ['the MAC of another interface', iface(live.up, 'net2'), '02:77:cb:a0:60:e3', '02:77:cb:a0:60:e4'],
    ['an interface without MAC', (({ mac: _mac, ...rest }) => rest)(iface(live.up, 'net1')), '02:77:cb:a0:60:e3', 'no MAC address'],
  ])('fails on %s', (_name, link, expected, actual) => {
    expectFailure(() => assertMac(POD, link, expected), { iface: link.name, expected, actual });
  });
});

describe('assertMtu', () => {
  it.each([
    ['net1', 1500],
    ['net2', 1400],
  ])('passes on %s = %d', (name, mtu) => {
    expect(() => assertMtu(POD, iface(live.up, name), mtu)).not.toThrow();
  });

  it.each([
    ['net1', 1400, '1500'],
    ['net2', 9000, '1400'],
  ])('fails on %s expected %d', (name, mtu, actual) => {
    expectFailure(() => assertMtu(POD, iface(live.up, name), mtu), { iface: name, expected: String(mtu), actual });
  });
});

describe('assertLinkKind', () => {
  it.each<[string, string, string | undefined]>([
    ['net1', 'macvlan', 'bridge'],
    ['net2', 'macvlan', 'private'],
    ['net1', 'macvlan', undefined],
    ['eth0', 'veth', undefined],
  ])('passes on %s = %s %s', (name, kind, mode) => {
    expect(() => assertLinkKind(POD, iface(live.up, name), kind, mode)).not.toThrow();
  });

  it.each<[string, LiveInterface, string, string | undefined, string, string]>([
    ['ipvlan expected, macvlan created', iface(live.up, 'net1'), 'ipvlan', 'l2', 'ipvlan mode l2', 'macvlan mode bridge'],
    ['the wrong macvlan mode', iface(live.up, 'net2'), 'macvlan', 'bridge', 'macvlan mode bridge', 'macvlan mode private'],
    ['a veth where macvlan was expected', iface(live.up, 'eth0'), 'macvlan', undefined, 'macvlan', 'veth'],
    ['busybox output (kind unknown)', iface(live.upBusybox, 'net1'), 'macvlan', 'bridge', 'macvlan mode bridge', 'unknown (needs `ip -j -d addr`'],
  ])('fails on %s', (_name, link, kind, mode, expected, actual) => {
    expectFailure(() => assertLinkKind(POD, link, kind, mode), { iface: link.name, expected, actual });
  });
});
