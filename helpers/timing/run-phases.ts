/**
 * The phases of a whole `run`, from the process starting to the reports being
 * written. Each is a span of wall-clock time (epoch milliseconds: the CLI,
 * vitest's global setup and its teardown are separate module instances, some
 * in another process, so they agree on the clock only).
 */
/** Set by `run` just before vitest starts (epoch ms), so the global setup can time vitest's own start. */
export const VITEST_START_ENV = 'MC_VITEST_START';

export const RUN_PHASES = [
  'cli start',
  'provider and testbed check',
  'Multus detect/install',
  'capability probe',
  'vitest start',
  'workers and collection',
  'scenarios',
  'sweep',
  'reporters',
] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

export interface PhaseSpan {
  phase: RunPhase;
  startMs: number;
  endMs: number;
}

export interface RunTimings {
  /** The phases in order, each once at most. */
  phases: Array<{ phase: RunPhase; ms: number }>;
  /** From the process start to the last phase's end. */
  totalMs: number;
}

/** Orders the recorded spans, keeps the last of each phase, and measures the whole from the process start. */
export function runTimings(spans: readonly PhaseSpan[], processStartMs: number): RunTimings {
  const last = new Map<RunPhase, PhaseSpan>();
  for (const s of spans) last.set(s.phase, s);
  const phases = RUN_PHASES.flatMap((phase) => {
    const s = last.get(phase);
    return s ? [{ phase, ms: Math.max(0, Math.round(s.endMs - s.startMs)) }] : [];
  });
  const end = Math.max(processStartMs, ...spans.map((s) => s.endMs));
  return { phases, totalMs: Math.round(end - processStartMs) };
}
