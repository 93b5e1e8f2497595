import { describe, expect, it } from 'vitest';
import { describeLatency, percentile, readyLatencies, summarize } from '../../helpers/scale/latency.ts';
import { recordedPod } from './recorded-events.ts';

describe('readyLatencies', () => {
  it('is creation timestamp to Ready transition, on a pod recorded on the testbed', () => {
    // running.json: created 03:19:26Z, Ready 03:19:27Z.
    expect(readyLatencies([recordedPod('running')])).toEqual({ latencies: [{ pod: 'plain', ms: 1000 }], missing: [] });
  });

  it('leaves out, and names, a pod that is not Ready', () => {
    const pending = recordedPod('pending-sandbox-failed');
    const { latencies, missing } = readyLatencies([recordedPod('running'), pending]);
    expect(latencies).toHaveLength(1);
    expect(missing).toEqual([pending.metadata!.name]);
  });

  it('reads Date objects as the client returns them', () => {
    const pod = { metadata: { name: 'p', creationTimestamp: new Date('2026-01-01T00:00:00Z') }, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date('2026-01-01T00:00:07Z') }] } };
    expect(readyLatencies([pod]).latencies).toEqual([{ pod: 'p', ms: 7000 }]);
  });
});

describe('percentiles', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => (i + 1) * 1000);

  it('are nearest-rank', () => {
    expect(percentile(hundred, 50)).toBe(50_000);
    expect(percentile(hundred, 95)).toBe(95_000);
    expect(percentile(hundred, 99)).toBe(99_000);
    expect(percentile([3000], 99)).toBe(3000);
    expect(percentile([1000, 2000, 3000, 4000], 50)).toBe(2000);
    expect(() => percentile([], 50)).toThrow('percentile of no values');
  });

  it('summarize p50, p95, p99, max and mean, and say so in one line', () => {
    const s = summarize(hundred.map((ms, i) => ({ pod: `p${i}`, ms })).reverse())!;
    expect(s).toEqual({ count: 100, p50Ms: 50_000, p95Ms: 95_000, p99Ms: 99_000, maxMs: 100_000, avgMs: 50_500 });
    expect(describeLatency(s)).toBe('ready latency over 100 pods: p50 50s, p95 95s, p99 99s, max 100s');
    expect(summarize([])).toBeUndefined();
  });
});
