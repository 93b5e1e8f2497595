import { describe, expect, it } from 'vitest';
import { markUnfinishedInJson, markUnfinishedInJunit, type UnfinishedCase } from '../../helpers/report/unfinished.ts';

// Recorded from a stand-in run whose worker was stopped during `blocks` (vitest 4.1.12), with a
// describe block and a second file with a case of the same name added.
const JUNIT = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="4" failures="1" errors="0" time="0.003718947">
    <testsuite name="a-block.test.ts" timestamp="2026-12-01T01:23:01.390Z" hostname="vm" tests="2" failures="0" errors="0" skipped="0" time="0">
        <testcase classname="a-block.test.ts" name="suite &gt; blocks" time="0">
        </testcase>
        <testcase classname="a-block.test.ts" name="suite &gt; passed before" time="0.0012">
        </testcase>
    </testsuite>
    <testsuite name="b-pass.test.ts" timestamp="2026-12-01T01:23:01.393Z" hostname="vm" tests="2" failures="1" errors="0" skipped="0" time="0.003718947">
        <testcase classname="b-pass.test.ts" name="suite &gt; blocks" time="0.001976654">
        </testcase>
        <testcase classname="b-pass.test.ts" name="fails" time="0.001">
            <failure message="x" type="AssertionError">x</failure>
        </testcase>
    </testsuite>
</testsuites>
`;

const BLOCKS: UnfinishedCase = {
  relativeFile: 'a-block.test.ts',
  file: '/tmp/mc-stall-x/a-block.test.ts',
  name: 'suite > blocks',
  reason: 'not finished: stalled: a-block.test.ts made no progress for 2s while between its tests and hooks',
};

describe('markUnfinishedInJunit', () => {
  it('turns the empty case of the unfinished test into an error with the reason and counts it', () => {
    const out = markUnfinishedInJunit(JUNIT, [BLOCKS]);
    expect(out).toContain(
      `<testcase classname="a-block.test.ts" name="suite &gt; blocks" time="0">\n            <error message="${BLOCKS.reason}" type="Unfinished">${BLOCKS.reason}</error>\n        </testcase>`,
    );
    expect(out).toMatch(/<testsuites name="vitest tests" tests="4" failures="1" errors="1"/);
    expect(out).toMatch(/<testsuite name="a-block\.test\.ts" [^>]*errors="1"/);
    expect(out).toMatch(/<testsuite name="b-pass\.test\.ts" [^>]*errors="0"/);
  });

  it('leaves the same name in another file, the passed cases and a case with a verdict of its own as they were', () => {
    const out = markUnfinishedInJunit(JUNIT, [BLOCKS, { ...BLOCKS, relativeFile: 'b-pass.test.ts', name: 'fails' }]);
    expect(out).toContain('<testcase classname="b-pass.test.ts" name="suite &gt; blocks" time="0.001976654">\n        </testcase>');
    expect(out).toContain('<testcase classname="a-block.test.ts" name="suite &gt; passed before" time="0.0012">\n        </testcase>');
    expect(out).toContain('<failure message="x" type="AssertionError">x</failure>\n        </testcase>');
    expect(out.match(/type="Unfinished"/g)).toHaveLength(1);
  });

  it('changes nothing without unfinished cases', () => {
    expect(markUnfinishedInJunit(JUNIT, [])).toBe(JUNIT);
  });
});

describe('markUnfinishedInJson', () => {
  const json = {
    numFailedTests: 1,
    numPendingTests: 1,
    success: false,
    testResults: [
      {
        name: '/tmp/mc-stall-x/a-block.test.ts',
        status: 'passed',
        assertionResults: [
          { ancestorTitles: ['suite'], title: 'blocks', fullName: 'suite blocks', status: 'pending', failureMessages: [] },
          { ancestorTitles: ['suite'], title: 'passed before', fullName: 'suite passed before', status: 'passed', failureMessages: [] },
        ],
      },
      { name: '/tmp/mc-stall-x/b-pass.test.ts', status: 'failed', assertionResults: [{ ancestorTitles: ['suite'], title: 'blocks', status: 'passed', failureMessages: [] }] },
    ],
  };

  it('makes the pending case failed with the reason; pending (counted as skipped) no more', () => {
    const out = markUnfinishedInJson(json, [BLOCKS]) as typeof json;
    expect(out).toMatchObject({ numFailedTests: 2, numPendingTests: 0, success: false });
    expect(out.testResults[0]).toMatchObject({ status: 'failed' });
    expect(out.testResults[0]!.assertionResults[0]).toMatchObject({ status: 'failed', failureMessages: [BLOCKS.reason] });
    expect(out.testResults[0]!.assertionResults[1]).toMatchObject({ status: 'passed' });
    expect(out.testResults[1]).toEqual(json.testResults[1]);
  });

  it('leaves a case that is not pending, and a report without such cases, as they were', () => {
    const skipped = { ...json, testResults: [{ ...json.testResults[0]!, assertionResults: [{ ...json.testResults[0]!.assertionResults[0]!, status: 'skipped' }] }] };
    expect(markUnfinishedInJson(skipped, [BLOCKS])).toBe(skipped);
    expect(markUnfinishedInJson(json, [])).toBe(json);
  });
});
