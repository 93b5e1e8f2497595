import { describe, expect, it } from 'vitest';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile, type ProfileValues } from '../../helpers/fixtures/profile.ts';
import { parseCidr, parseIp, type IpFamily } from '../../helpers/parse/ip-address.ts';

// The plugins scenarios' addresses (tuning's host-local range on the
// segment, the bridge's and the host-device veth's own subnets) against every
// other range of every profile: no two scenarios may ever hand out one
// address. Spans carry their family, so IPv6 ranges compare only with IPv6.
interface Span {
  family: IpFamily;
  first: bigint;
  last: bigint;
}

const ip = (text: string): Span => {
  const p = parseIp(text.split('/')[0]!)!;
  return { family: p.family, first: p.value, last: p.value };
};
const range = (a: string, b: string): Span => ({ ...ip(a), last: ip(b).first });
/** Every address of a CIDR, network and broadcast included (host-local hands out all but those two; the margin is harmless). */
const cidr = (text: string): Span => {
  const c = parseCidr(text)!;
  return { family: c.ip.family, first: c.network, last: c.last };
};
const overlaps = (a: Span, b: Span): boolean => a.family === b.family && a.first <= b.last && b.first <= a.last;

function pluginSpans(p: ProfileValues): Record<string, Span> {
  const spans: Record<string, Span> = {};
  if (p.tuningRangeStart && p.tuningRangeEnd) spans['tuningRangeStart..End'] = range(p.tuningRangeStart, p.tuningRangeEnd);
  if (p.bridgeSubnet) spans['bridgeSubnet'] = cidr(p.bridgeSubnet);
  if (p.hostDeviceSubnet) spans['hostDeviceSubnet'] = cidr(p.hostDeviceSubnet);
  if (p.vlanSubnet) spans['vlanSubnet'] = cidr(p.vlanSubnet);
  return spans;
}

/** Every address the profile's other scenarios, peer and gateway use. */
function otherSpans(p: ProfileValues): Record<string, Span> {
  const spans: Record<string, Span> = {
    'rangeStart..End': range(p.rangeStart, p.rangeEnd),
    'ipvlanRangeStart..End': range(p.ipvlanRangeStart, p.ipvlanRangeEnd),
    'smallRangeStart..End': range(p.smallRangeStart, p.smallRangeEnd),
    'mtuRangeStart..End': range(p.mtuRangeStart, p.mtuRangeEnd),
    staticIp: ip(p.staticIp),
    gateway: ip(p.gateway),
  };
  if (p.trafficRangeStart && p.trafficRangeEnd) spans['trafficRangeStart..End'] = range(p.trafficRangeStart, p.trafficRangeEnd);
  if (p.policyRangeStart && p.policyRangeEnd) spans['policyRangeStart..End'] = range(p.policyRangeStart, p.policyRangeEnd);
  if (p.externalPeer) spans['externalPeer.address'] = ip(p.externalPeer.address);
  if (p.scaleSubnet) spans['scaleSubnet'] = cidr(p.scaleSubnet);
  for (const key of ['whereaboutsRange', 'whereaboutsSmallRange', 'whereaboutsReclaimRange', 'whereaboutsBurstRange', 'whereaboutsStatefulSetRange', 'whereaboutsOverlapRange'] as const) {
    spans[key] = cidr(p[key]);
  }
  return spans;
}

// What this session's other helpers were given on the testbed's mc-seg0
// (their keys live on their branches): the ipv6 scenarios' 192.168.8.0/26,
// the annotation scenarios' 192.168.8.128/25; and the e2e tests' .241-.253.
const RESERVED: Record<string, Span> = {
  'ipv6 helper 192.168.8.0/26': cidr('192.168.8.0/26'),
  'annot helper 192.168.8.128/25': cidr('192.168.8.128/25'),
  'e2e tests 192.168.1.241-.253': range('192.168.1.241', '192.168.1.253'),
  'kind docker 10.10.0.0/24': cidr('10.10.0.0/24'),
};

describe.each(['local', 'kind', 'tkg', 'generic'] as const)('plugins ranges of profile %s', (name) => {
  const profile = loadProfile(RunSettingsSchema.parse({ provider: name === 'tkg' || name === 'generic' ? 'existing' : name, profile: name }));
  const mine = pluginSpans(profile);

  it('local and kind give tuning, bridge and host-device their addresses; tkg and generic assume none on your segment', () => {
    const want = name === 'local' || name === 'kind' ? ['tuningRangeStart..End', 'bridgeSubnet', 'hostDeviceSubnet'] : [];
    expect(Object.keys(mine).sort()).toEqual(want.sort());
  });

  it('the tuning range lies inside tuningSubnet, start before end', () => {
    if (!profile.tuningSubnet) return;
    const s = cidr(profile.tuningSubnet);
    const r = mine['tuningRangeStart..End']!;
    expect(r.first <= r.last && r.first > s.first && r.last < s.last, `${profile.tuningRangeStart}-${profile.tuningRangeEnd} in ${profile.tuningSubnet}`).toBe(true);
  });

  it('no two of them overlap, and none reaches another range, the gateway, the peer or a reserved range', () => {
    const keys = Object.keys(mine);
    for (const a of keys) for (const b of keys) if (a < b) expect(overlaps(mine[a]!, mine[b]!), `${a} vs ${b}`).toBe(false);
    for (const [a, span] of Object.entries(mine)) {
      for (const [b, other] of Object.entries({ ...otherSpans(profile), ...RESERVED })) expect(overlaps(span, other), `${a} vs ${b}`).toBe(false);
    }
  });

  it('the bridge and host-device subnets are L2s of their own: not on the master segment', () => {
    for (const key of ['bridgeSubnet', 'hostDeviceSubnet'] as const) {
      if (profile[key]) expect(overlaps(cidr(profile[key]), cidr(profile.subnet)), `${key} ${profile[key]} vs subnet ${profile.subnet}`).toBe(false);
    }
  });
});

describe('the overlap check itself', () => {
  it('sees overlaps within a family and none across families', () => {
    expect(overlaps(cidr('192.168.8.64/27'), range('192.168.8.90', '192.168.8.100'))).toBe(true);
    expect(overlaps(cidr('192.168.8.64/27'), cidr('192.168.8.96/28'))).toBe(false);
    expect(overlaps(cidr('fd00:6d63::/64'), cidr('fd00:6d63::/120'))).toBe(true);
    expect(overlaps(cidr('0.0.0.0/0'), cidr('::/0'))).toBe(false);
  });
});
