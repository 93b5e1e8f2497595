import { ConformanceFailure } from '../errors.ts';
import type { LiveInterface } from '../parse/live-network.ts';
import type { NetworkStatusEntry } from '../parse/network-status.ts';
import { assignedIps } from './addresses.ts';
import { assertInterfacePresent } from './interfaces.ts';

/**
 * The same network listed twice gives two attachments (NPWG §4.2): one
 * status entry per interface, both naming the network, and two different
 * addresses (one lease each, not one lease shared).
 */
export function assertSameNetworkTwice(
  pod: string,
  network: string,
  ifaces: readonly [string, string],
  status: readonly NetworkStatusEntry[],
  live: readonly LiveInterface[],
): void {
  const entries = status.filter((e) => e.name === network);
  const onIfaces = ifaces.map((i) => entries.filter((e) => e.interface === i).length);
  if (entries.length !== 2 || onIfaces.some((n) => n !== 1)) {
    throw new ConformanceFailure({
      pod,
      iface: ifaces.join(', '),
      check: `status entries for ${network}, listed twice`,
      expected: `2 entries, on ${ifaces.join(' and ')}`,
      actual: `${entries.length}${entries.length ? ` (on ${entries.map((e) => e.interface ?? '(no interface)').join(', ')})` : ''}`,
    });
  }
  const [a, b] = ifaces.map((i) => assignedIps(assertInterfacePresent(pod, live, i)).sort().join(', ')) as [string, string];
  if (a === '' || b === '' || a === b) {
    throw new ConformanceFailure({
      pod,
      iface: ifaces.join(', '),
      check: 'distinct IPs for the network listed twice',
      expected: 'an address on each, different from each other',
      actual: `${ifaces[0]} ${a || '(none)'}, ${ifaces[1]} ${b || '(none)'}`,
    });
  }
}
