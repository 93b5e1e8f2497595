import { ConformanceFailure } from '../errors.ts';
import type { LiveInterface } from '../parse/live-network.ts';
import type { NetworkStatusEntry } from '../parse/network-status.ts';

const ips = (e: NetworkStatusEntry | undefined): string => (e?.ips?.length ? [...e.ips].sort().join(', ') : '(none)');
const mac = (e: NetworkStatusEntry | undefined): string => e?.mac ?? '(none)';

/**
 * A running pod's network-status is unchanged across a Multus restart: the
 * same interfaces, each with the same IPs and MAC. Multus must not rewrite or
 * lose the attachments of pods it already set up.
 */
export function assertStatusUnchanged(pod: string, before: readonly NetworkStatusEntry[], after: readonly NetworkStatusEntry[]): void {
  const key = (e: NetworkStatusEntry): string => e.interface ?? `(network ${e.name})`;
  const was = new Map(before.map((e) => [key(e), e]));
  const now = new Map(after.map((e) => [key(e), e]));
  for (const [iface, b] of was) {
    const a = now.get(iface);
    const check = 'network-status entry unchanged across a Multus restart';
    if (!a) throw new ConformanceFailure({ pod, iface, check, expected: `entry for ${b.name} with IPs ${ips(b)}`, actual: 'no entry' });
    if (ips(a) !== ips(b) || mac(a) !== mac(b) || a.name !== b.name) {
      throw new ConformanceFailure({
        pod,
        iface,
        check,
        expected: `${b.name}: IPs ${ips(b)}, MAC ${mac(b)}`,
        actual: `${a.name}: IPs ${ips(a)}, MAC ${mac(a)}`,
      });
    }
  }
  for (const [iface, a] of now) {
    if (!was.has(iface)) {
      throw new ConformanceFailure({
        pod,
        iface,
        check: 'network-status entry unchanged across a Multus restart',
        expected: `no entry (interfaces before: ${[...was.keys()].join(', ') || '(none)'})`,
        actual: `new entry ${a.name} with IPs ${ips(a)}`,
      });
    }
  }
}

/**
 * A pod created while Multus restarts runs with its secondary interface, or
 * does not run at all; Running without it is the silent failure of
 * multus-cni#1527 (the thick daemon deletes its config on exit, so the
 * runtime falls back to the primary network alone).
 */
export function assertAttachedAfterRestart(pod: string, live: readonly LiveInterface[], iface: string): void {
  if (!live.some((i) => i.name === iface)) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: 'pod created during a Multus restart',
      expected: `${iface} attached (or the pod not running)`,
      actual: `Running with only ${live.map((i) => i.name).join(', ') || '(no interfaces)'}`,
    });
  }
}
