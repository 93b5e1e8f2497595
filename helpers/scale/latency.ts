/**
 * Pod-ready latency as kube-burner's podLatency reports it: per pod, the
 * time from its creation timestamp to the lastTransitionTime of its Ready
 * condition; over the pods, the 50th, 95th and 99th percentiles and the
 * maximum. Both timestamps come from the API server, at its one-second
 * resolution, so the figures are whole seconds.
 */

/** The parts of a pod the latency is read from (a V1Pod fits). */
export interface PodTimes {
  metadata?: { name?: string; creationTimestamp?: Date | string };
  status?: { conditions?: Array<{ type: string; status: string; lastTransitionTime?: Date | string }> };
}

export interface ReadyLatency {
  pod: string;
  ms: number;
}

function epochMs(t: Date | string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Each Ready pod's latency; a pod without both timestamps (not Ready) is left out and named in `missing`. */
export function readyLatencies(pods: readonly PodTimes[]): { latencies: ReadyLatency[]; missing: string[] } {
  const latencies: ReadyLatency[] = [];
  const missing: string[] = [];
  for (const p of pods) {
    const name = p.metadata?.name ?? '(unnamed)';
    const created = epochMs(p.metadata?.creationTimestamp);
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
    const at = epochMs(ready?.lastTransitionTime);
    if (created === undefined || at === undefined) missing.push(name);
    else latencies.push({ pod: name, ms: Math.max(0, at - created) });
  }
  return { latencies, missing };
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  avgMs: number;
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(latencies: readonly ReadyLatency[]): LatencySummary | undefined {
  if (latencies.length === 0) return undefined;
  const ms = latencies.map((l) => l.ms).sort((a, b) => a - b);
  return {
    count: ms.length,
    p50Ms: percentile(ms, 50),
    p95Ms: percentile(ms, 95),
    p99Ms: percentile(ms, 99),
    maxMs: ms[ms.length - 1]!,
    avgMs: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length),
  };
}

/** e.g. `ready latency over 100 pods: p50 3s, p95 7s, p99 8s, max 8s`. */
export function describeLatency(s: LatencySummary): string {
  const sec = (ms: number): string => `${Number((ms / 1000).toFixed(1))}s`;
  return `ready latency over ${s.count} pods: p50 ${sec(s.p50Ms)}, p95 ${sec(s.p95Ms)}, p99 ${sec(s.p99Ms)}, max ${sec(s.maxMs)}`;
}
