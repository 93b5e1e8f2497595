import { describeApiLost, readApiLost } from '../helpers/k8s/api-lost.ts';
import { clearRunState, readRunCluster, readTeardown, type RunCluster } from '../helpers/scenario/run-state.ts';
import type { ExitCode } from './errors.ts';
import { decideRun } from './run-outcome.ts';
import { printProblems, runVitest, type VitestRunOptions } from './vitest-run.ts';

export interface ConformanceRunOptions extends VitestRunOptions {
  runId: string;
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
    run.publish(verdict.problems);
    printProblems(verdict.problems);
    if (teardown?.teardownError) printProblems([{ id: 'run/teardown', title: '', kind: 'error', message: `--teardown failed: ${teardown.teardownError}` }]);
    return verdict.code;
  } finally {
    clearRunState(opts.runId);
  }
}

/** The command that removes what a run left, for the cluster the run really used. */
export function cleanupCommand(opts: { runId: string; kubeconfig?: string | undefined; context?: string | undefined }, cluster: RunCluster | undefined): string {
  const kubeconfig = cluster?.kubeconfig ?? opts.kubeconfig;
  const context = cluster ? cluster.context : opts.context;
  return ['multus-conformance cleanup', `--run-id ${opts.runId}`, ...(kubeconfig ? [`--kubeconfig ${kubeconfig}`] : []), ...(context ? [`--context ${context}`] : [])].join(' ');
}
