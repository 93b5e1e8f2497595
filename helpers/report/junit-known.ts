import type { KnownMatch } from './known-failures.ts';

/**
 * Known failures in the report files, the way pytest reports xfail: in JUnit
 * the test case's `<failure>` becomes `<skipped message="known failure:
 * REASON">` (CI tools stay green) with properties `known-failure=true`, the
 * matched failure message and the reason; in vitest's JSON the case is
 * `skipped` with `meta.knownFailure`, and the counts follow.
 *
 * Like junit-skips.ts, this works on the file vitest writes: testcases are
 * never nested and all text is XML-escaped, so the markup found by these
 * patterns is markup.
 */
export interface KnownCase {
  /**
   * The test case name (vitest's `fullName`). JUnit names a case by its own
   * name without describe blocks; scenarios are never inside one, so the two agree.
   */
  name: string;
  known: KnownMatch;
  /** The whole failure message. */
  message: string;
}

const TESTCASE = /<testcase\b[^>]*>[\s\S]*?<\/testcase>/g;
const FAILURE = /<(failure|error)\b[^>]*?(?:\/>|>([\s\S]*?)<\/\1>)/;

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function xmlUnescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

function property(name: string, value: string): string {
  return `                <property name="${name}" value="${xmlEscape(value)}">\n                </property>`;
}

export function markKnownInJunit(xml: string, cases: readonly KnownCase[]): string {
  if (cases.length === 0) return xml;
  const byName = new Map(cases.map((c) => [c.name, c]));
  const perSuite = new Map<number, number>();
  let suiteIndex = -1;
  // Walk the document so each converted case can be charged to its testsuite's counts.
  const parts = xml.split(/(<testsuite\b[^>]*>)/);
  const rewritten = parts.map((part) => {
    if (/^<testsuite\b/.test(part)) {
      suiteIndex++;
      return part;
    }
    return part.replace(TESTCASE, (testcase) => {
      const name = /^<testcase\b[^>]*\bname="([^"]*)"/.exec(testcase)?.[1];
      const c = name === undefined ? undefined : byName.get(xmlUnescape(name));
      if (!c || !FAILURE.test(testcase)) return testcase;
      perSuite.set(suiteIndex, (perSuite.get(suiteIndex) ?? 0) + 1);
      const props = [
        property('known-failure', 'true'),
        property('known-failure-reason', c.known.reason),
        property('known-failure-message', c.message),
        property('known-failure-matched', c.known.matched),
      ].join('\n');
      let out = testcase.replace(FAILURE, (_m, _tag: string, body: string | undefined) => {
        // The failure text stays readable inside <skipped>; it is already escaped.
        const text = body ?? '';
        return `<skipped message="${xmlEscape(`known failure: ${c.known.reason}`)}">${text}</skipped>`;
      });
      out = /<properties>/.test(out)
        ? out.replace(/\n?[ \t]*<\/properties>/, `\n${props}\n            </properties>`)
        : out.replace(/^(<testcase\b[^>]*>)/, `$1\n            <properties>\n${props}\n            </properties>`);
      return out;
    });
  });
  let index = -1;
  const withSuiteCounts = rewritten.map((part) => {
    if (!/^<testsuite\b/.test(part)) return part;
    index++;
    const n = perSuite.get(index) ?? 0;
    if (n === 0) return part;
    return part.replace(/\bfailures="(\d+)"/, (_m, f: string) => `failures="${Number(f) - n}"`).replace(/\bskipped="(\d+)"/, (_m, s: string) => `skipped="${Number(s) + n}"`);
  });
  const total = [...perSuite.values()].reduce((a, b) => a + b, 0);
  return withSuiteCounts
    .join('')
    .replace(/<testsuites\b[^>]*>/, (open) => open.replace(/\bfailures="(\d+)"/, (_m, f: string) => `failures="${Math.max(0, Number(f) - total)}"`));
}

interface JsonAssertion {
  fullName?: string;
  status?: string;
  meta?: Record<string, unknown>;
  [key: string]: unknown;
}
interface JsonFile {
  status?: string;
  message?: string;
  assertionResults?: JsonAssertion[];
  [key: string]: unknown;
}
interface JsonReport {
  numFailedTests?: number;
  numPendingTests?: number;
  numFailedTestSuites?: number;
  numPassedTestSuites?: number;
  success?: boolean;
  testResults?: JsonFile[];
  [key: string]: unknown;
}

export function markKnownInJson(report: unknown, cases: readonly KnownCase[]): unknown {
  if (cases.length === 0 || typeof report !== 'object' || report === null) return report;
  const r = report as JsonReport;
  const byName = new Map(cases.map((c) => [c.name, c]));
  let converted = 0;
  let filesCleared = 0;
  const testResults = (r.testResults ?? []).map((file) => {
    let changed = false;
    const assertionResults = (file.assertionResults ?? []).map((a) => {
      const c = a.fullName === undefined ? undefined : byName.get(a.fullName);
      if (!c || a.status !== 'failed') return a;
      converted++;
      changed = true;
      return { ...a, status: 'skipped', meta: { ...a.meta, knownFailure: { reason: c.known.reason, pattern: c.known.pattern, matched: c.known.matched, entry: c.known.entry + 1 } } };
    });
    if (!changed) return file;
    const stillFailing = assertionResults.some((a) => a.status === 'failed') || (file.message ?? '') !== '';
    if (file.status === 'failed' && !stillFailing) filesCleared++;
    return { ...file, assertionResults, ...(file.status === 'failed' && !stillFailing ? { status: 'passed' } : {}) };
  });
  const numFailedTests = Math.max(0, (r.numFailedTests ?? 0) - converted);
  const numFailedTestSuites = Math.max(0, (r.numFailedTestSuites ?? 0) - filesCleared);
  return {
    ...r,
    numFailedTests,
    numPendingTests: (r.numPendingTests ?? 0) + converted,
    numFailedTestSuites,
    numPassedTestSuites: (r.numPassedTestSuites ?? 0) + filesCleared,
    success: numFailedTests === 0 && numFailedTestSuites === 0,
    testResults,
  };
}
