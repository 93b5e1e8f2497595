import { describe, expect, it } from 'vitest';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile, type ProfileValues } from '../../helpers/fixtures/profile.ts';
import { parseCidr, parseIp } from '../../helpers/parse/ip-address.ts';

// Every whereabouts range of every profile: one IPPool per scenario, so no
// two may overlap (except the overlap pair, on purpose), and none may reach
// an address another fixture, the peer, the gateway or a test hands out.
type Span = [bigint, bigint];

const WHEREABOUTS_KEYS = [
  'whereaboutsRange',
  'whereaboutsSmallRange',
  'whereaboutsReclaimRange',
  'whereaboutsBurstRange',
  'whereaboutsStatefulSetRange',
  'whereaboutsOverlapRange',
  'whereaboutsOverlapInnerRange',
] as const;

const ip = (text: string): bigint => parseIp(text.split('/')[0]!)!.value;

/** What whereabouts hands out from a range: the CIDR without its network and broadcast address. */
function hostSpan(cidr: string): Span {
  const c = parseCidr(cidr)!;
  return [c.network + 1n, c.last - 1n];
}

const overlaps = (a: Span, b: Span): boolean => a[0] <= b[1] && b[0] <= a[1];

/** Every address a profile's other fixtures, peer and gateway use, by name. */
function otherSpans(p: ProfileValues): Record<string, Span> {
  const spans: Record<string, Span> = {
    'rangeStart..rangeEnd': [ip(p.rangeStart), ip(p.rangeEnd)],
    'ipvlanRangeStart..End': [ip(p.ipvlanRangeStart), ip(p.ipvlanRangeEnd)],
    'smallRangeStart..End': [ip(p.smallRangeStart), ip(p.smallRangeEnd)],
    'mtuRangeStart..End': [ip(p.mtuRangeStart), ip(p.mtuRangeEnd)],
    staticIp: [ip(p.staticIp), ip(p.staticIp)],
    gateway: [ip(p.gateway), ip(p.gateway)],
  };
  if (p.trafficRangeStart && p.trafficRangeEnd) spans['trafficRangeStart..End'] = [ip(p.trafficRangeStart), ip(p.trafficRangeEnd)];
  if (p.policyRangeStart && p.policyRangeEnd) spans['policyRangeStart..End'] = [ip(p.policyRangeStart), ip(p.policyRangeEnd)];
  if (p.externalPeer) spans['externalPeer.address'] = [ip(p.externalPeer.address), ip(p.externalPeer.address)];
  // ipv6/dual-stack's IPv4 half (its IPv6 ranges: ipv6-ranges.test.ts).
  if (p.dualStackRangeStart && p.dualStackRangeEnd) spans['dualStackRangeStart..End'] = [ip(p.dualStackRangeStart), ip(p.dualStackRangeEnd)];
  // scale/pods' own subnet (all of it: its NADs' ranges are cut from it).
  if (p.scaleSubnet) spans['scaleSubnet'] = [parseCidr(p.scaleSubnet)!.network, parseCidr(p.scaleSubnet)!.last];
  if (p.scaleRangeStart && p.scaleRangeEnd) spans['scaleRangeStart..End'] = [ip(p.scaleRangeStart), ip(p.scaleRangeEnd)];
  // The annotations area's subnets (whole: host-local hands out all of each).
  for (const k of ['defaultNetworkSubnet', 'nadChangeSubnet', 'nadChangeNewSubnet'] as const) {
    const c = p[k] ? parseCidr(p[k]) : undefined;
    if (c) spans[k] = [c.network, c.last];
  }
  return spans;
}

describe.each(['local', 'kind', 'tkg', 'generic'] as const)('whereabouts ranges of profile %s', (provider) => {
  const profile = loadProfile(RunSettingsSchema.parse({ provider: provider === 'tkg' || provider === 'generic' ? 'existing' : provider, profile: provider }));
  const subnet = parseCidr(profile.subnet)!;

  it.each(WHEREABOUTS_KEYS)('%s is a CIDR inside the profile subnet', (key) => {
    const c = parseCidr(profile[key]);
    expect(c, `${key} ${profile[key]}`).toBeDefined();
    expect(c!.network >= subnet.network && c!.last <= subnet.last, `${key} ${profile[key]} in ${profile.subnet}`).toBe(true);
    expect(c!.text, `${key}: written as its network address (the IPPool's name)`).toBe(profile[key]);
  });

  it('no two overlap, except the overlap pair, which must', () => {
    const pair = new Set(['whereaboutsOverlapRange', 'whereaboutsOverlapInnerRange']);
    for (const a of WHEREABOUTS_KEYS) {
      for (const b of WHEREABOUTS_KEYS) {
        if (a >= b) continue;
        const want = pair.has(a) && pair.has(b);
        expect(overlaps(hostSpan(profile[a]), hostSpan(profile[b])), `${a} ${profile[a]} vs ${b} ${profile[b]}`).toBe(want);
      }
    }
    // Two pools, not one: whereabouts names a pool after its CIDR.
    expect(profile.whereaboutsOverlapRange).not.toBe(profile.whereaboutsOverlapInnerRange);
    expect(hostSpan(profile.whereaboutsOverlapRange)[0]).toBe(hostSpan(profile.whereaboutsOverlapInnerRange)[0]);
  });

  it('none reaches an address of another fixture, the gateway or the external peer', () => {
    for (const key of WHEREABOUTS_KEYS) {
      for (const [name, span] of Object.entries(otherSpans(profile))) {
        expect(overlaps(hostSpan(profile[key]), span), `${key} ${profile[key]} vs ${name}`).toBe(false);
      }
    }
  });

  it('none reaches the e2e tests\' 192.168.1.241-.253, the scale subnets (testbed 192.168.4.0/22, kind 10.10.4.0/22) or kind\'s docker range 10.10.0.0/24', () => {
    const reserved: Record<string, Span> = {
      'e2e tests': [ip('192.168.1.241'), ip('192.168.1.253')],
      'testbed scale': [parseCidr('192.168.4.0/22')!.network, parseCidr('192.168.4.0/22')!.last],
      'kind scale': [parseCidr('10.10.4.0/22')!.network, parseCidr('10.10.4.0/22')!.last],
      'kind docker': [ip('10.10.0.0'), ip('10.10.0.255')],
    };
    for (const key of WHEREABOUTS_KEYS) {
      for (const [name, span] of Object.entries(reserved)) expect(overlaps(hostSpan(profile[key]), span), `${key} vs ${name}`).toBe(false);
    }
  });

  it('the small range holds exactly two addresses (ipam/whereabouts-exhausted fills it with two pods)', () => {
    const [a, b] = hostSpan(profile.whereaboutsSmallRange);
    expect(b - a + 1n).toBe(2n);
  });

  it('the burst range holds more addresses than the burst has pods (10)', () => {
    const [a, b] = hostSpan(profile.whereaboutsBurstRange);
    expect(b - a + 1n).toBeGreaterThan(10n);
  });
});
