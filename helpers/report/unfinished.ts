import { xmlEscape } from './junit-known.ts';

/**
 * A test that started and never finished: its file stalled and its worker
 * was stopped, or the run was stopped. vitest writes it as an empty JUnit
 * testcase, which every JUnit reader takes for a pass, and as `pending` in its
 * JSON, which counts as skipped. Both become errors carrying the reason.
 *
 * Like junit-known.ts, this works on the files vitest writes: testcases are
 * never nested and all text is XML-escaped.
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

const TESTCASE = /<testcase\b[^>]*>[\s\S]*?<\/testcase>/g;

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}

const key = (file: string, name: string): string => `${file}\0${name}`;

export function markUnfinishedInJunit(xml: string, cases: readonly UnfinishedCase[]): string {
  if (cases.length === 0) return xml;
  const byKey = new Map(cases.map((c) => [key(xmlEscape(c.relativeFile), xmlEscape(c.name)), c]));
  const perSuite = new Map<number, number>();
  let suite = -1;
  const parts = xml.split(/(<testsuite\b[^>]*>)/).map((part) => {
    if (/^<testsuite\b/.test(part)) {
      suite++;
      return part;
    }
    return part.replace(TESTCASE, (testcase) => {
      const open = /^<testcase\b[^>]*>/.exec(testcase)?.[0] ?? '';
      const c = byKey.get(key(attr(open, 'classname') ?? '', attr(open, 'name') ?? ''));
      // Only an empty case: one with a verdict of its own finished after all.
      if (!c || /<(failure|error|skipped)\b/.test(testcase)) return testcase;
      perSuite.set(suite, (perSuite.get(suite) ?? 0) + 1);
      const reason = xmlEscape(c.reason);
      return `${open}\n            <error message="${reason}" type="Unfinished">${reason}</error>\n        </testcase>`;
    });
  });
  let index = -1;
  const counted = parts.map((part) => {
    if (!/^<testsuite\b/.test(part)) return part;
    index++;
    const n = perSuite.get(index) ?? 0;
    return n === 0 ? part : part.replace(/\berrors="(\d+)"/, (_m, e: string) => `errors="${Number(e) + n}"`);
  });
  const total = [...perSuite.values()].reduce((a, b) => a + b, 0);
  return counted.join('').replace(/<testsuites\b[^>]*>/, (open) => open.replace(/\berrors="(\d+)"/, (_m, e: string) => `errors="${Number(e) + total}"`));
}

interface JsonAssertion {
  ancestorTitles?: string[];
  title?: string;
  status?: string;
  failureMessages?: string[];
  [k: string]: unknown;
}
interface JsonFile {
  name?: string;
  status?: string;
  assertionResults?: JsonAssertion[];
  [k: string]: unknown;
}
interface JsonReport {
  numFailedTests?: number;
  numPendingTests?: number;
  testResults?: JsonFile[];
  [k: string]: unknown;
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
