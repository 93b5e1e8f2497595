import { ConformanceFailure } from '../errors.ts';
import { parseIpMaybeCidr, type IpFamily } from '../parse/ip-address.ts';
import type { LiveAddress, LiveInterface } from '../parse/live-network.ts';

function shown(a: LiveAddress): string {
  return `${a.address}/${a.prefixLength}${a.flags?.length ? ` ${a.flags.join(' ')}` : ''}`;
}

function inet6(link: LiveInterface): LiveAddress[] {
  return link.addresses.filter((a) => a.family === 'inet6');
}

/**
 * Whether duplicate address detection still runs on an IPv6 address of the
 * link: tentative and not (yet) failed. The bounded wait polls on this; a
 * dadfailed address stays tentative for good, so waiting longer cannot help.
 */
export function dadPending(link: LiveInterface): boolean {
  return inet6(link).some((a) => a.flags?.includes('tentative') === true && !a.flags.includes('dadfailed'));
}

/**
 * After DAD had its time (RFC 4862 §5.4): no IPv6 address of the interface,
 * link-local included, is tentative or dadfailed. The kernel never sends from
 * either: a failed one means another host on the segment holds the address
 * (a duplicate handed out by IPAM, or a MAC twice on the segment).
 */
export function assertDadSettled(pod: string, link: LiveInterface): void {
  const all = inet6(link);
  const failed = all.filter((a) => a.flags?.includes('dadfailed'));
  const tentative = all.filter((a) => a.flags?.includes('tentative') && !a.flags.includes('dadfailed'));
  if (failed.length === 0 && tentative.length === 0) return;
  throw new ConformanceFailure({
    pod,
    iface: link.name,
    check:
      failed.length > 0
        ? `IPv6 duplicate address detection: ${failed.map((a) => a.address).join(', ')} failed (another host on the segment holds it)`
        : 'IPv6 duplicate address detection settled within the wait',
    expected: 'every IPv6 address neither tentative nor dadfailed',
    actual: all.map(shown).join(', '),
  });
}

/**
 * The attachment holds exactly one address of each family its range sets
 * hand out (one IPv6 range set: one IPv6 address; dual-stack: one of each),
 * and none of another family. `ips` are the assigned ones (link-local left out).
 */
export function assertOnePerFamily(pod: string, iface: string, ips: readonly string[], families: readonly IpFamily[]): void {
  const want = [...new Set(families)].sort();
  const expected = want.map((f) => `one IPv${f} address`).join(' and ');
  const check = `one address per range set (${want.map((f) => `IPv${f}`).join(', ')})`;
  const count = (f: IpFamily): number => ips.filter((ip) => parseIpMaybeCidr(ip)?.family === f).length;
  const wrong = want.some((f) => count(f) !== 1) || ips.some((ip) => !want.includes(parseIpMaybeCidr(ip)?.family ?? (0 as IpFamily)));
  if (wrong) throw new ConformanceFailure({ pod, iface, check, expected, actual: ips.join(', ') || '(none)' });
}
