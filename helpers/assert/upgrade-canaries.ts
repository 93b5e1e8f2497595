import { ConformanceFailure } from '../errors.ts';
import type { LiveInterface } from '../parse/live-network.ts';
import type { NetworkStatusEntry } from '../parse/network-status.ts';
import type { LossWindow } from '../upgrade/probe-log.ts';

/**
 * The checks of `upgrade verify` (issue 9, item 3): canaries that survived
 * the upgrade kept their attachment, canaries that were (re)created got
 * theirs, and the probe between them kept within the allowed gap.
 */

export interface RecordedAttachment {
  iface: string;
  addresses: readonly string[];
  mac: string;
  /** The network-status entry of that interface at prepare time. */
  entry: NetworkStatusEntry | undefined;
}

const list = (xs: readonly string[] | undefined): string => (xs && xs.length > 0 ? [...xs].sort().join(', ') : '(none)');
const v4 = (i: LiveInterface | undefined): string[] => (i?.addresses ?? []).filter((a) => a.family === 'inet').map((a) => a.address);
const names = (live: readonly LiveInterface[]): string => live.map((i) => i.name).join(', ') || '(no interfaces)';

/**
 * A canary with the same UID as at prepare time: its secondary interface is
 * still there inside the pod with the same addresses and MAC, and its
 * network-status entry is unchanged (same network, IPs and MAC).
 */
export function assertCanaryKept(pod: string, recorded: RecordedAttachment, status: readonly NetworkStatusEntry[], live: readonly LiveInterface[]): void {
  const iface = recorded.iface;
  const link = live.find((i) => i.name === iface);
  const wanted = `${iface} with ${list(recorded.addresses)}, MAC ${recorded.mac}`;
  if (!link) throw new ConformanceFailure({ pod, iface, check: 'interface kept through the upgrade', expected: wanted, actual: `no ${iface} (interfaces: ${names(live)})` });
  if (list(v4(link)) !== list(recorded.addresses) || (link.mac ?? '(none)') !== recorded.mac) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: 'addresses and MAC kept through the upgrade',
      expected: `${list(recorded.addresses)}, MAC ${recorded.mac}`,
      actual: `${list(v4(link))}, MAC ${link.mac ?? '(none)'}`,
    });
  }
  const before = recorded.entry;
  if (!before) return;
  const now = status.find((e) => e.interface === iface);
  const show = (e: NetworkStatusEntry): string => `${e.name}: IPs ${list(e.ips)}, MAC ${e.mac ?? '(none)'}`;
  if (!now) {
    throw new ConformanceFailure({ pod, iface, check: 'network-status entry kept through the upgrade', expected: show(before), actual: 'no entry' });
  }
  if (now.name !== before.name || list(now.ips) !== list(before.ips) || now.mac !== before.mac) {
    throw new ConformanceFailure({ pod, iface, check: 'network-status entry kept through the upgrade', expected: show(before), actual: show(now) });
  }
}

/**
 * A canary that is new since prepare (rescheduled, restarted with a new
 * sandbox) or the pod verify creates after the upgrade: it runs with its
 * secondary interface, announced in network-status with the address and MAC
 * the interface really has. Running without it is the silent failure of
 * multus-cni#1527 and #1387.
 */
export function assertCanaryAttached(pod: string, iface: string, nad: string, status: readonly NetworkStatusEntry[], live: readonly LiveInterface[]): void {
  const link = live.find((i) => i.name === iface);
  if (!link || v4(link).length === 0) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: 'attachment of a pod created or restarted after prepare',
      expected: `${iface} from NAD ${nad} with an IPv4 address`,
      actual: link ? `${iface} without an IPv4 address` : `Running with only ${names(live)}`,
    });
  }
  const entry = status.find((e) => e.interface === iface);
  const matchesNad = (name: string): boolean => name === nad || name.endsWith(`/${nad}`);
  if (!entry || !matchesNad(entry.name)) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: 'network-status of a pod created or restarted after prepare',
      expected: `an entry for ${nad} on ${iface}`,
      actual: entry ? `entry for ${entry.name}` : `no entry for ${iface} (entries: ${status.map((e) => e.interface ?? e.name).join(', ') || '(none)'})`,
    });
  }
  const announced = list((entry.ips ?? []).map((ip) => ip.replace(/\/\d+$/, '')));
  if (announced !== list(v4(link)) || (entry.mac !== undefined && entry.mac !== link.mac)) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: 'network-status agrees with the live interface',
      expected: `${announced}, MAC ${entry.mac ?? '(not announced)'}`,
      actual: `${list(v4(link))}, MAC ${link.mac ?? '(none)'}`,
    });
  }
}

/**
 * The probe of a canary that survived the upgrade: it ran (attempts to
 * every target it was given) and no target that also survived was out of
 * reach longer than `maxGapSeconds`. A probe that never ran is a failure,
 * never "nothing lost".
 */
export function assertProbeWithinGap(
  pod: string,
  iface: string,
  expectedTargets: readonly string[],
  windows: readonly LossWindow[],
  maxGapSeconds: number,
): void {
  const seen = new Set(windows.map((w) => w.target));
  const missing = expectedTargets.filter((t) => !seen.has(t));
  if (missing.length > 0) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: 'probe ran through the upgrade',
      expected: `attempts to ${list(expectedTargets)}`,
      actual: `none to ${list(missing)}`,
    });
  }
  const worst = [...windows].filter((w) => expectedTargets.includes(w.target)).sort((a, b) => b.longestGapSeconds - a.longestGapSeconds)[0];
  if (worst && worst.longestGapSeconds > maxGapSeconds) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: `probe to ${worst.target} through the upgrade`,
      expected: `longest gap ≤ ${maxGapSeconds}s`,
      actual: `${worst.longestGapSeconds}s (${worst.lost} of ${worst.attempts} lost)`,
    });
  }
}
