import { describe, expect, it } from 'vitest';
import { parseBusyboxIpAddr, parseIpJsonAddr, type LiveInterface } from '../../helpers/parse/ip-output.ts';
import { payload } from './recorded.ts';

// Duplicate address detection states as both ip flavours print them
// (test/payloads/README.md, "IPv6 duplicate address detection").
const states = (live: LiveInterface[]) =>
  Object.fromEntries(live.map((i) => [i.name, i.addresses.filter((a) => a.family === 'inet6').map((a) => `${a.address} ${(a.flags ?? []).join(',')}`.trim())]));
const linkLocal = (ifname: string, live: LiveInterface[]) => live.find((i) => i.name === ifname)!.addresses.find((a) => a.address.startsWith('fe80:'))!;

describe.each([
  ['iproute2 JSON', parseIpJsonAddr, 'ipv6/ip-j-d-addr'],
  ['busybox text', parseBusyboxIpAddr, 'ipv6/busybox-ip-addr'],
] as const)('IPv6 address flags from %s', (_flavour, parse, prefix) => {
  it('right after the add: every IPv6 address of both ends is tentative, lo has none', () => {
    const live = parse(payload(`${prefix}.tentative.${prefix.includes('busybox') ? 'txt' : 'json'}`));
    const s = states(live);
    expect(s['lo']).toEqual(['::1']);
    expect(s['mcv6a']![0]).toBe('fd00:6d63::1 tentative');
    expect(s['mcv6b']![0]).toBe('fd00:6d63::1 tentative');
    expect(linkLocal('mcv6a', live).flags).toEqual(['tentative']);
    // IPv4 addresses carry no DAD state.
    expect(live.find((i) => i.name === 'lo')!.addresses.every((a) => a.flags === undefined)).toBe(true);
  });

  it('after DAD: one end settled (no flag), the other dadfailed and still tentative, both link-locals settled', () => {
    const live = parse(payload(`${prefix}.dadfailed.${prefix.includes('busybox') ? 'txt' : 'json'}`));
    const s = states(live);
    expect(s['mcv6b']![0]).toBe('fd00:6d63::1');
    expect(s['mcv6a']![0]).toBe('fd00:6d63::1 tentative,dadfailed');
    expect(linkLocal('mcv6a', live).flags).toBeUndefined();
    expect(linkLocal('mcv6b', live).flags).toBeUndefined();
  });
});

describe('the flags leave the rest of an address alone', () => {
  it('recorded IPv4-only and dual-family output parses as before: no flags anywhere', () => {
    for (const live of [parseIpJsonAddr(payload('ip-j-d-addr.up.json')), parseBusyboxIpAddr(payload('busybox-ip-addr.up.txt'))]) {
      expect(live.flatMap((i) => i.addresses).every((a) => a.flags === undefined)).toBe(true);
    }
  });

  it('a JSON state that is not true is no flag', () => {
    const text = JSON.stringify([
      { ifname: 'net1', flags: ['UP'], mtu: 1500, operstate: 'UP', addr_info: [{ family: 'inet6', local: 'fd00:6d63::100', prefixlen: 64, tentative: false }] },
    ]);
    expect(parseIpJsonAddr(text)[0]!.addresses[0]!.flags).toBeUndefined();
  });
});
