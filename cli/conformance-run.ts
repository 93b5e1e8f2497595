import { describeApiLost, readApiLost } from '../helpers/k8s/api-lost.ts';
import { clearRunState, readPhases, readRunCluster, readSetupEnd, readTeardown, recordPhase, type RunCluster } from '../helpers/scenario/run-state.ts';
import { formatTimings, type TimingsReport } from '../helpers/timing/report.ts';
import { runTimings } from '../helpers/timing/run-phases.ts';
import type { ExitCode } from './errors.ts';
import { decideRun } from './run-outcome.ts';
import { printProblems, runVitest, type VitestRunOptions, type VitestTiming } from './vitest-run.ts';

export interface ConformanceRunOptions extends VitestRunOptions {
  runId: string;
  /** Print the timing breakdown (it always goes into the JSON report). */
  printTimings?: boolean;
  failOnSkip: boolean;
  minPassed?: number | undefined;
  /** As the user gave them; the cleanup command prefers what the global setup recorded. */
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

/**
 * A conformance run from start to exit code: vitest, then what the global
 * setup and teardown recorded in the run's state directory (a lost cluster,
 * leftovers after the sweep), decided by decideRun, reported in the JUnit and
 * JSON files and printed one line each.
 */
export async function conformanceRun(opts: ConformanceRunOptions): Promise<ExitCode> {
  // A reused --run-id must not inherit an earlier run's state (a lost cluster, leftovers).
  clearRunState(opts.runId);
  // From the process start to here: node, tsx and the CLI's own work (settings, selection).
  recordPhase(opts.runId, 'cli start', performance.timeOrigin);
  try {
    const run = await runVitest(opts);
    const teardown = readTeardown(opts.runId);
    const lost = readApiLost(opts.runId);
    const verdict = decideRun({
      ...run.outcome,
      ...(lost ? { clusterLost: describeApiLost(lost) } : {}),
      leftovers: teardown?.leftovers ?? [],
      ...(teardown?.sweepError ? { sweepError: teardown.sweepError } : {}),
      failOnSkip: opts.failOnSkip,
      ...(opts.minPassed === undefined ? {} : { minPassed: opts.minPassed }),
      cleanupCommand: cleanupCommand(opts, readRunCluster(opts.runId)),
    });
    const timings = timingsOf(opts.runId, run.timing);
    run.publish(verdict.problems, { timings });
    printProblems(verdict.problems);
    if (opts.printTimings) process.stdout.write(`${formatTimings(timings)}\n`);
    if (teardown?.teardownError) printProblems([{ id: 'run/teardown', title: '', kind: 'error', message: `--teardown failed: ${teardown.teardownError}` }]);
    return verdict.code;
  } finally {
    clearRunState(opts.runId);
  }
}

/**
 * The run's phases: what the CLI and the global setup and teardown recorded,
 * plus the two that only the test results tell (workers starting and files
 * being collected; the scenarios themselves), and the reporters up to now.
 */
function timingsOf(runId: string, timing: VitestTiming): TimingsReport {
  const spans = readPhases(runId);
  const setupEnd = readSetupEnd(runId);
  if (setupEnd !== undefined && timing.firstStartMs !== undefined) spans.push({ phase: 'workers and collection', startMs: setupEnd, endMs: timing.firstStartMs });
  if (timing.firstStartMs !== undefined && timing.lastEndMs !== undefined) spans.push({ phase: 'scenarios', startMs: timing.firstStartMs, endMs: timing.lastEndMs });
  const sweep = spans.find((s) => s.phase === 'sweep');
  const reportersFrom = sweep?.endMs ?? timing.lastEndMs;
  if (reportersFrom !== undefined) spans.push({ phase: 'reporters', startMs: reportersFrom, endMs: Date.now() });
  return { run: runTimings(spans, performance.timeOrigin), scenarios: timing.scenarios };
}

/** The command that removes what a run left, for the cluster the run really used. */
export function cleanupCommand(opts: { runId: string; kubeconfig?: string | undefined; context?: string | undefined }, cluster: RunCluster | undefined): string {
  const kubeconfig = cluster?.kubeconfig ?? opts.kubeconfig;
  const context = cluster ? cluster.context : opts.context;
  return ['multus-conformance cleanup', `--run-id ${opts.runId}`, ...(kubeconfig ? [`--kubeconfig ${kubeconfig}`] : []), ...(context ? [`--context ${context}`] : [])].join(' ');
}
