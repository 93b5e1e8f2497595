import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../helpers/fixtures/paths.ts';
import { REPORT_KEY } from '../../helpers/report/run-report.ts';
import type { ScaleReport } from '../../helpers/scale/report.ts';
import type { TimingsReport } from '../../helpers/timing/report.ts';

const BIN = join(REPO_ROOT, 'bin', 'multus-conformance.js');

export interface SuiteRun {
  args: string[];
  runId: string;
  /** Whole process: spawn to exit. */
  seconds: number;
  exitCode: number;
  /** Scenario ids that failed (from the JSON report). */
  failed: string[];
  passed: number;
  skipped: number;
  timings?: TimingsReport;
  /** scale/pods' own figures, when it ran. */
  scale?: ScaleReport;
  reportDir: string;
}

interface JsonReport {
  // vitest's own part: each case with its meta (scale/pods puts its figures there).
  testResults?: Array<{ assertionResults?: Array<{ fullName: string; status: string; meta?: { scale?: ScaleReport } }> }>;
  // The run's own section (helpers/report/run-report.ts) carries the timings.
  [REPORT_KEY]?: { timings?: TimingsReport };
}

/**
 * One `multus-conformance run` on the testbed as a user runs it (cleanup
 * and the final sweep included unless `keep`), timed from spawn to exit.
 * Its output goes to output.txt in its report directory.
 */
export async function runSuite(args: readonly string[], opts: { runId: string; reportDir: string; keep?: boolean; kubeconfig?: string }): Promise<SuiteRun> {
  mkdirSync(opts.reportDir, { recursive: true });
  const full = ['run', '--provider', 'local', '--run-id', opts.runId, '--report-dir', opts.reportDir, ...(opts.keep ? ['--keep'] : []), ...args];
  const t0 = performance.now();
  const proc = await execa('node', [BIN, ...full], { reject: false, all: true, stdin: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(join(opts.reportDir, 'output.txt'), `$ multus-conformance ${full.join(' ')}\n${proc.all ?? ''}\n`);
  const run: SuiteRun = { args: [...args], runId: opts.runId, seconds, exitCode: proc.exitCode ?? -1, failed: [], passed: 0, skipped: 0, reportDir: opts.reportDir };
  let report: JsonReport | undefined;
  try {
    report = JSON.parse(readFileSync(join(opts.reportDir, 'report.json'), 'utf8')) as JsonReport;
  } catch {
    return run;
  }
  for (const a of report.testResults?.flatMap((t) => t.assertionResults ?? []) ?? []) {
    const id = a.fullName.split(':')[0]!;
    if (a.status === 'failed') run.failed.push(id);
    else if (a.status === 'passed') run.passed++;
    else run.skipped++;
    if (a.meta?.scale) run.scale = a.meta.scale;
  }
  const timings = report[REPORT_KEY]?.timings;
  if (timings) run.timings = timings;
  return run;
}

/** `multus-conformance cleanup --run-id ID`: what a kept run or an interrupted baseline left. */
export async function cleanupRun(runId: string, kubeconfig: string): Promise<void> {
  await execa('node', [BIN, 'cleanup', '--kubeconfig', kubeconfig, '--run-id', runId], { reject: false, stdin: 'ignore' });
}
