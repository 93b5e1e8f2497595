import { TESTCASE } from './report-files.ts';

/**
 * Vitest's junit reporter writes a skipped test as a bare `<skipped/>` and
 * the test's annotations as `<property>` elements. CI systems show the
 * `message` attribute of `<skipped>`, so the reason recorded with
 * `annotate(reason, 'skip-reason')` is copied there.
 *
 * This works on the file vitest writes, whose shape is fixed: testcases are
 * never nested, and text content and attribute values are XML-escaped, so
 * `<testcase`, `</testcase>` and `<skipped/>` only ever occur as markup.
 */
export const SKIP_REASON_TYPE = 'skip-reason';

const SKIP_REASON = new RegExp(`<property\\s+name="${SKIP_REASON_TYPE}"\\s+value="([^"]*)"`);

export function addSkipMessages(junitXml: string): string {
  return junitXml.replace(TESTCASE, (testcase) => {
    const reason = SKIP_REASON.exec(testcase)?.[1];
    if (reason === undefined) return testcase;
    // The value is copied still escaped, so it is valid as another attribute.
    return testcase.replace(/<skipped\s*\/>/, `<skipped message="${reason}"/>`);
  });
}
