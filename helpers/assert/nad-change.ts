import { ConformanceFailure } from '../errors.ts';
import { parseIpMaybeCidr } from '../parse/ip-address.ts';
import type { LiveInterface } from '../parse/live-network.ts';
import type { NetworkStatusEntry } from '../parse/network-status.ts';
import { assignedIps } from './addresses.ts';

/** What a running attachment is: its addresses (by value, sorted) and MTU. */
export interface AttachmentFacts {
  ips: string[];
  mtu: number;
}

export function attachmentFacts(link: LiveInterface): AttachmentFacts {
  return { ips: assignedIps(link).map((ip) => parseIpMaybeCidr(ip)?.text ?? ip).sort(), mtu: link.mtu };
}

const text = (f: AttachmentFacts): string => `addresses ${f.ips.join(', ') || '(none)'}, MTU ${f.mtu}`;

/**
 * A pod that ran when its NAD was edited keeps the attachment it got: the
 * same addresses and MTU (Multus reads the NAD at CNI ADD only; nothing
 * re-applies a running pod's networks).
 */
export function assertAttachmentKept(pod: string, iface: string, before: AttachmentFacts, after: AttachmentFacts): void {
  if (text(before) === text(after)) return;
  throw new ConformanceFailure({
    pod,
    iface,
    check: 'a running pod keeps its attachment when its NAD is edited',
    expected: `${text(before)} (as before the edit)`,
    actual: text(after),
  });
}

/**
 * The network-status entry of a running pod still says what it said before
 * the NAD was edited (its addresses and MAC, on the same interface): the
 * annotation is written at CNI ADD and must not follow the NAD.
 */
export function assertStatusKept(pod: string, iface: string, before: readonly NetworkStatusEntry[], after: readonly NetworkStatusEntry[]): void {
  const of = (entries: readonly NetworkStatusEntry[]): string => {
    const e = entries.find((x) => x.interface === iface);
    if (!e) return '(no entry)';
    const ips = (e.ips ?? []).map((ip) => parseIpMaybeCidr(ip)?.text ?? ip).sort();
    return `${e.name}: ips ${ips.join(', ') || '(none)'}, mac ${e.mac ?? '(none)'}`;
  };
  const was = of(before);
  const now = of(after);
  if (was === now) return;
  throw new ConformanceFailure({
    pod,
    iface,
    check: 'network-status entry of a running pod after its NAD was edited',
    expected: `${was} (as before the edit)`,
    actual: now,
  });
}
