import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeApiLost, readApiLost } from '../helpers/k8s/api-lost.ts';
import { compareRuns } from '../helpers/report/compare.ts';
import { renderHtml } from '../helpers/report/html.ts';
import { entryStatuses, loadKnownFailures } from '../helpers/report/known-failures.ts';
import { renderMarkdown } from '../helpers/report/markdown.ts';
import { discardReport, publishReport, stagingPath } from '../helpers/report/post-process.ts';
import { redactDeep } from '../helpers/report/redact.ts';
import { countVerdicts, type ScenarioResult } from '../helpers/report/results.ts';
import { readRunTarget, type RunTarget } from '../helpers/report/run-record.ts';
import { loadRunReport, REPORT_SCHEMA, type BaselineComparison, type RunReport } from '../helpers/report/run-report.ts';
import { CATALOG } from '../helpers/scenario/catalog.ts';
import { clearRunState, readPhases, readRunCluster, readSetupEnd, readTeardown, recordPhase, type RunCluster } from '../helpers/scenario/run-state.ts';
import { formatTimings, type TimingsReport } from '../helpers/timing/report.ts';
import { runTimings } from '../helpers/timing/run-phases.ts';
import { readProbe } from '../helpers/scenario/probe-handoff.ts';
import { formatComparison } from './compare-print.ts';
import { EXIT, printErrorLine, type ExitCode } from './errors.ts';
import { packageVersion } from './paths.ts';
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
  /** Where report.md and report.html go; the JSON report's directory when absent. */
  reportDir?: string | undefined;
  /** `--known-failures FILE`. */
  knownFailuresFile?: string | undefined;
  /** The scenario ids an entry of that file may name; the catalog's when absent. */
  scenarioIds?: ReadonlySet<string>;
  /** `--baseline REPORT`: a previous run's JSON report or report directory. */
  baselineFile?: string | undefined;
  /** `$GITHUB_STEP_SUMMARY`: the Markdown summary is appended there too. */
  stepSummaryFile?: string | undefined;
  /** What the run was asked to do, for the reports. */
  identity?: { provider: string; profile: string; mode: string; strict: boolean; tests: string[] };
  /** The run's clock (known-failure expiry); now when absent. */
  now?: Date;
}

/**
 * A conformance run from start to exit code: vitest, then what the global
 * setup and teardown recorded in the run's state directory (what it ran
 * against, a lost cluster, leftovers after the sweep), the comparison with
 * a baseline, decided by decideRun, reported in the JUnit, JSON, Markdown
 * and HTML files and printed one line each.
 *
 * A bad known-failures file or baseline is refused before anything starts
 * (a UsageError: one line, exit 2, no report written).
 */
export async function conformanceRun(opts: ConformanceRunOptions): Promise<ExitCode> {
  const knownFailures = opts.knownFailuresFile ? loadKnownFailures(opts.knownFailuresFile, opts.scenarioIds ?? new Set(CATALOG.map((d) => d.id))) : undefined;
  const baseline = opts.baselineFile ? loadRunReport(opts.baselineFile, '--baseline') : undefined;
  const now = opts.now ?? new Date();
  const reportDir = opts.reportDir ?? dirname(opts.jsonFile);
  const readable = { Markdown: join(reportDir, 'report.md'), HTML: join(reportDir, 'report.html') };
  // A reused --run-id must not inherit an earlier run's state (a lost cluster, leftovers).
  clearRunState(opts.runId);
  // From the process start to here: node, tsx and the CLI's own work (settings, selection).
  recordPhase(opts.runId, 'cli start', performance.timeOrigin);
  try {
    const run = await runVitest({ ...opts, knownFailures, now, moreReportFiles: readable });
    // A setting the node probe proved wrong stopped the scenario files from
    // loading (helpers/scenario/cluster-context.ts): that is the run's one
    // problem, a usage error, not a file that failed.
    const probe = readProbe(opts.runId);
    if (probe?.kind === 'config-error' && !run.outcome.setupError) {
      run.outcome.setupError = { usage: true, message: probe.message, type: 'UsageError' };
      run.outcome.moduleErrors = 0;
    }
    const results = inCatalogOrder(probe?.kind === 'config-error' ? run.results.filter((r) => !r.loadError) : run.results);
    const finishedAt = new Date();
    const teardown = readTeardown(opts.runId);
    const lost = readApiLost(opts.runId);
    const recorded = readRunTarget(opts.runId);
    const target: RunTarget | undefined = recorded ? { ...recorded, nads: run.nads } : undefined;
    // A run that did not get to the end says nothing about regressions: its own exit code does.
    const completed = !run.outcome.setupError && !lost && !run.outcome.interrupted && run.outcome.stalls.length === 0;
    const comparison: BaselineComparison | undefined =
      baseline && completed
        ? { baseline: baseline.path, ...(baseline.run ? { baselineRun: baseline.run } : {}), ...compareRuns(baseline, { scenarios: results, target }) }
        : undefined;
    const cleanup = cleanupCommand(opts, readRunCluster(opts.runId));
    const verdict = decideRun({
      ...run.outcome,
      ...(lost ? { clusterLost: describeApiLost(lost) } : {}),
      leftovers: teardown?.leftovers ?? [],
      ...(teardown?.sweepError ? { sweepError: teardown.sweepError } : {}),
      failOnSkip: opts.failOnSkip,
      ...(opts.minPassed === undefined ? {} : { minPassed: opts.minPassed }),
      cleanupCommand: cleanup,
      ...(comparison ? { baseline: { file: comparison.baseline, regressions: comparison.rows.filter((r) => r.regression).map((r) => `${r.key} ${r.change}`) } } : {}),
    });
    const identity = opts.identity ?? { provider: 'unknown', profile: 'unknown', mode: 'unknown', strict: false, tests: [] };
    const timings = timingsOf(opts.runId, run.timing);
    const report: RunReport = {
      schema: REPORT_SCHEMA,
      run: {
        runId: opts.runId,
        ...identity,
        startedAt: now.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - now.getTime(),
        version: packageVersion(),
        ...(knownFailures ? { knownFailuresFile: knownFailures.file } : {}),
        ...(baseline ? { baselineFile: baseline.path } : {}),
        exitCode: verdict.code,
      },
      ...(target ? { target } : {}),
      counts: countVerdicts(results.filter((r) => !r.loadError)),
      scenarios: results,
      problems: verdict.problems,
      ...(knownFailures ? { knownFailures: { file: knownFailures.file, entries: entryStatuses(knownFailures, results, now) } } : {}),
      ...(comparison ? { comparison } : {}),
      timings,
    };
    run.publish(verdict.problems, report);
    writeReadableReports(redactDeep(report) as RunReport, readable, opts.stepSummaryFile);
    if (comparison) process.stdout.write(`\n${formatComparison(comparison, { heading: `Compared with the baseline ${comparison.baseline}` })}\n`);
    else if (baseline) process.stdout.write(`\nNot compared with the baseline ${baseline.path}: the run did not complete.\n`);
    printProblems(verdict.problems);
    if (opts.printTimings) process.stdout.write(`${formatTimings(timings)}\n`);
    const terminating = teardown?.terminating ?? [];
    // Not a problem (stdout, not a `multus-conformance:` line): their pods are
    // gone and nothing new can start in them (cli/sweep.ts). Not said after a
    // usage error either: that stays one line.
    if (terminating.length > 0 && verdict.code !== EXIT.usage && verdict.problems.every((p) => p.id !== 'run/cleanup')) {
      process.stdout.write(
        `Cleanup: ${terminating.length} namespace(s) of this run terminating, no pod left in them; the namespace controller removes them (${cleanup} waits for that)\n`,
      );
    }
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

/**
 * report.md and report.html, each written whole and renamed into place;
 * the Markdown also appended to the CI job summary when there is one. A
 * failure here is said in one line and does not change the exit code: the
 * JUnit and JSON reports are already in place.
 */
function writeReadableReports(report: RunReport, files: { Markdown: string; HTML: string }, stepSummaryFile: string | undefined): void {
  const markdown = renderMarkdown(report);
  for (const [file, text] of [
    [files.Markdown, markdown],
    [files.HTML, renderHtml(report)],
  ] as const) {
    const staged = stagingPath(file);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(staged, text);
      publishReport(staged, file);
    } catch (e) {
      discardReport(staged);
      printErrorLine(`could not write ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (stepSummaryFile) {
    try {
      appendFileSync(stepSummaryFile, `${markdown}\n`);
    } catch (e) {
      printErrorLine(`could not append the summary to $GITHUB_STEP_SUMMARY (${stepSummaryFile}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Cases in the catalog's order (the order of `list` and the README), per-node cases by node; anything else last. */
function inCatalogOrder(results: readonly ScenarioResult[]): ScenarioResult[] {
  const rank = new Map(CATALOG.map((d, i) => [d.id, i]));
  const of = (r: ScenarioResult): number => rank.get(r.id) ?? CATALOG.length;
  return [...results].sort((a, b) => of(a) - of(b) || (a.node ?? '').localeCompare(b.node ?? '') || a.name.localeCompare(b.name));
}

/** The command that removes what a run left, for the cluster the run really used. */
export function cleanupCommand(opts: { runId: string; kubeconfig?: string | undefined; context?: string | undefined }, cluster: RunCluster | undefined): string {
  const kubeconfig = cluster?.kubeconfig ?? opts.kubeconfig;
  const context = cluster ? cluster.context : opts.context;
  return ['multus-conformance cleanup', `--run-id ${opts.runId}`, ...(kubeconfig ? [`--kubeconfig ${kubeconfig}`] : []), ...(context ? [`--context ${context}`] : [])].join(' ');
}
