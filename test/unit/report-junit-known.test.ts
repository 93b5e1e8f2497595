import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markKnownInJson, markKnownInJunit, type KnownCase } from '../../helpers/report/junit-known.ts';

// A real run on the thin testbed (test/payloads/README.md): negative/long-ifname failed.
const PAYLOADS = join(import.meta.dirname, '../payloads/report');
const JUNIT = readFileSync(join(PAYLOADS, 'run-long-ifname-failed.junit.xml'), 'utf8');
const JSON_REPORT = JSON.parse(readFileSync(join(PAYLOADS, 'run-long-ifname-failed.report.json'), 'utf8')) as Record<string, unknown>;
const NAME = 'negative/long-ifname: interface name over 15 characters fails the pod';
const MESSAGE = 'pod mc-00fe88f5-negative-long-ifname/negative: delete after a failed attachment … got still present, Terminating; "quoted" <&>';

const known: KnownCase = {
  name: NAME,
  message: MESSAGE,
  known: { entry: 0, reason: "no upstream issue found (it's <thin> & \"stuck\")", pattern: 'still present, Terminating', matched: 'got still present, Terminating' },
};

function testcase(xml: string, name: string): string {
  const start = xml.indexOf(`name="${name}"`);
  return xml.slice(xml.lastIndexOf('<testcase', start), xml.indexOf('</testcase>', start) + '</testcase>'.length);
}

describe('known failures in JUnit', () => {
  const xml = markKnownInJunit(JUNIT, [known]);
  const tc = testcase(xml, NAME);

  it('the failure becomes <skipped message="known failure: REASON">, its text kept inside', () => {
    expect(tc).not.toMatch(/<failure\b/);
    expect(tc).toContain('<skipped message="known failure: no upstream issue found (it&apos;s &lt;thin&gt; &amp; &quot;stuck&quot;)">');
    expect(tc).toMatch(/<skipped [^>]*>\nConformanceFailure: pod mc-00fe88f5-negative-long-ifname\/negative: delete after a failed attachment[\s\S]*<\/skipped>/);
  });

  it('with properties known-failure=true, the reason, the whole message and the matched part, next to the existing ones', () => {
    expect(tc).toContain('<property name="rule" value="NPWG §4.1.2.1.5">');
    expect(tc).toContain('<property name="known-failure" value="true">');
    expect(tc).toContain('<property name="known-failure-message" value="pod mc-00fe88f5-negative-long-ifname/negative: delete after a failed attachment … got still present, Terminating; &quot;quoted&quot; &lt;&amp;&gt;">');
    expect(tc).toContain('<property name="known-failure-matched" value="got still present, Terminating">');
    expect(tc.match(/<properties>/g)).toHaveLength(1);
  });

  it('the counts follow: one failure fewer, one skip more, in the testsuite and the root', () => {
    expect(JUNIT).toMatch(/<testsuites [^>]*failures="1"/);
    expect(xml).toMatch(/<testsuites [^>]*failures="0"/);
    expect(xml).toMatch(/<testsuite name="suites\/negative\.test\.ts" [^>]*failures="0" errors="0" skipped="1"/);
    // The other suites are untouched.
    expect(xml).toMatch(/<testsuite name="suites\/in-pod\.test\.ts" [^>]*failures="0" errors="0" skipped="1"/);
  });

  it('stays well-formed: the only changes are the ones above', () => {
    const back = xml
      .replace(/\n\s*<property name="known-failure[^"]*" value="[^"]*">\n\s*<\/property>/g, '')
      .replace(/<skipped message="known failure: [^"]*">/, '<failure message="X" type="ConformanceFailure">')
      .replace('</skipped>', '</failure>');
    const original = JUNIT.replace(/<failure message="[^"]*" type="ConformanceFailure">/, '<failure message="X" type="ConformanceFailure">')
      .replace(/<testsuites ([^>]*)failures="1"/, '<testsuites $1failures="0"')
      .replace(/(<testsuite name="suites\/negative\.test\.ts" [^>]*)failures="1" errors="0" skipped="0"/, '$1failures="0" errors="0" skipped="1"');
    expect(back).toBe(original);
  });

  it('a case that passed, or another name, is left alone (wrong data)', () => {
    expect(markKnownInJunit(JUNIT, [{ ...known, name: 'health/nad-crd: NetworkAttachmentDefinition CRD served at k8s.cni.cncf.io/v1' }])).toBe(JUNIT);
    expect(markKnownInJunit(JUNIT, [{ ...known, name: 'negative/long-ifname: something else' }])).toBe(JUNIT);
    expect(markKnownInJunit(JUNIT, [])).toBe(JUNIT);
  });

  it('adds a properties block to a case that had none', () => {
    const bare = '<testsuites tests="1" failures="1" errors="0"><testsuite name="s" tests="1" failures="1" errors="0" skipped="0">\n<testcase classname="s" name="a/b: t" time="1">\n<failure message="m" type="E">m</failure>\n</testcase></testsuite></testsuites>';
    const out = markKnownInJunit(bare, [{ ...known, name: 'a/b: t' }]);
    expect(out).toMatch(/<testcase classname="s" name="a\/b: t" time="1">\n\s*<properties>\n\s*<property name="known-failure" value="true">/);
    expect(out).toContain('skipped="1"');
  });
});

describe('known failures in the JSON report', () => {
  const out = markKnownInJson(JSON_REPORT, [known]) as Record<string, unknown> & { testResults: Array<{ name: string; status: string; assertionResults: Array<{ fullName: string; status: string; meta: Record<string, unknown> }> }> };
  const file = out.testResults.find((f) => f.name.endsWith('negative.test.ts'))!;

  it('the case is skipped with meta.knownFailure; the file and the run are no longer failed', () => {
    expect(file.assertionResults[0]).toMatchObject({ fullName: NAME, status: 'skipped', meta: { knownFailure: { reason: known.known.reason, pattern: 'still present, Terminating', matched: 'got still present, Terminating', entry: 1 } } });
    expect(file.status).toBe('passed');
    expect(out).toMatchObject({ numFailedTests: 0, numPendingTests: 2, numFailedTestSuites: 0, numPassedTestSuites: 4, success: true });
  });

  it('another failure in the run keeps it failed (wrong data)', () => {
    const other = markKnownInJson(JSON_REPORT, [{ ...known, name: 'health/nad-crd: NetworkAttachmentDefinition CRD served at k8s.cni.cncf.io/v1' }]);
    expect(other).toMatchObject({ numFailedTests: 1, success: false });
  });
});
