import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TestModule, TestRunResult } from 'vitest/node';
import { postProcessReports } from '../helpers/report/post-process.ts';
import { redact } from '../helpers/report/redact.ts';
import { SummaryReporter } from '../helpers/report/summary-reporter.ts';
import { EXIT, isUsageError, printErrorLine, type ExitCode } from './errors.ts';
import { REPO_ROOT, VITEST_CONFIG } from './paths.ts';

export interface VitestRunOptions {
  /** Vitest projects to run (names from vitest.config.ts). */
  projects: string[];
  junitFile: string;
  jsonFile: string;
  /** Bound on test files in parallel and on concurrent tests per file. */
  concurrency?: number;
  /** Per-test timeout. */
  timeoutSeconds?: number;
  showProject?: boolean;
  /** Test file filters (paths relative to the root); all files of the projects when absent. */
  files?: string[];
  /** Another root and config than the repository's (the CLI's own tests use this). */
  root?: string;
  configFile?: string;
}

/**
 * Runs vitest in this process with the junit, json and summary reporters and
 * turns the outcome into an exit code: 0 all passed (skips allowed), 1 a test
 * failed or errored, 2 the global setup rejected the input or could not reach
 * the cluster (UsageError / ClusterAccessError, printed as one line).
 *
 * `createVitest` + `start` instead of `startVitest`: startVitest catches a
 * failing global setup itself and prints it with its full stack, leaving no
 * way to tell a usage error from a failed run.
 */
export async function runVitest(opts: VitestRunOptions): Promise<ExitCode> {
  const { createVitest } = await import('vitest/node');
  for (const file of [opts.junitFile, opts.jsonFile]) mkdirSync(dirname(file), { recursive: true });
  const summary = new SummaryReporter({
    reportFiles: { JUnit: opts.junitFile, JSON: opts.jsonFile },
    showProject: opts.showProject ?? false,
  });
  const signalsBefore = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const vitest = await createVitest('test', {
    root: opts.root ?? REPO_ROOT,
    config: opts.configFile ?? VITEST_CONFIG,
    project: opts.projects,
    watch: false,
    reporters: [['junit', { outputFile: opts.junitFile }], ['json', { outputFile: opts.jsonFile }], summary],
    ...(opts.concurrency === undefined ? {} : { maxWorkers: opts.concurrency, maxConcurrency: opts.concurrency }),
    ...(opts.timeoutSeconds === undefined ? {} : { testTimeout: opts.timeoutSeconds * 1000 }),
  });
  if (opts.concurrency !== undefined) {
    // Inline projects do not inherit the root's maxConcurrency.
    for (const project of vitest.projects) project.config.maxConcurrency = opts.concurrency;
  }

  // Vitest's logger exits the process on SIGINT/SIGTERM, which would skip the
  // global teardown and leave the run's namespaces behind; ours cancels instead.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!signalsBefore.has(listener)) process.off(signal, listener);
  }
  const interrupt = interruptHandler(() => vitest.cancelCurrentRun('keyboard-input'));
  let result: TestRunResult | undefined;
  let failure: unknown;
  try {
    result = await vitest.start(opts.files);
  } catch (e) {
    failure = e;
  } finally {
    interrupt.stop();
    await vitest.close();
  }
  postProcessReports({ junitFile: opts.junitFile, jsonFile: opts.jsonFile });

  if (failure !== undefined) return reportFailure(failure);
  if (!result || interrupt.interrupted()) return EXIT.failed;
  const usage = result.unhandledErrors.find(isUsageError);
  if (usage) {
    printErrorLine(usage.message);
    return EXIT.usage;
  }
  return allPassed(result.testModules) && result.unhandledErrors.length === 0 ? EXIT.ok : EXIT.failed;
}

function allPassed(modules: ReadonlyArray<TestModule>): boolean {
  return modules.every((m) => m.ok());
}

function reportFailure(e: unknown): ExitCode {
  if (isUsageError(e)) {
    printErrorLine(e.message);
    return EXIT.usage;
  }
  if ((e as { code?: unknown }).code === 'VITEST_FILES_NOT_FOUND') {
    printErrorLine('no test files found for the selected projects');
    return EXIT.failed;
  }
  // Not the user's input: a bug or a cluster that broke during setup; the stack helps.
  process.stderr.write(`${redact(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
  printErrorLine(`the run could not complete: ${e instanceof Error ? e.message : String(e)}`);
  return EXIT.failed;
}

/**
 * Ctrl-C: the first one cancels the run so vitest's teardown (and with it the
 * global setup's cleanup of run-owned namespaces) still happens; a second one
 * exits at once.
 */
function interruptHandler(cancel: () => Promise<void>): { stop: () => void; interrupted: () => boolean } {
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(
      '\nInterrupted: stopping the scenarios and cleaning up. Ctrl-C again exits now (`multus-conformance cleanup` removes leftovers).\n',
    );
    void cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
    interrupted: () => interrupted,
  };
}
