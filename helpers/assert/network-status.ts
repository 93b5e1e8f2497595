import { ConformanceFailure } from '../errors.ts';
import { isIpv6LinkLocal, parseIpMaybeCidr } from '../parse/ip-address.ts';
import type { LiveInterface } from '../parse/live-network.ts';
import type { NetworkStatusEntry } from '../parse/network-status.ts';

const NAMESPACED_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function label(e: NetworkStatusEntry, index?: number): string {
  const at = index === undefined ? '' : `entry ${index} `;
  return `${at}${JSON.stringify(e.name)} on ${e.interface ?? '(no interface)'}`;
}

function entriesText(entries: readonly NetworkStatusEntry[]): string {
  return entries.length === 0 ? '(no entries)' : entries.map((e, i) => label(e, i)).join(', ');
}

/**
 * Exactly one `default: true` entry (§5.2), each other entry named
 * `namespace/name` (§5.3.1), interface names unique. Multus names the
 * default entry after the cluster network's delegate ("", "cbr0",
 * "antrea"…), so its name is checked only with `strict`.
 */
export function assertStatusShape(pod: string, entries: readonly NetworkStatusEntry[], opts: { strict: boolean }): void {
  const defaults = entries.flatMap((e, i) => (e.default === true ? [{ e, i }] : []));
  if (defaults.length !== 1) {
    const ifaces = defaults.map(({ e }) => e.interface).filter((n): n is string => n !== undefined);
    throw new ConformanceFailure({
      pod,
      ...(ifaces.length > 0 ? { iface: ifaces.join(', ') } : {}),
      check: 'network-status default entries (§5.2)',
      expected: 'exactly one entry with "default": true',
      actual:
        defaults.length === 0
          ? `0, among ${entriesText(entries)}`
          : `${defaults.length}: ${defaults.map(({ e, i }) => label(e, i)).join(', ')}`,
    });
  }
  entries.forEach((e, i) => {
    const isDefault = e.default === true;
    if (isDefault && !opts.strict) return;
    if (!NAMESPACED_NAME.test(e.name)) {
      throw new ConformanceFailure({
        pod,
        ...(e.interface !== undefined ? { iface: e.interface } : {}),
        check: `network-status ${isDefault ? 'default entry ' : ''}name (§5.3.1${isDefault ? ', strict' : ''})`,
        expected: 'namespace/name',
        actual: `${JSON.stringify(e.name)} (entry ${i})`,
      });
    }
  });
  if (opts.strict) {
    entries.forEach((e, i) => {
      const bad = (e.gateway ?? []).find((g) => parseIpMaybeCidr(g) === undefined);
      if (bad !== undefined) {
        throw new ConformanceFailure({
          pod,
          ...(e.interface !== undefined ? { iface: e.interface } : {}),
          check: 'network-status gateway entries are IP addresses (strict)',
          expected: 'IP addresses or no "gateway" key',
          actual: `${JSON.stringify(bad)} (entry ${i})`,
        });
      }
    });
  }
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.interface === undefined) return;
    const first = seen.get(e.interface);
    if (first !== undefined) {
      throw new ConformanceFailure({
        pod,
        iface: e.interface,
        check: 'network-status interface names unique (§4.2.1)',
        expected: `one entry for ${e.interface}`,
        actual: `entries ${first} and ${i}: ${label(entries[first]!)} and ${label(e)}`,
      });
    }
    seen.set(e.interface, i);
  });
}

/** IPs compared by value, IPv6 link-local left out (every IPv6 link has one and no IPAM reports it). */
function comparableIps(ips: readonly string[]): string[] {
  const out = new Set<string>();
  for (const ip of ips) {
    const p = parseIpMaybeCidr(ip);
    if (!p) out.add(ip);
    else if (!isIpv6LinkLocal(p)) out.add(p.text);
  }
  return [...out].sort();
}

/**
 * The annotation tells the truth: each entry's interface exists in the pod
 * with the same IPs (prefix length and order ignored), MAC and MTU, and
 * every interface in the pod other than lo has an entry.
 */
export function assertStatusMatchesLive(
  pod: string,
  entries: readonly NetworkStatusEntry[],
  live: readonly LiveInterface[],
): void {
  const liveNames = live.map((i) => i.name).join(', ');
  for (const e of entries) {
    if (e.interface === undefined) continue;
    const iface = live.find((i) => i.name === e.interface);
    if (!iface) {
      throw new ConformanceFailure({
        pod,
        iface: e.interface,
        check: 'network-status interface exists in the pod',
        expected: `interface ${e.interface} (entry ${JSON.stringify(e.name)})`,
        actual: `interfaces ${liveNames}`,
      });
    }
    const statusIps = comparableIps(e.ips ?? []);
    const liveIps = comparableIps(iface.addresses.map((a) => a.address));
    if (statusIps.join(',') !== liveIps.join(',')) {
      throw new ConformanceFailure({
        pod,
        iface: e.interface,
        check: 'network-status ips match the interface',
        expected: `${statusIps.join(', ') || '(none)'} (network-status)`,
        actual: `${liveIps.join(', ') || '(none)'} (inside the pod)`,
      });
    }
    if (e.mac !== undefined && e.mac.toLowerCase() !== iface.mac?.toLowerCase()) {
      throw new ConformanceFailure({
        pod,
        iface: e.interface,
        check: 'network-status mac matches the interface',
        expected: `${e.mac.toLowerCase()} (network-status)`,
        actual: `${iface.mac ?? 'no MAC'} (inside the pod)`,
      });
    }
    if (e.mtu !== undefined && e.mtu !== iface.mtu) {
      throw new ConformanceFailure({
        pod,
        iface: e.interface,
        check: 'network-status mtu matches the interface',
        expected: `${e.mtu} (network-status)`,
        actual: `${iface.mtu} (inside the pod)`,
      });
    }
  }
  const listed = new Set(entries.map((e) => e.interface));
  for (const iface of live) {
    if (iface.name === 'lo' || listed.has(iface.name)) continue;
    throw new ConformanceFailure({
      pod,
      iface: iface.name,
      check: 'interface listed in network-status',
      expected: `an entry for ${iface.name}`,
      actual: `entries ${entriesText(entries)}`,
    });
  }
}

export interface ExpectedAttachment {
  /** namespace/name of the NAD. */
  name: string;
  interface: string;
}

/**
 * The non-default entries are exactly the expected attachments (order
 * ignored; the same NAD twice must appear twice).
 */
export function assertStatusNetworks(
  pod: string,
  entries: readonly NetworkStatusEntry[],
  expected: readonly ExpectedAttachment[],
): void {
  const others = entries.filter((e) => e.default !== true);
  const remaining = [...others];
  for (const want of expected) {
    const k = remaining.findIndex((e) => e.name === want.name && e.interface === want.interface);
    if (k < 0) {
      throw new ConformanceFailure({
        pod,
        iface: want.interface,
        check: 'network-status lists the attachment',
        expected: `${JSON.stringify(want.name)} on ${want.interface}`,
        actual: `non-default entries ${entriesText(others)}`,
      });
    }
    remaining.splice(k, 1);
  }
  const extra = remaining[0];
  if (extra) {
    throw new ConformanceFailure({
      pod,
      ...(extra.interface !== undefined ? { iface: extra.interface } : {}),
      check: 'network-status lists only the requested attachments',
      expected: expected.map((w) => `${JSON.stringify(w.name)} on ${w.interface}`).join(', ') || '(none)',
      actual: `also ${label(extra)}`,
    });
  }
}
