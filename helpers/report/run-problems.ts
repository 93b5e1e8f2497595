import { xmlEscape } from './report-files.ts';

/**
 * Run-level problems: what went wrong outside any scenario (setup failed,
 * the cluster was lost, namespaces were left behind, nothing ran). They are
 * added to the reports as test cases of their own, so a report is never
 * green when the run's exit code is not 0, and a run that stopped before any
 * scenario still says why.
 */
export interface RunProblem {
  /** `run/<what>`, like a scenario id. */
  id: string;
  /** What should have held, like a scenario title. */
  title: string;
  /** `error`: the run could not do its job; `failure`: it did, and the result is a failure. */
  kind: 'error' | 'failure';
  /** One line. */
  message: string;
  /** Error class name (JUnit `type`). */
  type?: string;
}

const SUITE = 'multus-conformance run';

function testcase(p: RunProblem): string {
  const tag = p.kind === 'error' ? 'error' : 'failure';
  const message = xmlEscape(p.message);
  return [
    `        <testcase classname="${SUITE}" name="${xmlEscape(`${p.id}: ${p.title}`)}" time="0">`,
    `            <${tag} message="${message}" type="${xmlEscape(p.type ?? p.id)}">${message}</${tag}>`,
    '        </testcase>',
  ].join('\n');
}

const EMPTY_JUNIT = '<?xml version="1.0" encoding="UTF-8" ?>\n<testsuites name="vitest tests" tests="0" failures="0" errors="0" time="0">\n</testsuites>\n';

/**
 * Adds the problems to a JUnit document as one more testsuite and updates
 * the root counts; starts a document when the run wrote none.
 */
export function addProblemsToJunit(xml: string | undefined, problems: readonly RunProblem[]): string {
  const doc = xml && /<testsuites\b[^>]*>/.test(xml) ? xml : EMPTY_JUNIT;
  if (problems.length === 0) return doc;
  const errors = problems.filter((p) => p.kind === 'error').length;
  const failures = problems.length - errors;
  const suite = [
    `    <testsuite name="${SUITE}" timestamp="${new Date().toISOString()}" tests="${problems.length}" failures="${failures}" errors="${errors}" skipped="0" time="0">`,
    ...problems.map(testcase),
    '    </testsuite>',
  ].join('\n');
  const withCounts = doc.replace(/<testsuites\b[^>]*>/, (open) =>
    open
      .replace(/\btests="(\d+)"/, (_m, n: string) => `tests="${Number(n) + problems.length}"`)
      .replace(/\bfailures="(\d+)"/, (_m, n: string) => `failures="${Number(n) + failures}"`)
      .replace(/\berrors="(\d+)"/, (_m, n: string) => `errors="${Number(n) + errors}"`),
  );
  // A document vitest closed as `<testsuites .../>` has no closing tag to insert before.
  if (/<testsuites\b[^>]*\/>/.test(withCounts)) return withCounts.replace(/<testsuites\b([^>]*)\/>/, `<testsuites$1>\n${suite}\n</testsuites>`);
  return withCounts.replace(/<\/testsuites>\s*$/, `${suite}\n</testsuites>\n`);
}

interface VitestJson {
  numTotalTests?: number;
  numFailedTests?: number;
  numTotalTestSuites?: number;
  numFailedTestSuites?: number;
  success?: boolean;
  testResults?: unknown[];
  [key: string]: unknown;
}

/** The same for vitest's JSON report: one more test file with a failed assertion per problem, and success false. */
export function addProblemsToJson(report: unknown, problems: readonly RunProblem[]): unknown {
  const base: VitestJson =
    typeof report === 'object' && report !== null && !Array.isArray(report)
      ? (report as VitestJson)
      : { numTotalTestSuites: 0, numFailedTestSuites: 0, numTotalTests: 0, numFailedTests: 0, success: true, testResults: [] };
  if (problems.length === 0) return base;
  const now = Date.now();
  return {
    ...base,
    numTotalTestSuites: (base.numTotalTestSuites ?? 0) + 1,
    numFailedTestSuites: (base.numFailedTestSuites ?? 0) + 1,
    numTotalTests: (base.numTotalTests ?? 0) + problems.length,
    numFailedTests: (base.numFailedTests ?? 0) + problems.length,
    success: false,
    testResults: [
      ...(base.testResults ?? []),
      {
        name: SUITE,
        status: 'failed',
        message: problems[0]?.message ?? '',
        startTime: now,
        endTime: now,
        assertionResults: problems.map((p) => ({
          ancestorTitles: [],
          fullName: `${p.id}: ${p.title}`,
          title: `${p.id}: ${p.title}`,
          status: 'failed',
          failureMessages: [p.message],
          meta: { kind: p.kind },
        })),
      },
    ],
    runProblems: problems,
  };
}
