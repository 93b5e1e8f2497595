import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TestModule, TestRunResult } from 'vitest/node';
import type { NamedScenarioTiming } from '../helpers/timing/report.ts';
import { VITEST_START_ENV } from '../helpers/timing/run-phases.ts';
import type { KnownCase } from '../helpers/report/junit-known.ts';
import type { KnownFailures } from '../helpers/report/known-failures.ts';
import { discardReport, postProcessReports, publishReport, stagingPath } from '../helpers/report/post-process.ts';
import { redact } from '../helpers/report/redact.ts';
import { collectResults, type AppliedNad, type ScenarioResult } from '../helpers/report/results.ts';
import type { RunProblem } from '../helpers/report/run-problems.ts';
import type { RunReport } from '../helpers/report/run-report.ts';
import { DEFAULT_STALL_BOUNDS, describeStall, StallWatch, type Stall, type StallBounds } from '../helpers/report/stall-watch.ts';
import { SummaryReporter } from '../helpers/report/summary-reporter.ts';
import type { UnfinishedCase } from '../helpers/report/unfinished.ts';
import { descendants, describeProcess, isForkWorker } from '../helpers/report/worker-processes.ts';
import { EXIT, isUsageError, printErrorLine, type ExitCode } from './errors.ts';
import { decideRun } from './run-outcome.ts';
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
  /** `--known-failures`: failures it accepts are known, not failed. */
  knownFailures?: KnownFailures | undefined;
  /** The run's clock (known-failure expiry); now when absent. */
  now?: Date;
  /** More report files for the summary to name (Markdown, HTML), written by the caller. */
  moreReportFiles?: Record<string, string>;
  /** When a silent test file is called stalled (stall-watch.ts); the CLI's own tests shorten them. */
  stallBounds?: StallBounds;
}

type ErrorFact = { usage: boolean; message: string; type: string };

/** What happened, in numbers and errors; decideRun (run-outcome.ts) turns it into an exit code. */
export interface VitestOutcome {
  passed: number;
  /** Failed cases, known failures not included. */
  failed: number;
  /** Failures the known-failures list accepts. */
  known: number;
  skipped: number;
  moduleErrors: number;
  setupError?: ErrorFact;
  lateErrors: ErrorFact[];
  interrupted: boolean;
  /** Test files that made no progress for longer than their bound, one line each (stall-watch.ts). */
  stalls: string[];
}

/** Where the scenarios' time went, from the test results (epoch ms). */
export interface VitestTiming {
  /** When the first scenario started and the last one ended; absent when none ran. */
  firstStartMs?: number;
  lastEndMs?: number;
  scenarios: NamedScenarioTiming[];
}

export interface VitestRun {
  outcome: VitestOutcome;
  timing: VitestTiming;
  /** Every finished case with its verdict (files that failed to load included). */
  results: ScenarioResult[];
  /** The NADs the scenarios applied (recorded by the scenario wrapper). */
  nads: AppliedNad[];
  /** Finishes the reports with these run-level problems (and the run's own report section) and moves them into place. */
  publish(problems: readonly RunProblem[], report?: RunReport): void;
}

/**
 * Runs vitest in this process with the junit, json and summary reporters.
 * The reports are written under temporary names and published only by
 * `publish`, once the caller knows the run-level problems: an earlier run's
 * reports are never replaced by an unfinished or empty green one.
 *
 * `createVitest` + `start` instead of `startVitest`: startVitest catches a
 * failing global setup itself and prints it with its full stack, leaving no
 * way to tell a usage error from a failed run.
 */
export async function runVitest(opts: VitestRunOptions): Promise<VitestRun> {
  const { createVitest } = await import('vitest/node');
  // The global setup times vitest's own start from here (helpers/timing/run-phases.ts).
  process.env[VITEST_START_ENV] = String(Date.now());
  for (const file of [opts.junitFile, opts.jsonFile]) mkdirSync(dirname(file), { recursive: true });
  const staged = { junit: stagingPath(opts.junitFile), json: stagingPath(opts.jsonFile) };
  // A second Ctrl-C exits at once: leave no half-written report behind (the earlier one stays).
  const discard = (): void => {
    discardReport(staged.junit);
    discardReport(staged.json);
  };
  process.on('exit', discard);
  const now = opts.now ?? new Date();
  const summary = new SummaryReporter({
    reportFiles: { JUnit: opts.junitFile, JSON: opts.jsonFile, ...opts.moreReportFiles },
    showProject: opts.showProject ?? false,
    knownFailures: opts.knownFailures,
    now,
  });
  const root = opts.root ?? REPO_ROOT;
  const stallBounds = opts.stallBounds ?? DEFAULT_STALL_BOUNDS;
  const stallWatch = new StallWatch(stallBounds);
  const signalsBefore = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const vitest = await createVitest('test', {
    root,
    config: opts.configFile ?? VITEST_CONFIG,
    project: opts.projects,
    watch: false,
    reporters: [['junit', { outputFile: staged.junit }], ['json', { outputFile: staged.json }], summary, stallWatch],
    ...(opts.concurrency === undefined ? {} : { maxWorkers: opts.concurrency, maxConcurrency: opts.concurrency }),
    ...(opts.timeoutSeconds === undefined ? {} : { testTimeout: opts.timeoutSeconds * 1000 }),
  });
  if (opts.concurrency !== undefined) {
    // Inline projects do not inherit the root's maxConcurrency.
    for (const project of vitest.projects) project.config.maxConcurrency = opts.concurrency;
  }
  // Vitest names the files it wrote: the temporary ones. The summary names the real ones.
  const log = vitest.logger.log.bind(vitest.logger);
  vitest.logger.log = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && /report written to/.test(args[0])) return;
    log(...args);
  };

  // Vitest's logger exits the process on SIGINT/SIGTERM, which would skip the
  // global teardown and leave the run's namespaces behind; ours cancels instead.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!signalsBefore.has(listener)) process.off(signal, listener);
  }
  const interrupt = interruptHandler(() => vitest.cancelCurrentRun('keyboard-input'));
  const stalls = watchForStalls(stallWatch, stallBounds, root, () => vitest.cancelCurrentRun('keyboard-input'));
  let result: TestRunResult | undefined;
  let failure: unknown;
  try {
    result = await vitest.start(opts.files);
  } catch (e) {
    failure = e;
  } finally {
    stalls.stop();
    interrupt.stop();
    await vitest.close();
  }

  const stalled = stalls.found();
  const outcome: VitestOutcome = {
    passed: 0,
    failed: 0,
    known: 0,
    skipped: 0,
    moduleErrors: 0,
    lateErrors: [],
    interrupted: interrupt.interrupted(),
    stalls: stalled.map((s) => s.line),
  };
  if (failure !== undefined) outcome.setupError = setupErrorFact(failure);
  const modules = result?.testModules ?? [];
  for (const mod of modules) if (mod.errors().length > 0) outcome.moduleErrors++;
  // The same classification as the summary's (one clock, one list).
  const { results, nads } = collectResults(modules, { known: opts.knownFailures, now });
  const known: KnownCase[] = [];
  for (const r of results) {
    if (r.loadError) continue;
    if (r.verdict === 'known' && r.known) known.push({ name: r.name, known: r.known, message: r.message ?? '' });
    outcome[r.verdict]++;
  }
  for (const e of result?.unhandledErrors ?? []) outcome.lateErrors.push(errorFact(e));
  const unfinished = unfinishedCases(modules, stalled);
  return {
    outcome,
    timing: timingOf(result?.testModules ?? []),
    results,
    nads,
    publish(problems, report) {
      postProcessReports({ junitFile: staged.junit, jsonFile: staged.json, problems, known, unfinished, ...(report ? { report } : {}) });
      publishReport(staged.junit, opts.junitFile);
      publishReport(staged.json, opts.jsonFile);
      process.off('exit', discard);
    },
  };
}

/** Tests left pending: their file stalled (named by the stall's line) or the run was stopped. */
function unfinishedCases(modules: ReadonlyArray<TestModule>, stalls: ReadonlyArray<{ moduleId: string; line: string }>): UnfinishedCase[] {
  const out: UnfinishedCase[] = [];
  for (const mod of modules) {
    const stall = stalls.find((s) => s.moduleId === mod.moduleId);
    const reason = `not finished: ${stall ? stall.line : 'the run was stopped before it'}`;
    for (const test of mod.children.allTests()) {
      if (test.result().state === 'pending') out.push({ relativeFile: mod.relativeModuleId, file: mod.moduleId, name: test.fullName, reason });
    }
  }
  return out;
}

function timingOf(modules: ReadonlyArray<TestModule>): VitestTiming {
  const timing: VitestTiming = { scenarios: [] };
  for (const mod of modules) {
    for (const test of mod.children.allTests()) {
      const d = test.diagnostic();
      if (d && d.startTime > 0) {
        timing.firstStartMs = Math.min(timing.firstStartMs ?? Infinity, d.startTime);
        timing.lastEndMs = Math.max(timing.lastEndMs ?? 0, d.startTime + d.duration);
      }
      const t = test.meta().timings;
      if (t) timing.scenarios.push({ name: test.fullName, ...t });
    }
  }
  return timing;
}

function errorFact(e: unknown): ErrorFact {
  const message = e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e) ? String((e as { message: unknown }).message) : String(e);
  const type = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : 'Error';
  return { usage: isUsageError(e), message: message.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' '), type };
}

function setupErrorFact(e: unknown): ErrorFact {
  if ((e as { code?: unknown }).code === 'VITEST_FILES_NOT_FOUND') return { usage: false, message: 'no test files found for the selected projects', type: 'Error' };
  if (!isUsageError(e)) {
    // Not the user's input: a bug or a cluster that broke during setup; the stack helps.
    process.stderr.write(`${redact(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    const fact = errorFact(e);
    return { ...fact, message: `the run could not complete: ${fact.message}` };
  }
  return errorFact(e);
}

/** Prints each run-level problem as one line on stderr. */
export function printProblems(problems: readonly RunProblem[]): void {
  for (const p of problems) printErrorLine(p.message);
}

/**
 * Runs the projects, publishes the reports and maps the outcome to an exit
 * code (selftest; `run` adds the run's own facts, see conformance-run.ts).
 */
export async function runProjects(opts: VitestRunOptions): Promise<ExitCode> {
  const run = await runVitest(opts);
  const verdict = decideRun({ ...run.outcome, leftovers: [], failOnSkip: false, cleanupCommand: '' });
  run.publish(verdict.problems);
  printProblems(verdict.problems);
  return verdict.code;
}

/**
 * Checks the watch now and then. A stalled file is said at once, with the
 * run's processes (state and what they wait in: enough to tell a blocked
 * worker from one waiting for an answer). Then:
 * - when every running file stalled and each runs in a forked worker of this
 *   process, those workers are stopped (by PID): vitest reports their files
 *   as failed and the run goes on;
 * - otherwise (a worker thread, or a worker that cannot be told apart from
 *   healthy ones) the run is cancelled as by Ctrl-C, and cancelled again a
 *   little later: vitest's first cancel waits for each worker to end its
 *   file, which a stalled one never does; the second stops the workers. The
 *   global teardown still runs. Should even that not end the run within two
 *   minutes, the process exits.
 */
function watchForStalls(
  watch: StallWatch,
  bounds: StallBounds,
  root: string,
  cancel: () => Promise<void>,
): { stop: () => void; found: () => Array<{ moduleId: string; line: string }> } {
  const found: Array<{ moduleId: string; line: string }> = [];
  let forceTimer: NodeJS.Timeout | undefined;
  let exitTimer: NodeJS.Timeout | undefined;
  const onStalls = (stalls: Stall[]): void => {
    const processes = descendants(process.pid);
    const workers = processes.filter((p) => isForkWorker(p) && p.ppid === process.pid);
    const running = watch.running();
    const stopWorkers = workers.length > 0 && workers.length <= Math.max(1, running.length) && running.every((m) => stalls.some((s) => s.moduleId === m));
    const action = stopWorkers
      ? `stopping its worker (pid ${workers.map((w) => w.pid).join(', ')}); the run goes on`
      : 'stopping the run (`multus-conformance cleanup` removes what it left)';
    for (const s of stalls) {
      const line = `stalled: ${describeStall(s, root)}`;
      found.push({ moduleId: s.moduleId, line });
      printErrorLine(`${line}; ${action}`);
    }
    for (const p of processes) process.stderr.write(`  ${describeProcess(p)}\n`);
    if (stopWorkers) {
      for (const w of workers) {
        try {
          process.kill(w.pid, 'SIGKILL');
        } catch {
          // It ended meanwhile: vitest reports its file either way.
        }
      }
      for (const m of running) watch.forget(m);
      watch.resetIdle();
      return;
    }
    clearInterval(timer);
    const cancelled = (): void => void cancel().catch(() => undefined);
    cancelled();
    forceTimer = setTimeout(cancelled, Math.min(10_000, bounds.idleMs));
    exitTimer = setTimeout(() => {
      printErrorLine('the run did not stop after the stall; exiting without reports (`multus-conformance cleanup` removes what it left)');
      process.exit(EXIT.failed);
    }, 120_000);
    exitTimer.unref();
  };
  const timer = setInterval(() => {
    const stalls = watch.check();
    if (stalls.length > 0) onStalls(stalls);
  }, Math.min(10_000, Math.max(100, bounds.idleMs / 5)));
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      clearTimeout(forceTimer);
      clearTimeout(exitTimer);
    },
    found: () => [...found],
  };
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
