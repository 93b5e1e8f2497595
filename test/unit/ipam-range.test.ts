import { describe, expect, it } from 'vitest';
import {
  analyzeIpam,
  classifyInPool,
  computeIpamPools,
  computeIpamPoolsFromJson,
  describePool,
  poolContains,
  type IpamPool,
} from '../../helpers/nad/ipam-range.ts';
import { pluginConfigSchema } from '../../helpers/nad/cni-config.ts';

const seedJson =
  '{"cniVersion":"0.3.0","type":"macvlan","master":"ens5","mode":"bridge","ipam":{"type":"host-local","subnet":"192.168.1.0/24","rangeStart":"192.168.1.200","rangeEnd":"192.168.1.216","routes":[{"dst":"0.0.0.0/0"}],"gateway":"192.168.1.1"}}';
const seedPool: IpamPool = { subnet: '192.168.1.0/24', start: '192.168.1.200', end: '192.168.1.216', gateway: '192.168.1.1', excluded: [] };

const pools = (ipam: object) => analyzeIpam(ipam).pools;

describe('IPAM pools', () => {
  it('the seed: 192.168.1.200-192.168.1.216 in 192.168.1.0/24 (gateway 192.168.1.1)', () => {
    expect(computeIpamPoolsFromJson(seedJson)).toEqual([seedPool]);
    expect(describePool(seedPool)).toBe('192.168.1.200-192.168.1.216 in 192.168.1.0/24 (gateway 192.168.1.1)');
  });

  it.each<[string, object, IpamPool[]]>([
    [
      'host-local defaults: start network+1, end broadcast-1, gateway network+1',
      { type: 'host-local', subnet: '10.10.0.0/16' },
      [{ subnet: '10.10.0.0/16', start: '10.10.0.1', end: '10.10.255.254', gateway: '10.10.0.1', excluded: [] }],
    ],
    [
      'host-local IPv6 defaults: the end is the last address',
      { type: 'host-local', subnet: 'fd00:5::/120' },
      [{ subnet: 'fd00:5::/120', start: 'fd00:5::1', end: 'fd00:5::ff', gateway: 'fd00:5::1', excluded: [] }],
    ],
    [
      'host-local subnet and ranges, subnet first',
      { type: 'host-local', subnet: '10.1.0.0/24', ranges: [[{ subnet: 'fd00:1::/64', rangeStart: 'fd00:1::10', rangeEnd: 'fd00:1::20', gateway: 'fd00:1::1' }]] },
      [
        { subnet: '10.1.0.0/24', start: '10.1.0.1', end: '10.1.0.254', gateway: '10.1.0.1', excluded: [] },
        { subnet: 'fd00:1::/64', start: 'fd00:1::10', end: 'fd00:1::20', gateway: 'fd00:1::1', excluded: [] },
      ],
    ],
    [
      'whereabouts masks the range and skips the network address',
      { type: 'whereabouts', range: '192.168.2.225/28', exclude: ['192.168.2.229/30'] },
      [{ subnet: '192.168.2.224/28', start: '192.168.2.225', end: '192.168.2.238', excluded: ['192.168.2.229/30'] }],
    ],
    [
      'whereabouts first-last/prefix and ipRanges',
      { type: 'whereabouts', range: '192.168.2.225-192.168.2.230/28', ipRanges: [{ range: 'fd00:2::/120', range_start: 'fd00:2::10' }] },
      [
        { subnet: '192.168.2.224/28', start: '192.168.2.225', end: '192.168.2.230', excluded: [] },
        { subnet: 'fd00:2::/120', start: 'fd00:2::10', end: 'fd00:2::ff', excluded: [] },
      ],
    ],
    [
      'static: one address each',
      { type: 'static', addresses: [{ address: '10.2.2.42/24', gateway: '10.2.2.1' }] },
      [{ subnet: '10.2.2.0/24', start: '10.2.2.42', end: '10.2.2.42', gateway: '10.2.2.1', excluded: [] }],
    ],
  ])('%s', (_name, ipam, expected) => {
    expect(pools(ipam)).toEqual(expected);
  });

  it('takes the first plugin with IPAM from a config list', () => {
    const list = `{"cniVersion":"1.0.0","plugins":[${seedJson},{"type":"tuning","capabilities":{"mac":true}}]}`;
    expect(computeIpamPoolsFromJson(list)).toEqual([seedPool]);
  });

  it.each([
    ['no IPAM', '{"type":"macvlan"}', /no plugin with an "ipam" section/],
    ['dhcp', '{"type":"macvlan","ipam":{"type":"dhcp"}}', /IPAM type "dhcp": addresses are not known/],
    ['start after end', seedJson.replace('"192.168.1.200"', '"192.168.1.220"'), /ipam.rangeStart: range start 192.168.1.220 is after range end 192.168.1.216/],
    ['a schema error', seedJson.replace('"bridge"', '"l2"'), /CNI config mode: Invalid option/],
  ])('refuses %s', (_name, json, message) => {
    expect(() => computeIpamPoolsFromJson(json)).toThrow(message);
  });

  it('computeIpamPools takes a parsed config', () => {
    expect(computeIpamPools(pluginConfigSchema.parse(JSON.parse(seedJson)))).toEqual([seedPool]);
  });
});

describe('poolContains / classifyInPool', () => {
  const wherePool: IpamPool = { subnet: '192.168.2.224/28', start: '192.168.2.225', end: '192.168.2.238', excluded: ['192.168.2.229/30', '192.168.2.236'] };
  const v6Pool: IpamPool = { subnet: 'fd00:1::/64', start: 'fd00:1::10', end: 'fd00:1::20', gateway: 'fd00:1::1', excluded: [] };
  const byName: Record<string, IpamPool> = { seed: seedPool, whereabouts: wherePool, v6: v6Pool };
  it.each<[string, string, ReturnType<typeof classifyInPool>]>([
    ['seed', '192.168.1.200', 'allocatable'],
    ['seed', '192.168.1.216', 'allocatable'],
    ['seed', '192.168.1.201/24', 'allocatable'],
    ['seed', '192.168.1.199', 'outside'],
    ['seed', '192.168.1.217', 'outside'],
    ['seed', '192.168.1.1', 'gateway'],
    ['seed', '10.0.0.1', 'outside'],
    ['seed', 'fd00:1::c9', 'outside'],
    ['seed', 'garbage', 'outside'],
    ['whereabouts', '192.168.2.227', 'allocatable'],
    ['whereabouts', '192.168.2.228', 'excluded'],
    ['whereabouts', '192.168.2.230', 'excluded'],
    ['whereabouts', '192.168.2.236', 'excluded'],
    ['v6', 'fd00:1::0010', 'allocatable'],
    ['v6', 'fd00:1::1', 'gateway'],
    ['v6', 'fd00:1::21', 'outside'],
  ])('%s pool: %s is %s', (name, ip, verdict) => {
    const pool = byName[name]!;
    expect(classifyInPool(pool, ip)).toBe(verdict);
    expect(poolContains(pool, ip)).toBe(verdict === 'allocatable');
  });

  it('describes exclusions', () => {
    expect(describePool(wherePool)).toBe('192.168.2.225-192.168.2.238 in 192.168.2.224/28 excluding 192.168.2.229/30, 192.168.2.236');
  });
});
