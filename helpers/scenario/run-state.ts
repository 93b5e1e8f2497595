import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runStateDir, writeStateFile } from '../k8s/api-lost.ts';
import type { PhaseSpan, RunPhase } from '../timing/run-phases.ts';

/**
 * What the global setup and teardown (in vitest) tell the `run` command
 * (outside it) about the run, through the run's state directory: which
 * cluster it used (for the `cleanup` command it prints), and how the
 * end-of-run sweep went. The teardown reports here instead of throwing: an
 * error thrown there reaches the user as vitest's "error during close" with
 * a stack trace and no exit code of its own.
 */
export interface RunCluster {
  kubeconfig: string;
  context?: string;
}

export interface TeardownRecord {
  /** What holds a namespace after the sweep's bounded wait: `namespace/<name>` not terminating, `pod/<ns>/<name>`. */
  leftovers: string[];
  /** The run's namespaces terminating with no pod left: the namespace controller removes them. */
  terminating?: string[];
  /** The sweep could not finish (one line). */
  sweepError?: string;
  /** Why the sweep did not run (the cluster was lost, --keep). */
  sweepSkipped?: string;
  /** `--teardown` failed (one line). */
  teardownError?: string;
}

const CLUSTER = 'cluster.json';
const PHASES = 'phases.jsonl';
const TEARDOWN = 'teardown.json';

export function recordRunCluster(runId: string, cluster: RunCluster): void {
  writeStateFile(runId, CLUSTER, cluster);
}

export function recordTeardown(runId: string, record: TeardownRecord): void {
  writeStateFile(runId, TEARDOWN, record);
}

export function readRunCluster(runId: string): RunCluster | undefined {
  return readJson<RunCluster>(runId, CLUSTER);
}

export function readTeardown(runId: string): TeardownRecord | undefined {
  return readJson<TeardownRecord>(runId, TEARDOWN);
}

/** Adds one phase of the run (`--timings`); lines are appended whole, from any process of the run. */
export function recordPhase(runId: string, phase: RunPhase, startMs: number, endMs = Date.now()): void {
  const dir = runStateDir(runId);
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, PHASES), `${JSON.stringify({ phase, startMs, endMs } satisfies PhaseSpan)}\n`);
}

/** Runs `fn` and records it as `phase`, whether it resolves or throws. */
export async function timedPhase<T>(runId: string, phase: RunPhase, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    recordPhase(runId, phase, start);
  }
}

const SETUP_END = 'setup-end.json';

/** When the global setup handed over to the workers: the start of 'workers and collection'. */
export function recordSetupEnd(runId: string, at = Date.now()): void {
  writeStateFile(runId, SETUP_END, { at });
}

export function readSetupEnd(runId: string): number | undefined {
  return readJson<{ at: number }>(runId, SETUP_END)?.at;
}

export function readPhases(runId: string): PhaseSpan[] {
  try {
    return readFileSync(join(runStateDir(runId), PHASES), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as PhaseSpan);
  } catch {
    return [];
  }
}

/** Removes the run's state directory (before a run, in case a run id is reused, and after it). */
export function clearRunState(runId: string): void {
  rmSync(runStateDir(runId), { recursive: true, force: true });
}

function readJson<T>(runId: string, name: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(runStateDir(runId), name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}
