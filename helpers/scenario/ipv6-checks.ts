import { assertInterfacePresent } from '../assert/interfaces.ts';
import { assertDadSettled, dadPending } from '../assert/ipv6.ts';
import { WaitTimeout, waitFor } from '../k8s/wait.ts';
import type { LiveInterface } from '../parse/live-network.ts';
import type { AttachedPod } from './attached-pod.ts';

/**
 * How long an IPv6 address may stay tentative. The kernel's defaults make DAD
 * take about a second (one probe, RetransTimer 1 s; a link-local address may
 * wait up to another second first); the CNI plugins' IPAM code already waits
 * for its own addresses before ADD returns. The rest is room for a loaded node.
 */
export const DAD_WAIT_MS = 15_000;

/**
 * Re-reads `iface` in the pod (once a second, bounded by DAD_WAIT_MS) until
 * no IPv6 address is in DAD any more, then requires it to have ended well:
 * nothing tentative, nothing dadfailed. Returns the interface as last read.
 */
export async function dadSettled(pod: AttachedPod, iface: string, timeoutMs = DAD_WAIT_MS): Promise<LiveInterface> {
  let last: LiveInterface | undefined;
  try {
    await waitFor(
      `pod ${pod.id}: IPv6 duplicate address detection on ${iface}`,
      async () => {
        last = assertInterfacePresent(pod.id, await pod.interfaces(), iface);
        return dadPending(last) ? { done: false, state: 'tentative address(es)' } : { done: true, value: undefined, state: 'settled' };
      },
      { timeoutMs, intervalMs: 1000 },
    );
  } catch (e) {
    // Still tentative when the time is up: the check names the addresses. Anything else (no read at all) is the error itself.
    if (!(e instanceof WaitTimeout) || last === undefined) throw e;
  }
  assertDadSettled(pod.id, last!);
  return last!;
}
