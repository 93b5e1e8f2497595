import { describe, expect, it } from 'vitest';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile, type ProfileValues } from '../../helpers/fixtures/profile.ts';
import { profileVars, renderNad } from '../../helpers/fixtures/render.ts';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import { parseCidr, parseIp } from '../../helpers/parse/ip-address.ts';

// The annotations area's subnets (profile defaultNetworkSubnet, nadChangeSubnet,
// nadChangeNewSubnet): each a host-local range whole, so none may reach an
// address of any other range of the profile, of each other, or of the blocks
// other scenarios were given on the same segment.
type Span = [bigint, bigint];
const KEYS = ['defaultNetworkSubnet', 'nadChangeSubnet', 'nadChangeNewSubnet'] as const;
const ip = (text: string): bigint => parseIp(text.split('/')[0]!)!.value;
const cidrSpan = (text: string): Span => {
  const c = parseCidr(text)!;
  return [c.network, c.last];
};
const overlaps = (a: Span, b: Span): boolean => a[0] <= b[1] && b[0] <= a[1];

/** Every other address range of a profile, by key. */
function otherSpans(p: ProfileValues): Record<string, Span> {
  const spans: Record<string, Span> = {};
  const pairs: [string, string | undefined, string | undefined][] = [
    ['range', p.rangeStart, p.rangeEnd],
    ['trafficRange', p.trafficRangeStart, p.trafficRangeEnd],
    ['policyRange', p.policyRangeStart, p.policyRangeEnd],
    ['scaleRange', p.scaleRangeStart, p.scaleRangeEnd],
    ['ipvlanRange', p.ipvlanRangeStart, p.ipvlanRangeEnd],
    ['smallRange', p.smallRangeStart, p.smallRangeEnd],
    ['mtuRange', p.mtuRangeStart, p.mtuRangeEnd],
  ];
  for (const [name, a, b] of pairs) if (a && b) spans[name] = [ip(a), ip(b)];
  for (const k of ['whereaboutsRange', 'whereaboutsSmallRange', 'whereaboutsReclaimRange', 'whereaboutsBurstRange', 'whereaboutsStatefulSetRange', 'whereaboutsOverlapRange', 'whereaboutsOverlapInnerRange'] as const) {
    spans[k] = cidrSpan(p[k]);
  }
  if (p.scaleSubnet) spans['scaleSubnet'] = cidrSpan(p.scaleSubnet);
  spans['staticIp'] = [ip(p.staticIp), ip(p.staticIp)];
  spans['gateway'] = [ip(p.gateway), ip(p.gateway)];
  if (p.externalPeer) spans['externalPeer.address'] = [ip(p.externalPeer.address), ip(p.externalPeer.address)];
  return spans;
}

// Blocks of 192.168.8.0/24 given to other scenarios on the testbed's mc-seg0
// (issue 10: ipv6 192.168.8.0/26; plugins tuning .64/27, host-device .96/28),
// the e2e tests' 192.168.1.241-.253 and kind's docker range.
const RESERVED: Record<string, Span> = {
  'ipv6 scenarios 192.168.8.0/26': cidrSpan('192.168.8.0/26'),
  'tuning 192.168.8.64/27': cidrSpan('192.168.8.64/27'),
  'host-device 192.168.8.96/28': cidrSpan('192.168.8.96/28'),
  'e2e tests 192.168.1.241-.253': [ip('192.168.1.241'), ip('192.168.1.253')],
  'kind docker 10.10.0.0/24': cidrSpan('10.10.0.0/24'),
};

const load = (name: 'local' | 'kind' | 'tkg' | 'generic'): ProfileValues =>
  loadProfile(RunSettingsSchema.parse({ provider: name === 'tkg' || name === 'generic' ? 'existing' : name, profile: name }));

describe.each(['local', 'kind'] as const)('annotations subnets of profile %s', (name) => {
  const profile = load(name);

  it.each(KEYS)('%s is a CIDR written as its network address', (key) => {
    const c = parseCidr(profile[key]!);
    expect(c?.text, key).toBe(profile[key]);
  });

  it('no two overlap, and none reaches another range, the gateway, the peer or a reserved block', () => {
    const others = { ...otherSpans(profile), ...RESERVED };
    for (const key of KEYS) {
      const mine = cidrSpan(profile[key]!);
      for (const [other, span] of Object.entries(others)) expect(overlaps(mine, span), `${key} ${profile[key]} vs ${other}`).toBe(false);
      for (const k2 of KEYS) if (k2 !== key) expect(overlaps(mine, cidrSpan(profile[k2]!)), `${key} vs ${k2}`).toBe(false);
    }
  });

  it('the fixtures render, validate and hand out exactly their subnet', () => {
    const dn = renderNad('macvlan-default-network', profileVars(profile, { name: 'default-net', netSubnet: profile.defaultNetworkSubnet }));
    expect(computeIpamPoolsFromJson(dn.spec.config!).map((p) => p.subnet)).toEqual([profile.defaultNetworkSubnet]);
    expect(JSON.parse(dn.spec.config!)).toMatchObject({ type: 'macvlan', master: profile.master, ipam: { routes: [{ dst: '0.0.0.0/0' }] } });
    const nc = renderNad('macvlan-subnet-mtu', profileVars(profile, { name: 'changing', netSubnet: profile.nadChangeNewSubnet, netMtu: 1280 }));
    expect(JSON.parse(nc.spec.config!)).toMatchObject({ mtu: 1280, ipam: { subnet: profile.nadChangeNewSubnet } });
    expect(JSON.parse(nc.spec.config!).ipam.routes, 'net1 beside eth0: no default route').toBeUndefined();
  });
});

describe.each(['tkg', 'generic'] as const)('profile %s', (name) => {
  it('sets no annotations subnet: no safe default on a segment the suite does not know (the scenarios skip naming the key)', () => {
    const profile = load(name);
    for (const key of KEYS) expect(profile[key], key).toBeUndefined();
  });
});
