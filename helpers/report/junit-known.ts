import type { KnownMatch } from './known-failures.ts';
import { attribute, rewriteTestcases, xmlEscape, type JsonReport } from './report-files.ts';

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

const FAILURE = /<(failure|error)\b[^>]*?(?:\/>|>([\s\S]*?)<\/\1>)/;

function property(name: string, value: string): string {
  return `                <property name="${name}" value="${xmlEscape(value)}">\n                </property>`;
}

export function markKnownInJunit(xml: string, cases: readonly KnownCase[]): string {
  if (cases.length === 0) return xml;
  const byName = new Map(cases.map((c) => [c.name, c]));
  // A known failure is a skip now: one failure less and one skip more in its testsuite.
  return rewriteTestcases(
    xml,
    (testcase) => {
      const name = attribute(/^<testcase\b[^>]*>/.exec(testcase)?.[0] ?? '', 'name');
      const c = name === undefined ? undefined : byName.get(name);
      if (!c || !FAILURE.test(testcase)) return undefined;
      const props = [
        property('known-failure', 'true'),
        property('known-failure-reason', c.known.reason),
        property('known-failure-message', c.message),
        property('known-failure-matched', c.known.matched),
      ].join('\n');
      const out = testcase.replace(FAILURE, (_m, _tag: string, body: string | undefined) => {
        // The failure text stays readable inside <skipped>; it is already escaped.
        const text = body ?? '';
        return `<skipped message="${xmlEscape(`known failure: ${c.known.reason}`)}">${text}</skipped>`;
      });
      return /<properties>/.test(out)
        ? out.replace(/\n?[ \t]*<\/properties>/, `\n${props}\n            </properties>`)
        : out.replace(/^(<testcase\b[^>]*>)/, `$1\n            <properties>\n${props}\n            </properties>`);
    },
    { failures: -1, skipped: 1 },
  );
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
