import type { NodeCapabilities } from '../capabilities/types.ts';
import { MAX_CONCURRENCY } from '../config/settings.ts';

/**
 * How many scenarios run at once when --concurrency is not given: 4 per
 * schedulable (Ready) node, at least 8, at most MAX_CONCURRENCY. Scenarios
 * spend most of their time waiting on the API server and the kubelet; each
 * keeps at most a few pods starting at a time, so a node takes four of them
 * without its pod start-up slowing down (measured on the 2-core testbed:
 * npm run bench). A floor of 8 keeps a one-node cluster busy.
 */
export function defaultConcurrency(nodes: readonly Pick<NodeCapabilities, 'ready'>[]): number {
  const ready = nodes.filter((n) => n.ready).length;
  return Math.min(MAX_CONCURRENCY, Math.max(8, 4 * ready));
}
