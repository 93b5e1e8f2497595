/**
 * The JUnit and JSON files vitest writes, as this project rewrites them
 * (skip messages, known failures, unfinished tests, run-level problems).
 *
 * The JUnit file's shape is fixed: testcases are never nested, and text
 * content and attribute values are XML-escaped, so `<testcase`, `</testcase>`
 * and the elements matched inside a case only ever occur as markup.
 */
export const TESTCASE = /<testcase\b[^>]*>[\s\S]*?<\/testcase>/g;

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function xmlUnescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

/** An attribute of an element's opening tag, unescaped. */
export function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : xmlUnescape(value);
}

type Count = 'failures' | 'errors' | 'skipped';

/**
 * Rewrites test cases one by one (`rewrite` returns the new case, or
 * undefined to keep it) and charges each rewritten case to the counts of
 * its testsuite and of the testsuites element: `perCase` says what one
 * rewritten case changes, e.g. one failure less and one skip more.
 */
export function rewriteTestcases(xml: string, rewrite: (testcase: string) => string | undefined, perCase: Partial<Record<Count, number>>): string {
  const perSuite = new Map<number, number>();
  let suite = -1;
  const parts = xml.split(/(<testsuite\b[^>]*>)/).map((part) => {
    if (/^<testsuite\b/.test(part)) {
      suite++;
      return part;
    }
    return part.replace(TESTCASE, (testcase) => {
      const out = rewrite(testcase);
      if (out === undefined) return testcase;
      perSuite.set(suite, (perSuite.get(suite) ?? 0) + 1);
      return out;
    });
  });
  const charge = (open: string, n: number): string => {
    let out = open;
    for (const [count, delta] of Object.entries(perCase)) {
      out = out.replace(new RegExp(`\\b${count}="(\\d+)"`), (_m, v: string) => `${count}="${Math.max(0, Number(v) + delta * n)}"`);
    }
    return out;
  };
  let index = -1;
  const counted = parts.map((part) => {
    if (!/^<testsuite\b/.test(part)) return part;
    index++;
    const n = perSuite.get(index) ?? 0;
    return n === 0 ? part : charge(part, n);
  });
  const total = [...perSuite.values()].reduce((a, b) => a + b, 0);
  return total === 0 ? xml : counted.join('').replace(/<testsuites\b[^>]*>/, (open) => charge(open, total));
}

// The parts of vitest's JSON report the rewriters read and change.
export interface JsonAssertion {
  ancestorTitles?: string[];
  title?: string;
  fullName?: string;
  status?: string;
  failureMessages?: string[];
  meta?: Record<string, unknown>;
  [key: string]: unknown;
}
export interface JsonFile {
  name?: string;
  status?: string;
  message?: string;
  assertionResults?: JsonAssertion[];
  [key: string]: unknown;
}
export interface JsonReport {
  numFailedTests?: number;
  numPendingTests?: number;
  numFailedTestSuites?: number;
  numPassedTestSuites?: number;
  success?: boolean;
  testResults?: JsonFile[];
  [key: string]: unknown;
}
