import { inject } from 'vitest';
import { UsageError } from '../errors.ts';
import type { ClusterInfo } from './cluster-info.ts';
import { awaitProbe } from './probe-handoff.ts';

let current: ClusterInfo | undefined;

/**
 * In a worker, before any scenario is registered: the cluster as the global
 * setup provided it, completed with the node probe's result when the probe
 * was still running then (helpers/scenario/probe-handoff.ts). A setting the
 * probe proved wrong stops the file from loading: no scenario writes
 * anything, and `run` exits 2 with the reason.
 */
export async function prepareCluster(): Promise<ClusterInfo> {
  const base = inject('cluster');
  if (!base.probePending) return (current = base);
  // The probe's own bound, plus the time the setup may still take to write.
  const result = await awaitProbe(base.runId, base.timeouts.probe + 60_000);
  if (result.kind === 'config-error') throw new UsageError(result.message);
  if (result.kind === 'error') throw new Error(result.message);
  current = { ...base, nodes: result.nodes, probePending: false };
  return current;
}

/** The cluster of this run, probe results included (after prepareCluster). */
export function currentCluster(): ClusterInfo {
  return current ?? inject('cluster');
}
