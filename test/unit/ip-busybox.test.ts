import { describe, expect, it } from 'vitest';
import {
  IpOutputError,
  parseBusyboxIpAddr,
  parseBusyboxIpRoute,
  parseIpJsonAddr,
  parseIpJsonRoute,
  type LiveInterface,
} from '../../helpers/parse/ip-output.ts';
import { payload } from './recorded.ts';

/** What both ip flavours can tell. */
const common = (live: LiveInterface[]) => live.map(({ name, mac, mtu, addresses }) => ({ name, mac, mtu, addresses }));

describe('parseBusyboxIpAddr on recorded busybox output', () => {
  it.each([
    ['busybox-ip-addr.up.txt', 'ip-j-d-addr.up.json'],
    ['busybox-ip-addr.master-down.txt', 'ip-j-d-addr.master-down.json'],
    ['busybox-ip-addr.admin-down.txt', 'ip-j-d-addr.admin-down.json'],
  ])('%s agrees with %s on names, MACs, MTUs and addresses', (busybox, json) => {
    expect(common(parseBusyboxIpAddr(payload(busybox)))).toEqual(common(parseIpJsonAddr(payload(json))));
  });

  it('strips @ifN from names, has no link kind, and reports UNKNOWN when busybox prints no state', () => {
    const live = parseBusyboxIpAddr(payload('busybox-ip-addr.up.txt'));
    expect(live.map((i) => i.name)).toEqual(['lo', 'recpod0', 'recnet1', 'recnet2']);
    expect(live.every((i) => i.kind === undefined && i.operstate === 'UNKNOWN')).toBe(true);
    expect(live[2]!.flags).toEqual(['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP', 'M-DOWN']);
  });

  it.each([
    ['busybox-ip-addr.master-down.txt', 'recnet1', ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'M-DOWN']],
    ['busybox-ip-addr.admin-down.txt', 'recnet2', ['BROADCAST', 'MULTICAST', 'M-DOWN']],
  ])('%s: %s has lost LOWER_UP', (file, name, flags) => {
    expect(parseBusyboxIpAddr(payload(file)).find((i) => i.name === name)?.flags).toEqual(flags);
  });

  // Alpine's busybox prints the state token; this is the recorded header with it inserted.
  it('reads operstate from a state token when busybox prints one', () => {
    const text = payload('busybox-ip-addr.up.txt').replace('mtu 1500 qdisc noqueue qlen 1000', 'mtu 1500 qdisc noqueue state UP qlen 1000');
    expect(parseBusyboxIpAddr(text).find((i) => i.name === 'recpod0')?.operstate).toBe('UP');
  });

  const lines = payload('busybox-ip-addr.up.txt').split('\n');
  const withLine = (index: number, line: string) => lines.map((l, i) => (i === index ? line : l)).join('\n');
  it.each([
    ['empty output', '', /busybox ip addr: output: no interfaces/],
    ['an error message', 'ip: can\'t find device \'net9\'', /line 1: expected "N: name: <FLAGS> …"/],
    ['a header without mtu', withLine(6, '8: recpod0@if7: <BROADCAST,UP> qdisc noqueue qlen 1000'), /line 7: no numeric mtu/],
    ['an unknown header token', withLine(6, '8: recpod0@if7: <UP> mtu 1500 bogus'), /line 7: unexpected token "bogus"/],
    ['a bad IPv4 address', withLine(8, '    inet 100.96.1.800/24 scope global recpod0'), /line 9: bad inet address "100.96.1.800\/24"/],
    ['an IPv6 address on an inet line', withLine(8, '    inet fe80::1/64 scope link'), /line 9: bad inet address/],
    ['an unrecognised line', withLine(9, '    something else'), /line 10: unrecognised line/],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseBusyboxIpAddr(input)).toThrow(IpOutputError);
    expect(() => parseBusyboxIpAddr(input)).toThrow(message);
  });
});

describe('parseBusyboxIpRoute on recorded busybox output', () => {
  it.each([
    ['busybox-ip-route.txt', 'ip-j-route.json'],
    ['busybox-ip-6-route.txt', 'ip-j-6-route.json'],
    ['busybox-ip-route.master-down.txt', 'ip-j-route.master-down.json'],
  ])('%s gives the same routes as %s', (busybox, json) => {
    expect(parseBusyboxIpRoute(payload(busybox))).toEqual(parseIpJsonRoute(payload(json)));
  });

  // iproute2's text form, which this parser also takes: a multipath route and a host route.
  it('parses nexthop lines and host routes', () => {
    const text = '10.20.0.0/16 proto static\n\tnexthop via 192.168.1.1 dev net1 weight 1\n\tnexthop via 192.168.2.1 dev net2 weight 1\n10.0.0.5 dev net1 scope link\n';
    expect(parseBusyboxIpRoute(text)).toEqual([
      { dst: '10.20.0.0/16', gateway: '192.168.1.1', dev: 'net1' },
      { dst: '10.20.0.0/16', gateway: '192.168.2.1', dev: 'net2' },
      { dst: '10.0.0.5/32', dev: 'net1' },
    ]);
  });

  it('gives no routes for empty output (an empty table)', () => {
    expect(parseBusyboxIpRoute('')).toEqual([]);
  });

  it.each([
    ['a bad destination', 'somewhere dev eth0', /line 1: no destination/],
    ['an unknown token', 'default via 100.96.1.1 dev eth0 frobnicate 3', /line 1: unexpected token "frobnicate"/],
    ['a bad gateway', 'default via 100.96.1 dev eth0', /line 1: bad gateway "100.96.1"/],
    ['a route without dev', '10.0.0.0/8 via 192.168.1.1', /line 1: route to 10.0.0.0\/8 has no dev/],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseBusyboxIpRoute(input)).toThrow(message);
  });
});
