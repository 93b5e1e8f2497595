import { ConformanceFailure } from '../errors.ts';
import type { LiveInterface } from '../parse/live-network.ts';

/** The interfaces every pod on the cluster network has before any Multus attachment. */
export const BASE_INTERFACES = ['lo', 'eth0'] as const;

function names(live: readonly LiveInterface[]): string {
  return live.length === 0 ? '(none)' : live.map((i) => i.name).join(', ');
}

/**
 * lo, eth0 and every expected secondary name are present. Extra interfaces
 * pass (an SR-IOV VF or a sidecar's tunnel is not ours to judge); order is not
 * checked because ifindex order inside the pod is not creation order.
 */
export function assertInterfaceNames(pod: string, live: readonly LiveInterface[], expected: readonly string[]): void {
  const required = [...BASE_INTERFACES, ...expected];
  const present = new Set(live.map((i) => i.name));
  const missing = required.filter((n) => !present.has(n));
  if (missing.length > 0) {
    throw new ConformanceFailure({
      pod,
      iface: missing.join(', '),
      check: 'interface names',
      expected: required.join(', '),
      actual: `${names(live)} (missing ${missing.join(', ')})`,
    });
  }
}

export function assertInterfacePresent(pod: string, live: readonly LiveInterface[], iface: string): LiveInterface {
  const found = live.find((i) => i.name === iface);
  if (!found) {
    throw new ConformanceFailure({ pod, iface, check: 'interface present', expected: `interface ${iface}`, actual: `interfaces ${names(live)}` });
  }
  return found;
}

/**
 * A pod without any network annotation has exactly lo and eth0: Multus
 * added nothing (no defaultNetworks configured on the suite's clusters).
 */
export function assertOnlyBaseInterfaces(pod: string, live: readonly LiveInterface[]): void {
  const got = live.map((i) => i.name).sort();
  const want: string[] = [...BASE_INTERFACES].sort();
  if (got.join(',') !== want.join(',')) {
    const extra = got.filter((n) => !want.includes(n));
    const missing = want.filter((n) => !got.includes(n));
    throw new ConformanceFailure({
      pod,
      iface: [...extra, ...missing].join(', '),
      check: 'interfaces of a pod without network annotations',
      expected: want.join(', '),
      actual: `${got.join(', ') || '(none)'}${extra.length ? ` (extra ${extra.join(', ')})` : ''}${missing.length ? ` (missing ${missing.join(', ')})` : ''}`,
    });
  }
}
