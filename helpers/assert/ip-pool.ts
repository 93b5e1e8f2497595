import { ConformanceFailure } from '../errors.ts';
import { classifyInPool, describePool, type IpamPool, type PoolVerdict } from '../nad/ipam-range.ts';

/**
 * Every IP is one the NAD's IPAM may hand out: inside a pool's start..end,
 * not its gateway, not excluded. An interface without any IP fails too.
 */
export function assertIpsInPool(pod: string, iface: string, ips: readonly string[], pools: readonly IpamPool[]): void {
  if (pools.length === 0) throw new Error(`assertIpsInPool(${pod}, ${iface}): no IPAM pools given`);
  const ranges = pools.map(describePool).join(' or ');
  const check = `IP in range ${ranges}`;
  if (ips.length === 0) {
    throw new ConformanceFailure({ pod, iface, check, expected: `at least one IP in ${ranges}`, actual: 'no IP' });
  }
  for (const ip of ips) {
    const verdicts = new Set<PoolVerdict>(pools.map((p) => classifyInPool(p, ip)));
    if (verdicts.has('allocatable')) continue;
    if (verdicts.has('gateway')) {
      throw new ConformanceFailure({ pod, iface, check: `${check}, never the gateway`, expected: 'an address other than the gateway', actual: `${ip} (the gateway)` });
    }
    if (verdicts.has('excluded')) {
      throw new ConformanceFailure({ pod, iface, check, expected: 'an address outside the excluded prefixes', actual: `${ip} (excluded)` });
    }
    throw new ConformanceFailure({ pod, iface, check, expected: `an address in ${ranges}`, actual: ip });
  }
}
