import { ConformanceFailure } from '../errors.ts';
import { parseIpMaybeCidr } from '../parse/ip-address.ts';
import type { LiveInterface } from '../parse/live-network.ts';

/** Addresses an attachment really uses: IPv6 link-local ones are the kernel's, not IPAM's. */
export function assignedIps(iface: LiveInterface): string[] {
  return iface.addresses.filter((a) => !(a.family === 'inet6' && a.address.toLowerCase().startsWith('fe80:'))).map((a) => a.address);
}

/** An address compared by value: prefix length dropped, IPv6 in canonical form. */
function canonical(ip: string): string {
  return parseIpMaybeCidr(ip)?.text ?? ip;
}

function sortedText(ips: readonly string[]): string {
  return [...ips].map(canonical).sort().join(', ');
}

/**
 * The interface has exactly the addresses the pod asked for (JSON form
 * `ips`, static IPAM): none missing, none extra. Prefix lengths are not
 * compared (the request carries one, `ip` shows the subnet's).
 */
export function assertRequestedIps(pod: string, link: LiveInterface, requested: readonly string[]): void {
  const want = sortedText(requested);
  const got = sortedText(assignedIps(link));
  if (want !== got) {
    throw new ConformanceFailure({ pod, iface: link.name, check: 'requested IPs', expected: want, actual: got || '(none)' });
  }
}

/** The interface has at least one address; returns the first (for traffic checks). */
export function assertHasAddress(pod: string, link: LiveInterface): string {
  const ip = assignedIps(link)[0];
  if (ip === undefined) {
    throw new ConformanceFailure({ pod, iface: link.name, check: 'address', expected: 'an IP address', actual: 'none' });
  }
  return ip;
}

/**
 * After a pod was deleted from a full range, the pod that was waiting got
 * the freed address: host-local released it on delete (no leak).
 */
export function assertAddressReused(pod: string, iface: string, freed: readonly string[], got: readonly string[], freedBy: string): void {
  const want = sortedText(freed);
  const have = sortedText(got);
  if (want === '' || want !== have) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: `address reused after ${freedBy} was deleted (IPAM released it)`,
      expected: want ? `${want} (freed by ${freedBy})` : `the address ${freedBy} had (it had none)`,
      actual: have || '(none)',
    });
  }
}
