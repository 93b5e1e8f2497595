import { describe, expect, it } from 'vitest';
import { assertIpsInPool } from '../../helpers/assert/ip-pool.ts';
import { computeIpamPoolsFromJson, type IpamPool } from '../../helpers/nad/ipam-range.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { iface, live, seedStatus } from './live-pod.ts';

const seedPools = computeIpamPoolsFromJson(
  '{"cniVersion":"0.3.0","type":"macvlan","master":"ens5","mode":"bridge","ipam":{"type":"host-local","subnet":"192.168.1.0/24","rangeStart":"192.168.1.200","rangeEnd":"192.168.1.216","routes":[{"dst":"0.0.0.0/0"}],"gateway":"192.168.1.1"}}',
);
const v6Pool: IpamPool = { subnet: 'fd00:1::/64', start: 'fd00:1::c0', end: 'fd00:1::cf', excluded: [] };
const wherePools: IpamPool[] = [{ subnet: '192.168.1.192/27', start: '192.168.1.193', end: '192.168.1.222', excluded: ['192.168.1.200/30'] }];
const net1Live = iface(live.up, 'net1').addresses.map((a) => a.address);
const seedNet1 = seedStatus[1]!.ips ?? [];
const range = '192.168.1.200-192.168.1.216 in 192.168.1.0/24 (gateway 192.168.1.1)';

describe('assertIpsInPool', () => {
  it.each<[string, string[], IpamPool[]]>([
    ['the seed status IP of net1', seedNet1, seedPools],
    ['the live IPv4 of net1', net1Live.filter((a) => a.includes('.')), seedPools],
    ['the live v4 and v6 of net1 with a pool per family', net1Live.filter((a) => !a.startsWith('fe80')), [...seedPools, v6Pool]],
    ['an address with its prefix', ['192.168.1.216/24'], seedPools],
  ])('passes on %s', (_name, ips, pools) => {
    expect(() => assertIpsInPool(POD, 'net1', ips, pools)).not.toThrow();
  });

  it.each<[string, string[], IpamPool[], string, string]>([
    ['an IP outside the range', ['192.168.1.217'], seedPools, `an address in ${range}`, '192.168.1.217'],
    ["eth0's IP against net1's pool", seedStatus[0]!.ips ?? [], seedPools, 'an address in 192.168.1.200', '100.96.1.80'],
    ['the gateway handed out', ['192.168.1.201', '192.168.1.1'], seedPools, 'an address other than the gateway', '192.168.1.1 (the gateway)'],
    ['an excluded address', ['192.168.1.202'], wherePools, 'outside the excluded prefixes', '192.168.1.202 (excluded)'],
    ['no IP at all', [], seedPools, `at least one IP in ${range}`, 'no IP'],
    ['an IPv6 address with only an IPv4 pool', ['fd00:1::c9'], seedPools, `an address in ${range}`, 'fd00:1::c9'],
  ])('fails on %s', (_name, ips, pools, expected, actual) => {
    const failure = expectFailure(() => assertIpsInPool(POD, 'net1', ips, pools), { iface: 'net1', expected, actual });
    expect(failure.mismatch.check).toContain('IP in range');
  });

  it('throws a plain error when given no pools (a suite bug, not a cluster failure)', () => {
    expect(() => assertIpsInPool(POD, 'net1', ['192.168.1.201'], [])).toThrow(/no IPAM pools given/);
  });
});
