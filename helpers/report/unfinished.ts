import { attribute, rewriteTestcases, xmlEscape, type JsonReport } from './report-files.ts';

/**
 * A test that started and never finished: its file stalled and its worker
 * was stopped, or the run was stopped. vitest writes it as an empty JUnit
 * testcase, which every JUnit reader takes for a pass, and as `pending` in its
 * JSON, which counts as skipped. Both become errors carrying the reason.
 */
export interface UnfinishedCase {
  /** The test file as JUnit's classname gives it (relative to the root). */
  relativeFile: string;
  /** The test file's absolute path (the JSON report's file name). */
  file: string;
  /** vitest's fullName (describe blocks and title joined by " > "): JUnit's name. */
  name: string;
  reason: string;
}

const key = (file: string, name: string): string => `${file}\0${name}`;

export function markUnfinishedInJunit(xml: string, cases: readonly UnfinishedCase[]): string {
  if (cases.length === 0) return xml;
  const byKey = new Map(cases.map((c) => [key(c.relativeFile, c.name), c]));
  // An unfinished case is an error now: one more in its testsuite.
  return rewriteTestcases(
    xml,
    (testcase) => {
      const open = /^<testcase\b[^>]*>/.exec(testcase)?.[0] ?? '';
      const c = byKey.get(key(attribute(open, 'classname') ?? '', attribute(open, 'name') ?? ''));
      // Only an empty case: one with a verdict of its own finished after all.
      if (!c || /<(failure|error|skipped)\b/.test(testcase)) return undefined;
      const reason = xmlEscape(c.reason);
      return `${open}\n            <error message="${reason}" type="Unfinished">${reason}</error>\n        </testcase>`;
    },
    { errors: 1 },
  );
}

export function markUnfinishedInJson(report: unknown, cases: readonly UnfinishedCase[]): unknown {
  if (cases.length === 0 || typeof report !== 'object' || report === null) return report;
  const r = report as JsonReport;
  const byKey = new Map(cases.map((c) => [key(c.file, c.name), c]));
  let converted = 0;
  const testResults = (r.testResults ?? []).map((file) => {
    let changed = false;
    const assertionResults = (file.assertionResults ?? []).map((a) => {
      const c = byKey.get(key(file.name ?? '', [...(a.ancestorTitles ?? []), a.title ?? ''].join(' > ')));
      if (!c || a.status !== 'pending') return a;
      converted++;
      changed = true;
      return { ...a, status: 'failed', failureMessages: [c.reason] };
    });
    return changed ? { ...file, assertionResults, status: 'failed' } : file;
  });
  if (converted === 0) return report;
  return {
    ...r,
    numFailedTests: (r.numFailedTests ?? 0) + converted,
    numPendingTests: Math.max(0, (r.numPendingTests ?? 0) - converted),
    success: false,
    testResults,
  };
}
