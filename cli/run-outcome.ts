import type { RunProblem } from '../helpers/report/run-problems.ts';
import { EXIT, type ExitCode } from './errors.ts';

/** Everything a run's exit code depends on, gathered after vitest has closed. */
export interface RunFacts {
  passed: number;
  /** Failed cases; known failures (accepted by --known-failures) are not in here. */
  failed: number;
  /** Failures the known-failures list accepts: they ran, and do not fail the run. */
  known?: number;
  skipped: number;
  /** Test files that failed to load or collect. */
  moduleErrors: number;
  /** The global setup threw: no scenario ran. `usage`: bad input or an unreachable cluster (UsageError, ClusterAccessError). */
  setupError?: { usage: boolean; message: string; type: string };
  /** Errors outside any scenario after setup (vitest's unhandled errors). */
  lateErrors: ReadonlyArray<{ usage: boolean; message: string; type: string }>;
  /** Ctrl-C. */
  interrupted: boolean;
  /** Test files stopped for making no progress, one line each (stall-watch.ts). */
  stalls?: readonly string[];
  /** The heartbeat called the cluster lost (one line, see api-lost.ts). */
  clusterLost?: string;
  /** Namespaces still there after the end-of-run sweep and its bounded wait. */
  leftovers: readonly string[];
  /** The sweep itself could not run to the end (one line). */
  sweepError?: string;
  /** `--fail-on-skip`. */
  failOnSkip: boolean;
  /** `--min-passed N`. */
  minPassed?: number;
  /** The command that removes what this run left, when it may have left something. */
  cleanupCommand: string;
  /** `--baseline`: the cases that regressed against it (one short line each), when the comparison was made. */
  baseline?: { file: string; regressions: readonly string[] };
}

export interface RunVerdict {
  code: ExitCode;
  /** Every run-level problem, printed one line each and added to the reports; the first one decided the code. */
  problems: RunProblem[];
}

/**
 * The documented exit codes, decided in this order (the first that applies wins):
 *
 * 2 — the setup rejected the input or could not reach the cluster; or the
 *     cluster was lost during the run (its failures are that loss's echo).
 * 1 — a scenario failed (known failures do not count), a file failed to
 *     load or stalled, an unexpected error, Ctrl-C; namespaces left after the sweep; a
 *     regression against `--baseline` (pass→fail, pass→skip, a case that
 *     ran before and is gone), like a failed scenario.
 * 2 — a late usage or cluster-access error with none of the above: a failed
 *     scenario outranks it.
 * 1 — nothing ran (every scenario skipped): "passed" would claim checks that
 *     never happened, and 2 would blame the input when the reason is usually the
 *     cluster (no SR-IOV, a kernel without ipvlan); `--fail-on-skip` with a skip
 *     (a known failure is not a skip); fewer than `--min-passed` passed.
 * 0 — otherwise: everything that ran passed (skips allowed).
 */
export function decideRun(f: RunFacts): RunVerdict {
  const problems: RunProblem[] = [];
  const codes: ExitCode[] = [];
  const add = (code: ExitCode, p: RunProblem): void => {
    codes.push(code);
    problems.push(p);
  };

  if (f.clusterLost) {
    add(EXIT.usage, {
      id: 'run/cluster',
      title: 'the API server answers throughout the run',
      kind: 'error',
      type: 'ClusterLost',
      message: `lost the cluster: ${f.clusterLost}; no scenario was started after that. When it is back: ${f.cleanupCommand}`,
    });
  }
  // A setup cut short by the loss says nothing the loss does not say already.
  if (f.setupError && !(f.clusterLost && f.setupError.type === 'ClusterLost')) {
    add(f.setupError.usage ? EXIT.usage : EXIT.failed, {
      id: 'run/setup',
      title: 'the cluster, Multus and the node probes are ready',
      kind: 'error',
      type: f.setupError.type,
      message: f.setupError.message,
    });
  }
  const failedScenarios = f.failed + f.moduleErrors;
  const otherLate = f.lateErrors.filter((e) => !e.usage);
  const stalls = f.stalls ?? [];
  if (!f.clusterLost && !f.setupError && (failedScenarios > 0 || otherLate.length > 0 || f.interrupted)) codes.push(EXIT.failed);
  for (const message of stalls) add(EXIT.failed, { id: 'run/stalled', title: 'every test file runs to its end', kind: 'error', type: 'Stalled', message });
  for (const e of otherLate) add(EXIT.failed, { id: 'run/errors', title: 'no error outside the scenarios', kind: 'error', type: e.type, message: e.message });
  if (f.leftovers.length > 0) {
    add(EXIT.failed, {
      id: 'run/cleanup',
      title: 'everything the run created is gone after it',
      kind: 'failure',
      message: `still there after the sweep: ${f.leftovers.join(', ')}; remove them with: ${f.cleanupCommand}`,
    });
  }
  if (f.baseline && f.baseline.regressions.length > 0) {
    const shown = f.baseline.regressions.slice(0, 5).join(', ');
    const more = f.baseline.regressions.length > 5 ? ` and ${f.baseline.regressions.length - 5} more` : '';
    add(EXIT.failed, {
      id: 'run/baseline',
      title: 'no regression against the baseline (--baseline)',
      kind: 'failure',
      message: `${f.baseline.regressions.length} regression(s) against the baseline ${f.baseline.file}: ${shown}${more}`,
    });
  }
  for (const e of f.lateErrors.filter((x) => x.usage)) {
    add(EXIT.usage, { id: 'run/errors', title: 'no error outside the scenarios', kind: 'error', type: e.type, message: e.message });
  }
  if (f.sweepError) {
    add(EXIT.usage, {
      id: 'run/cleanup',
      title: 'everything the run created is gone after it',
      kind: 'error',
      message: `the end-of-run sweep failed: ${f.sweepError}; when the cluster answers: ${f.cleanupCommand}`,
    });
  }
  const ran = f.passed + f.failed + (f.known ?? 0);
  if (!f.setupError && !f.clusterLost && !f.interrupted && stalls.length === 0) {
    if (ran === 0 && f.moduleErrors === 0) {
      add(EXIT.failed, {
        id: 'run/coverage',
        title: 'at least one scenario ran',
        kind: 'failure',
        message: `no scenario ran: all ${f.skipped} selected were skipped (reasons above); a run that checked nothing does not pass`,
      });
    } else {
      if (f.failOnSkip && f.skipped > 0) {
        add(EXIT.failed, { id: 'run/coverage', title: 'no scenario skipped (--fail-on-skip)', kind: 'failure', message: `--fail-on-skip: ${f.skipped} scenario(s) skipped` });
      }
      if (f.minPassed !== undefined && f.passed < f.minPassed) {
        add(EXIT.failed, {
          id: 'run/coverage',
          title: `at least ${f.minPassed} scenario(s) passed (--min-passed)`,
          kind: 'failure',
          message: `--min-passed ${f.minPassed}: ${f.passed} passed`,
        });
      }
    }
  }
  // The first code recorded is the one the order above gives; a failure (1) recorded
  // before a late usage error (2) keeps the run at 1.
  return { code: codes[0] ?? EXIT.ok, problems };
}
