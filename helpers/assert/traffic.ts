import { ConformanceFailure } from '../errors.ts';

export interface PingResult {
  ok: boolean;
  /** ping's own output (stdout and stderr). */
  output: string;
}

/** The last lines of ping's output: the statistics, or the error. */
function summary(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.slice(-2).join(' | ') || 'no output';
}

/**
 * A bounded ping got replies. The failure names the pod that pinged, the
 * interface it pinged out of and the peer (pod or host) with its address.
 */
export function assertPingReplied(from: string, iface: string, to: { name: string; address: string }, result: PingResult): void {
  if (!result.ok) {
    throw new ConformanceFailure({
      pod: from,
      iface,
      check: `ping ${to.name} at ${to.address} over ${iface}`,
      expected: 'replies',
      actual: summary(result.output),
    });
  }
}

/**
 * The external host on the segment pinged the pod: here the pod is the
 * target, so it is the one named, with the host as the sender.
 */
export function assertReachedBy(pod: string, iface: string, address: string, from: string, result: PingResult): void {
  if (!result.ok) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: `${from} pings ${pod} at ${address} (${iface})`,
      expected: 'replies',
      actual: summary(result.output),
    });
  }
}
