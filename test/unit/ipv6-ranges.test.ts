import { describe, expect, it } from 'vitest';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { parseCidr, parseIp } from '../../helpers/parse/ip-address.ts';
import { IPV6_PART, IPV6_ROUTE_DST, ipv6Vars } from '../../helpers/scenario/ipv6-ranges.ts';

// The ipv6/* addresses of every profile that sets them: each scenario's
// quarter its own host-local pool, none reaching the gateway (the external
// host) or another quarter, all inside the IPv6 subnet; the dual-stack IPv4
// half inside its subnet and clear of every IPv4 range of the profile
// (whereabouts-ranges.test.ts checks it against the whereabouts CIDRs).
type Span = [bigint, bigint];
const ip = (text: string): bigint => parseIp(text.split('/')[0]!)!.value;
const overlaps = (a: Span, b: Span): boolean => a[0] <= b[1] && b[0] <= a[1];
const inside = (cidr: string, s: Span): boolean => {
  const c = parseCidr(cidr)!;
  return s[0] >= c.network && s[1] <= c.last;
};

const PROFILES = ['local', 'kind', 'tkg', 'generic'] as const;
const load = (name: (typeof PROFILES)[number]) =>
  loadProfile(RunSettingsSchema.parse({ provider: name === 'local' || name === 'kind' ? name : 'existing', profile: name }));

describe('ipv6 keys of the profiles', () => {
  it('are set on the testbed only: IPv6 is off unless configured', () => {
    expect(PROFILES.filter((p) => load(p).ipv6Subnet !== undefined)).toEqual(['local']);
    expect(PROFILES.filter((p) => load(p).dualStackSubnet !== undefined)).toEqual(['local']);
    expect(PROFILES.filter((p) => load(p).externalPeer?.ipv6Address !== undefined)).toEqual(['local']);
  });
});

describe('the testbed profile', () => {
  const p = load('local');
  const quarters = (Object.keys(IPV6_PART) as (keyof typeof IPV6_PART)[]).map((part): [string, Span] => {
    const v = ipv6Vars(p, part);
    return [part, [ip(v.v6RangeStart), ip(v.v6RangeEnd)]];
  });

  it('gives ipv6 the assigned ULA fd00:6d63::/64, the peer fd00:6d63::1, and 192.168.8.0/26 for the dual-stack IPv4 half', () => {
    expect([p.ipv6Subnet, p.ipv6Gateway, p.externalPeer?.ipv6Address]).toEqual(['fd00:6d63::/64', 'fd00:6d63::1', 'fd00:6d63::1']);
    expect([p.ipv6RangeStart, p.ipv6RangeEnd]).toEqual(['fd00:6d63::100', 'fd00:6d63::1ff']);
    const v4: Span = [ip(p.dualStackRangeStart!), ip(p.dualStackRangeEnd!)];
    expect(inside('192.168.8.0/26', v4)).toBe(true);
    expect(inside(p.dualStackSubnet!, v4)).toBe(true);
  });

  it('the four quarters lie in the IPv6 subnet, never overlap and never reach the gateway', () => {
    const gw = ip(p.ipv6Gateway!);
    for (const [part, span] of quarters) {
      expect(inside(p.ipv6Subnet!, span), part).toBe(true);
      expect(overlaps(span, [gw, gw]), `${part} vs the gateway`).toBe(false);
      for (const [other, o] of quarters) if (other !== part) expect(overlaps(span, o), `${part} vs ${other}`).toBe(false);
    }
  });

  it("the configured route's prefix is outside the segment's subnet (it goes via the gateway)", () => {
    const c = parseCidr(IPV6_ROUTE_DST)!;
    expect(overlaps([c.network, c.last], [parseCidr(p.ipv6Subnet!)!.network, parseCidr(p.ipv6Subnet!)!.last])).toBe(false);
  });

  it('the dual-stack IPv4 range meets no other IPv4 range of the profile, the peer or the gateway', () => {
    const v4: Span = [ip(p.dualStackRangeStart!), ip(p.dualStackRangeEnd!)];
    const others: Record<string, Span> = {
      range: [ip(p.rangeStart), ip(p.rangeEnd)],
      ipvlan: [ip(p.ipvlanRangeStart), ip(p.ipvlanRangeEnd)],
      small: [ip(p.smallRangeStart), ip(p.smallRangeEnd)],
      mtu: [ip(p.mtuRangeStart), ip(p.mtuRangeEnd)],
      policy: [ip(p.policyRangeStart!), ip(p.policyRangeEnd!)],
      static: [ip(p.staticIp), ip(p.staticIp)],
      gateway: [ip(p.gateway), ip(p.gateway)],
      peer: [ip(p.externalPeer!.address), ip(p.externalPeer!.address)],
      scale: [parseCidr(p.scaleSubnet!)!.network, parseCidr(p.scaleSubnet!)!.last],
      // The other helpers' assignments in 192.168.8.0/24 (plugins2 tuning .64/27, host-device .96/28; annot .128/25).
      'plugins2 and annot': [ip('192.168.8.64'), ip('192.168.8.255')],
    };
    for (const [name, span] of Object.entries(others)) expect(overlaps(v4, span), name).toBe(false);
  });
});
