import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { markKnownInJson, markKnownInJunit, type KnownCase } from './junit-known.ts';
import { addSkipMessages } from './junit-skips.ts';
import { redact, redactDeep } from './redact.ts';
import { addProblemsToJson, addProblemsToJunit, type RunProblem } from './run-problems.ts';
import { REPORT_KEY, type RunReport } from './run-report.ts';
import { markUnfinishedInJson, markUnfinishedInJunit, type UnfinishedCase } from './unfinished.ts';

export interface PostProcessInput {
  junitFile?: string;
  jsonFile?: string;
  problems?: readonly RunProblem[];
  /** Failures the known-failures list accepts (known-failures.ts). */
  known?: readonly KnownCase[];
  /** multus-conformance's own account of the run, added to the JSON under REPORT_KEY. */
  report?: RunReport;
  /** Tests that started and never finished (unfinished.ts). */
  unfinished?: readonly UnfinishedCase[];
}

/**
 * Finishes the report files vitest's own reporters wrote: skip reasons into
 * JUnit, known failures turned into skips with their reason, unfinished
 * tests turned into errors (never an empty, passed-looking case), run-level
 * problems added as test cases of their own (so a run that stopped in setup
 * still says why), the run's own report section added to the JSON, and
 * credentials masked in both (a
 * failure message can quote a pod spec or an API error that carries a
 * token). A file vitest did not write is created only when there is a
 * problem to report: never an empty, green-looking report.
 */
export function postProcessReports(files: PostProcessInput): void {
  const problems = files.problems ?? [];
  const known = files.known ?? [];
  const unfinished = files.unfinished ?? [];
  if (files.junitFile && (existsSync(files.junitFile) || problems.length > 0)) {
    const xml = existsSync(files.junitFile) ? readFileSync(files.junitFile, 'utf8') : undefined;
    writeFileSync(files.junitFile, redact(addProblemsToJunit(xml === undefined ? undefined : markKnownInJunit(markUnfinishedInJunit(addSkipMessages(xml), unfinished), known), problems)));
  }
  if (files.jsonFile && (existsSync(files.jsonFile) || problems.length > 0)) {
    const report: unknown = existsSync(files.jsonFile) ? JSON.parse(readFileSync(files.jsonFile, 'utf8')) : undefined;
    const finished = addProblemsToJson(markKnownInJson(markUnfinishedInJson(report, unfinished), known), problems) as Record<string, unknown>;
    const withSection = files.report ? { ...finished, [REPORT_KEY]: files.report } : finished;
    writeFileSync(files.jsonFile, JSON.stringify(redactDeep(withSection), null, 2));
  }
}

/**
 * Reports are written under a temporary name next to their final one and
 * renamed into place only when finished: a run that dies half-way leaves the
 * previous run's reports as they were.
 */
export function stagingPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
}

/** Moves a finished staged report into place (nothing to do when none was written). */
export function publishReport(staged: string, file: string): void {
  if (existsSync(staged)) renameSync(staged, file);
}

export function discardReport(staged: string): void {
  rmSync(staged, { force: true });
}
