import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../helpers/config/load.ts';
import { PROFILES } from '../../helpers/config/settings.ts';
import { UsageError } from '../../helpers/errors.ts';
import { FIXTURES_DIR } from '../../helpers/fixtures/paths.ts';
import { loadProfile, type ProfileValues } from '../../helpers/fixtures/profile.ts';
import { profileVars, renderNad } from '../../helpers/fixtures/render.ts';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import { parseCidr, parseIp } from '../../helpers/parse/ip-address.ts';
import { headroom, nadRanges, pickNode, readyBudgetMs, ScaleRefused, scaleRangeOf, type ScaleRange } from '../../helpers/scale/plan.ts';

const testbed: ScaleRange = { subnet: '192.168.4.0/22', start: '192.168.4.10', end: '192.168.7.250' };

describe('scaleRangeOf', () => {
  it('reads the testbed profile', () => {
    expect(scaleRangeOf(loadProfile(loadSettings({})))).toEqual({ range: testbed });
  });

  it('takes the usable addresses after the implied gateway when only a subnet is given', () => {
    expect(scaleRangeOf({ scaleSubnet: '10.20.0.0/24' })).toEqual({ range: { subnet: '10.20.0.0/24', start: '10.20.0.2', end: '10.20.0.254' } });
  });

  it('is absent when no subnet is configured', () => {
    expect(scaleRangeOf({})).toEqual({});
  });

  it.each<[string, Parameters<typeof scaleRangeOf>[0], RegExp]>([
    ['a range without a subnet', { scaleRangeStart: '10.0.0.5' }, /need scaleSubnet/],
    ['not a CIDR', { scaleSubnet: '10.0.0.0' }, /must be an IPv4 CIDR/],
    ['IPv6', { scaleSubnet: 'fd00::/64' }, /must be an IPv4 CIDR/],
    ['host bits set', { scaleSubnet: '10.0.0.5/24' }, /host bits set; the network address is 10\.0\.0\.0\/24/],
    ['too small', { scaleSubnet: '10.0.0.0/30' }, /too small/],
    ['start outside the subnet', { scaleSubnet: '10.0.0.0/24', scaleRangeStart: '10.0.1.5' }, /scaleRangeStart 10\.0\.1\.5: outside 10\.0\.0\.0\/24/],
    ['start on the implied gateway', { scaleSubnet: '10.0.0.0/24', scaleRangeStart: '10.0.0.1' }, /network\+1 is host-local's gateway/],
    ['end on the broadcast address', { scaleSubnet: '10.0.0.0/24', scaleRangeEnd: '10.0.0.255' }, /scaleRangeEnd 10\.0\.0\.255: outside/],
    ['start after end', { scaleSubnet: '10.0.0.0/24', scaleRangeStart: '10.0.0.100', scaleRangeEnd: '10.0.0.50' }, /is after scaleRangeEnd/],
  ])('names the problem: %s', (_what, keys, problem) => {
    expect(scaleRangeOf(keys).problem).toMatch(problem);
    expect(scaleRangeOf(keys).range).toBeUndefined();
  });
});

describe('nadRanges', () => {
  it('gives two consecutive disjoint ranges of N plus headroom', () => {
    expect(nadRanges(100, testbed)).toEqual([
      { start: '192.168.4.10', end: '192.168.4.134', size: 125 },
      { start: '192.168.4.135', end: '192.168.5.3', size: 125 },
    ]);
    expect(headroom(100)).toBe(25);
    expect(headroom(1)).toBe(2);
  });

  it('takes half the range when N plus headroom does not fit but N does', () => {
    const small: ScaleRange = { subnet: '10.0.0.0/24', start: '10.0.0.10', end: '10.0.0.29' };
    expect(nadRanges(10, small)).toEqual([
      { start: '10.0.0.10', end: '10.0.0.19', size: 10 },
      { start: '10.0.0.20', end: '10.0.0.29', size: 10 },
    ]);
  });

  it('refuses an N the range cannot hold twice, naming range, size and need', () => {
    const small: ScaleRange = { subnet: '10.0.0.0/24', start: '10.0.0.10', end: '10.0.0.29' };
    expect(() => nadRanges(11, small)).toThrow(ScaleRefused);
    expect(() => nadRanges(11, small)).toThrow(
      'scale range 10.0.0.10-10.0.0.29 (20 addresses in 10.0.0.0/24) is too small for 11 pods: two attachments each need 22 addresses',
    );
    // The testbed's /22 holds a few hundred pods, not a thousand.
    expect(() => nadRanges(1000, testbed)).toThrow(/too small for 1000 pods/);
  });

  it('renders NADs whose pools are exactly the planned ranges', () => {
    const profile = loadProfile(loadSettings({}));
    const [a, b] = nadRanges(100, testbed);
    for (const r of [a, b]) {
      const nad = renderNad('scale-macvlan', profileVars(profile, { name: 'scale-a', nadRangeStart: r.start, nadRangeEnd: r.end }));
      expect(computeIpamPoolsFromJson(nad.spec.config!)).toEqual([
        { subnet: '192.168.4.0/22', start: r.start, end: r.end, gateway: '192.168.4.1', excluded: [] },
      ]);
    }
  });
});

describe('pickNode', () => {
  it('takes the node with the most room', () => {
    const rooms = [
      { node: 'a', allocatable: 110, used: 60 },
      { node: 'b', allocatable: 110, used: 3 },
    ];
    expect(pickNode(100, rooms).node).toBe('b');
  });

  it('refuses when even the roomiest node has less room than N, naming its figures', () => {
    expect(() => pickNode(100, [{ node: 'mc-node', allocatable: 110, used: 12 }])).toThrow(
      'node mc-node has room for 98 more pods (allocatable 110, 12 already on it), 100 asked for',
    );
    expect(() => pickNode(5, [])).toThrow(ScaleRefused);
  });

  it('gives the pods one podReady plus a second each', () => {
    expect(readyBudgetMs(100, 120_000)).toBe(220_000);
  });
});

describe('scale subnets of the profiles', () => {
  // Every other address a fixture or test hands out on the same segments.
  const E2E_RANGE = ['192.168.1.241', '192.168.1.253'];
  const KIND_NODES = ['10.10.0.0', '10.10.0.255'];

  function otherRanges(p: ProfileValues): Array<[string, string, string]> {
    const pairs: Array<[string, string | undefined, string | undefined]> = [
      ['range', p.rangeStart, p.rangeEnd],
      ['traffic', p.trafficRangeStart, p.trafficRangeEnd],
      ['ipvlan', p.ipvlanRangeStart, p.ipvlanRangeEnd],
      ['small', p.smallRangeStart, p.smallRangeEnd],
      ['mtu', p.mtuRangeStart, p.mtuRangeEnd],
      ['static', p.staticIp.split('/')[0], p.staticIp.split('/')[0]],
      ['gateway', p.gateway, p.gateway],
      ['external peer', p.externalPeer?.address, p.externalPeer?.address],
      ['e2e tests', E2E_RANGE[0], E2E_RANGE[1]],
      ['kind nodes', KIND_NODES[0], KIND_NODES[1]],
    ];
    return pairs.flatMap(([what, a, b]) => (a && b ? [[what, a, b] as [string, string, string]] : []));
  }

  const withScale = PROFILES.filter((name) => loadProfile(loadSettings({ flags: { profile: name } })).scaleSubnet !== undefined);

  it('the testbed and kind have one, clusters the suite did not create do not', () => {
    expect(withScale.sort()).toEqual(['kind', 'local']);
    expect(readdirSync(join(FIXTURES_DIR, 'profiles')).map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual([...PROFILES].sort());
  });

  it.each(withScale)('%s: the scale subnet overlaps no other range', (name) => {
    const p = loadProfile(loadSettings({ flags: { profile: name } }));
    const subnet = parseCidr(p.scaleSubnet!)!;
    for (const [what, a, b] of otherRanges(p)) {
      const lo = parseIp(a)!.value;
      const hi = parseIp(b)!.value;
      expect(hi < subnet.network || lo > subnet.last, `${name}: ${what} ${a}-${b} inside ${p.scaleSubnet}`).toBe(true);
    }
    expect(scaleRangeOf(p).range).toBeDefined();
  });
});

describe('scale keys in the config', () => {
  it('replace the profile range as a whole', () => {
    const p = loadProfile(loadSettings({ flags: { provider: 'existing', network: { scaleSubnet: '10.30.0.0/24' } } }));
    expect(scaleRangeOf(p).range).toEqual({ subnet: '10.30.0.0/24', start: '10.30.0.2', end: '10.30.0.254' });
    const local = loadProfile(loadSettings({ flags: { network: { scaleSubnet: '10.30.0.0/24', scaleRangeEnd: '10.30.0.99' } } }));
    expect(scaleRangeOf(local).range).toEqual({ subnet: '10.30.0.0/24', start: '10.30.0.2', end: '10.30.0.99' });
  });

  it('that do not make a range are a usage error naming the key', () => {
    const settings = loadSettings({ flags: { provider: 'existing', network: { scaleSubnet: '10.30.0.0/24', scaleRangeStart: '10.31.0.5' } } });
    expect(() => loadProfile(settings)).toThrow(UsageError);
    expect(() => loadProfile(settings)).toThrow(/^network: scaleRangeStart 10\.31\.0\.5: outside 10\.30\.0\.0\/24/);
  });

  it('are checked as addresses when the settings load', () => {
    expect(() => loadSettings({ flags: { network: { scaleSubnet: '10.30.0.0' } } })).toThrow(/must be a CIDR/);
    expect(() => loadSettings({ flags: { scale: 0 } })).toThrow(/--scale/);
  });
});
