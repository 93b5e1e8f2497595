import type { NodeCapabilities } from '../capabilities/types.ts';
import { MAX_CONCURRENCY } from '../config/settings.ts';

/**
 * How many scenarios run at once when --concurrency is not given: 4 per
 * schedulable (Ready) node, at least 12, at most MAX_CONCURRENCY. Scenarios
 * spend most of their time waiting on the API server and the kubelet (a
 * negative's hold, the kubelet's retry of a failed sandbox, a ping), so a
 * one-node cluster takes more than its 4. Measured on the 2-core testbed,
 * `run --mode non-disruptive`, four alternated rounds: 12 at once 37.3-41.9 s
 * (mean 39.9), 8 at once 42.4-53.3 s (mean 47.5), 16 at once 43.9 and 50.9 s.
 * (Before API requests shared connections, 12 was the slower: 58.3 against
 * 52.0 s; the client's TLS handshakes then kept both cores busy.)
 */
export function defaultConcurrency(nodes: readonly Pick<NodeCapabilities, 'ready'>[]): number {
  const ready = nodes.filter((n) => n.ready).length;
  return Math.min(MAX_CONCURRENCY, Math.max(12, 4 * ready));
}
