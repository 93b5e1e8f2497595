import { ConformanceFailure } from '../errors.ts';
import type { LiveInterface } from '../parse/live-network.ts';

/**
 * operstate UP passes. UNKNOWN passes only with the LOWER_UP flag: the kernel
 * says UNKNOWN for drivers that do not track operstate, and busybox builds
 * without IFF_DORMANT print no state at all (parsed as UNKNOWN), so the
 * carrier flag is then the only evidence. LOWER_UP is set only while the
 * device runs and has carrier, so a down link or a down master still fails.
 */
export function assertOperUp(pod: string, live: LiveInterface): void {
  const up = live.operstate === 'UP' || (live.operstate === 'UNKNOWN' && live.flags.includes('LOWER_UP'));
  if (!up) {
    throw new ConformanceFailure({
      pod,
      iface: live.name,
      check: 'link state',
      expected: 'operstate UP (or UNKNOWN with LOWER_UP)',
      actual: `operstate ${live.operstate}, flags <${live.flags.join(',')}>`,
    });
  }
}

export function assertMac(pod: string, live: LiveInterface, expected: string): void {
  if (live.mac === undefined || live.mac.toLowerCase() !== expected.toLowerCase()) {
    throw new ConformanceFailure({
      pod,
      iface: live.name,
      check: 'MAC address',
      expected: expected.toLowerCase(),
      actual: live.mac ?? 'no MAC address',
    });
  }
}

export function assertMtu(pod: string, live: LiveInterface, expected: number): void {
  if (live.mtu !== expected) {
    throw new ConformanceFailure({ pod, iface: live.name, check: 'MTU', expected: String(expected), actual: String(live.mtu) });
  }
}

/**
 * The link the plugin really created (macvlan bridge, ipvlan l2…). Needs
 * `ip -d` output from iproute2: busybox cannot tell, and that fails rather
 * than passing unchecked.
 */
export function assertLinkKind(pod: string, live: LiveInterface, kind: string, mode?: string): void {
  const want = mode === undefined ? kind : `${kind} mode ${mode}`;
  if (live.kind === undefined) {
    throw new ConformanceFailure({
      pod,
      iface: live.name,
      check: 'link kind',
      expected: want,
      actual: 'unknown (needs `ip -j -d addr` from iproute2 in the pod; busybox ip does not report it)',
    });
  }
  const got = live.mode === undefined ? live.kind : `${live.kind} mode ${live.mode}`;
  if (live.kind !== kind || (mode !== undefined && live.mode !== mode)) {
    throw new ConformanceFailure({ pod, iface: live.name, check: 'link kind', expected: want, actual: got });
  }
}
