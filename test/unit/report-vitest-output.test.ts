import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVitest } from 'vitest/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSkipMessages } from '../../helpers/report/junit-skips.ts';
import { postProcessReports } from '../../helpers/report/post-process.ts';
import { SummaryReporter } from '../../helpers/report/summary-reporter.ts';

// A tiny suite shaped like the scenarios: a skip with a recorded reason, a
// pass, a failure whose message carries a token, a plain skip.
const SUITE = `
describe('macvlan', () => {
  it('ipvlan <l2> & "friends"', async ({ annotate, skip }) => {
    await annotate('node kind-worker: ipvlan: "operation not supported" <&>', 'skip-reason');
    skip('no ipvlan');
  });
  it('link up', () => {});
  it('status matches', () => {
    throw new Error('pod mc-1/a, interface net1: operstate: expected UP, got DOWN (Authorization: Bearer sekrit-0123456789)');
  });
  it.skip('later', () => {});
});
`;

let dir: string;
let junit: string;
let json: string;
let printed: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mc-report-'));
  writeFileSync(join(dir, 'scenario.test.js'), SUITE);
  junit = join(dir, 'junit.xml');
  json = join(dir, 'report.json');
  let out = '';
  const vitest = await createVitest('test', {
    root: dir,
    config: false,
    globals: true,
    include: ['scenario.test.js'],
    watch: false,
    reporters: [
      ['junit', { outputFile: junit }],
      ['json', { outputFile: json }],
      new SummaryReporter({ reportFiles: { JUnit: junit }, write: (t) => (out += t) }),
    ],
  });
  try {
    await vitest.start();
  } finally {
    await vitest.close();
  }
  printed = out;
}, 60_000);

describe('junit skip messages', () => {
  it('copies the skip-reason property into <skipped message>, escaped, and only there', () => {
    const before = readFileSync(junit, 'utf8');
    expect(before).toContain('<skipped/>');
    const after = addSkipMessages(before);
    expect(after).toContain('<skipped message="node kind-worker: ipvlan: &quot;operation not supported&quot; &lt;&amp;&gt;"/>');
    // The plain it.skip has no reason recorded and stays as it was.
    expect(after.match(/<skipped\/>/g)).toHaveLength(1);
    expect(after.replace(/<skipped message="[^"]*"\/>/, '<skipped/>')).toBe(before);
  });

  it('leaves a file without skips unchanged', () => {
    const xml = '<testsuites><testsuite><testcase name="a"></testcase></testsuite></testsuites>';
    expect(addSkipMessages(xml)).toBe(xml);
  });

  it('finishes both report files: skip reasons in, credentials out', () => {
    expect(readFileSync(json, 'utf8')).toContain('sekrit-0123456789');
    postProcessReports({ junitFile: junit, jsonFile: json });
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<skipped message="node kind-worker');
    expect(xml).not.toContain('sekrit');
    expect(readFileSync(json, 'utf8')).not.toContain('sekrit');
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ numFailedTests: 1, numPassedTests: 1 });
  });
});

describe('summary reporter', () => {
  it('prints a progress line per scenario', () => {
    expect(printed).toMatch(/ {2}✓ macvlan > link up {2}\d+ms\n/);
    expect(printed).toMatch(/ {2}✗ macvlan > status matches {2}\d+ms\n {6}pod mc-1\/a, interface net1: operstate: expected UP, got DOWN \(Authorization: Bearer \*\*\*\)\n/);
    expect(printed).toContain('  ↷ macvlan > ipvlan <l2> & "friends"  (node kind-worker: ipvlan: "operation not supported" <&>)');
  });

  it('ends with counts, failures with their first line, skips with their reason, and the report paths', () => {
    const summary = printed.slice(printed.indexOf('Summary:'));
    expect(summary).toMatch(/^Summary: 1 passed, 1 failed, 2 skipped \(4\) in \d/);
    expect(summary).toContain('Failed:\n  ✗ macvlan > status matches\n      pod mc-1/a, interface net1: operstate: expected UP, got DOWN (Authorization: Bearer ***)\n');
    expect(summary).toContain('Skipped:\n  ↷ macvlan > ipvlan <l2> & "friends": node kind-worker: ipvlan: "operation not supported" <&>\n  ↷ macvlan > later: skipped\n');
    expect(summary).toContain(`Reports:\n  JUnit: ${junit}\n`);
  });

  it('never prints the token', () => {
    expect(printed).not.toContain('sekrit');
  });
});
