import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conformanceRun, type ConformanceRunOptions } from '../../cli/conformance-run.ts';
import { FINE_SETUP, runStandIn } from './stand-in-run.ts';
import { UsageError } from '../../helpers/errors.ts';
import { REPORT_KEY, type RunReport } from '../../helpers/report/run-report.ts';

// Test cases named like scenarios in a stand-in project (stand-in-run.ts).
const IDS = new Set(['negative/long-ifname', 'negative/bad-mac', 'health/nad-crd', 'in-pod/ipvlan', 'lifecycle/pod-during-restart']);
const STUCK = 'pod mc-1/negative: delete after a failed attachment of averyveryverylongname0: expected pod gone within 15s, got still present, Terminating';

const SUITE = (longIfname: string): string => `
it('health/nad-crd: NAD CRD served', () => {});
it('negative/long-ifname: interface name over 15 characters fails the pod', async ({ annotate }) => {
  await annotate('NPWG §4.1.2.1.5', 'rule');
  ${longIfname}
});
it('in-pod/ipvlan: ipvlan l2 attachment [node=mc-node]', async ({ annotate, skip }) => {
  await annotate('node mc-node: node kernel lacks ipvlan', 'skip-reason');
  skip();
});`;
const FAILS_STUCK = `throw new Error(${JSON.stringify(STUCK)});`;

function list(entries: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mc-kf-')), 'known.yaml');
  writeFileSync(file, entries);
  return file;
}
const THIN = list(`- scenario: negative/long-ifname\n  message: 'got still present, Terminating'\n  reason: no upstream issue found\n`);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
  junit: string;
  report: RunReport;
  json: Record<string, unknown>;
}

let runs = 0;
async function run(test: string, opts: Partial<ConformanceRunOptions> = {}): Promise<Result> {
  const r = await runStandIn(FINE_SETUP, test, opts.runId ?? `unitkf${process.pid}x${++runs}`, { scenarioIds: IDS, ...opts });
  const json = JSON.parse(readFileSync(join(r.out, 'report.json'), 'utf8')) as Record<string, unknown>;
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, out: r.out, junit: readFileSync(join(r.out, 'junit.xml'), 'utf8'), json, report: json[REPORT_KEY] as RunReport };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('run --known-failures', () => {
  it('every failure known: exit 0; known in JUnit, JSON, the summary, Markdown and HTML, apart from the skips', async () => {
    const r = await run(SUITE(FAILS_STUCK), { knownFailuresFile: THIN });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.junit).toContain('<skipped message="known failure: no upstream issue found">');
    expect(r.junit).toContain('<property name="known-failure" value="true">');
    expect(r.junit).toMatch(/<testsuites [^>]*failures="0"/);
    expect(r.json).toMatchObject({ success: true, numFailedTests: 0 });
    expect(r.report.counts).toEqual({ passed: 1, failed: 0, known: 1, skipped: 1 });
    expect(r.report.scenarios.find((s) => s.id === 'negative/long-ifname')).toMatchObject({ verdict: 'known', known: { entry: 0, matched: 'got still present, Terminating' } });
    expect(r.report.knownFailures?.entries).toEqual([expect.objectContaining({ scenario: 'negative/long-ifname', status: 'matched' })]);
    expect(r.stdout).toContain('  x negative/long-ifname: interface name over 15 characters fails the pod');
    expect(r.stdout).toContain('Summary: 1 passed, 0 failed, 1 known failure(s), 1 skipped (3)');
    const knownSection = r.stdout.slice(r.stdout.indexOf('Known failures (accepted by'), r.stdout.indexOf('Skipped:'));
    expect(knownSection).toContain('negative/long-ifname');
    expect(r.stdout.slice(r.stdout.indexOf('Skipped:'))).not.toContain('long-ifname');
    expect(readFileSync(join(r.out, 'report.md'), 'utf8')).toContain('### Known failures (1,');
    expect(readFileSync(join(r.out, 'report.html'), 'utf8')).toContain('Known failures (1)');
  }, 60_000);

  it('a failure with another message: exit 1, and the summary says why the entry did not apply', async () => {
    const r = await run(SUITE(`throw new Error('pod mc-1/negative: waiting for Ready: timed out');`), { knownFailuresFile: THIN });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`(known-failure entry 1 of ${THIN} names this scenario, but its message /got still present, Terminating/ does not match this failure)`);
    expect(r.junit).toMatch(/<failure message="pod mc-1\/negative: waiting for Ready/);
    expect(r.report.knownFailures?.entries[0]?.status).toBe('unmatched');
  }, 60_000);

  it('an expired entry: its failure counts, exit 1', async () => {
    const expired = list(`- {scenario: negative/long-ifname, message: Terminating, reason: was accepted, expires: 2026-01-01}\n`);
    const r = await run(SUITE(FAILS_STUCK), { knownFailuresFile: expired, now: new Date('2026-11-30T00:00:00Z') });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`(known-failure entry 1 of ${expired} expired on 2026-01-01 (was accepted): counted as a failure)`);
    expect(r.stdout).toContain('Expired known-failure entries');
    expect(r.report.counts.failed).toBe(1);
  }, 60_000);

  it('an entry whose scenario passes is reported fixed (prune it); the run passes', async () => {
    const r = await run(SUITE(''), { knownFailuresFile: THIN });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Fixed: known-failure entries whose scenario passed (remove them from ${THIN}):\n  ✓ entry 1: negative/long-ifname (no upstream issue found)`);
    expect(r.report.knownFailures?.entries[0]?.status).toBe('fixed');
  }, 60_000);

  it('--fail-on-skip does not count a known failure as a skip', async () => {
    const noSkip = `it('negative/long-ifname: t', () => { ${FAILS_STUCK} }); it('health/nad-crd: t', () => {});`;
    expect((await run(noSkip, { knownFailuresFile: THIN, failOnSkip: true })).code).toBe(0);
  }, 60_000);

  it('a bad file is refused before anything runs: a UsageError (exit 2), no report written', async () => {
    const bad = list('- {scenario: negative/long-ifname, message: "(", reason: r}\n');
    const out = mkdtempSync(join(tmpdir(), 'mc-kf-out-'));
    await expect(conformanceRun({ projects: ['conformance'], junitFile: join(out, 'j.xml'), jsonFile: join(out, 'r.json'), runId: 'unitkfbad', failOnSkip: false, knownFailuresFile: bad })).rejects.toThrow(UsageError);
    expect(existsSync(join(out, 'r.json'))).toBe(false);
  });

  it('masks credentials in every report, Markdown and HTML included', async () => {
    const r = await run(SUITE(`throw new Error('pod a/b: API error: Authorization: Bearer sekrit-0123456789abcdef');`), { knownFailuresFile: THIN });
    expect(r.code).toBe(1);
    for (const f of ['junit.xml', 'report.json', 'report.md', 'report.html']) {
      const text = readFileSync(join(r.out, f), 'utf8');
      expect(text, f).toContain(f === 'report.md' ? 'Bearer \\*\\*\\*' : 'Bearer ***');
      expect(text, f).not.toContain('sekrit');
    }
  }, 60_000);

  it('appends the Markdown summary to $GITHUB_STEP_SUMMARY (the file the run is given)', async () => {
    const summary = join(mkdtempSync(join(tmpdir(), 'mc-step-')), 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    await run(SUITE(FAILS_STUCK), { knownFailuresFile: THIN, stepSummaryFile: summary });
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## multus-conformance: ✅ passed')).toBe(true);
  }, 60_000);
});

describe('run --baseline', () => {
  it('no regression: exit 0, the comparison printed and recorded', async () => {
    const first = await run(SUITE(''));
    const r = await run(SUITE(''), { baselineFile: first.out });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Compared with the baseline ${join(first.out, 'report.json')}: no regression`);
    expect(r.report.comparison).toMatchObject({ regressions: 0, baseline: join(first.out, 'report.json') });
    expect(r.report.run.baselineFile).toBe(join(first.out, 'report.json'));
  }, 60_000);

  it('a run that passes on its own but lost a case that ran before: exit 1, a run/baseline case in JUnit', async () => {
    const first = await run(SUITE(''));
    const r = await run(`it('health/nad-crd: NAD CRD served', () => {});`, { baselineFile: join(first.out, 'report.json') });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gone \(regression\) +negative\/long-ifname +pass +— +\S+ → +ran before, not in this run/);
    expect(r.stderr).toContain(`multus-conformance: 1 regression(s) against the baseline ${join(first.out, 'report.json')}: negative/long-ifname gone\n`);
    expect(r.junit).toContain('name="run/baseline: no regression against the baseline (--baseline)"');
    expect(r.json).toMatchObject({ success: false });
  }, 60_000);

  it('pass → known failure is a regression even though the run itself is green', async () => {
    const first = await run(SUITE(''));
    const r = await run(SUITE(FAILS_STUCK), { baselineFile: first.out, knownFailuresFile: THIN });
    expect(r.code).toBe(1);
    expect(r.report.comparison?.rows[0]).toMatchObject({ key: 'negative/long-ifname', change: 'pass→known', regression: true });
  }, 60_000);

  it('a baseline that is not a report is refused before anything runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mc-bl-'));
    await expect(conformanceRun({ projects: ['conformance'], junitFile: join(out, 'j.xml'), jsonFile: join(out, 'r.json'), runId: 'unitblbad', failOnSkip: false, baselineFile: join(out, 'none') })).rejects.toThrow(
      /^--baseline .*none: no such file or directory$/,
    );
  });
});

describe('the CLI refuses bad input in one line, exit 2', () => {
  const BIN = join(import.meta.dirname, '../../bin/multus-conformance.js');
  const cli = async (...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> => {
    const r = await execa('node', [BIN, ...args], { reject: false, cwd: tmpdir(), env: { NO_COLOR: '1' } });
    return { code: r.exitCode ?? -1, stderr: r.stderr, stdout: r.stdout };
  };

  it.each([
    ['a known-failures file that is not there', ['run', '--known-failures', '/nonexistent/kf.yaml'], /^multus-conformance: --known-failures \/nonexistent\/kf\.yaml: file not found$/],
    ['a known-failures entry naming no scenario of the suite', ['run', '--known-failures', list('- {scenario: negative/nope, message: x, reason: r}\n')], /entry 1: scenario negative\/nope does not exist/],
    ['a baseline that is not there', ['run', '--baseline', '/nonexistent/prev'], /^multus-conformance: --baseline \/nonexistent\/prev: no such file or directory$/],
    ['compare with a side that is not a report', ['compare', '/nonexistent/a', '/nonexistent/b'], /^multus-conformance: compare: BEFORE \/nonexistent\/a: no such file or directory$/],
  ])('%s', async (_what, args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('compare of two recorded runs prints the table; exit 1 on a regression, 0 the other way round', async () => {
    const payload = join(import.meta.dirname, '../payloads/report/run-long-ifname-failed.report.json');
    const dir = mkdtempSync(join(tmpdir(), 'mc-cmp-'));
    // The same run, with long-ifname passing: "before" for a regression.
    const report = JSON.parse(readFileSync(payload, 'utf8')) as { testResults: Array<{ assertionResults: Array<{ status: string; failureMessages: string[] }> }> };
    for (const f of report.testResults) for (const a of f.assertionResults) if (a.status === 'failed') Object.assign(a, { status: 'passed', failureMessages: [] });
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
    const worse = await cli('compare', dir, payload);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toMatch(/^CHANGE +SCENARIO +BEFORE +AFTER +DURATION +DETAIL$/m);
    expect(worse.stdout).toMatch(/^pass→fail \(regression\) +negative\/long-ifname +pass +fail +\S+ → \S+ \([+-]\d+%\) +ConformanceFailure: pod mc-00fe88f5-negative-long-ifname/m);
    expect(worse.stdout).toContain('3 case(s) unchanged.');
    expect(worse.stderr).toContain('has no multus-conformance section (an older report)');
    const better = await cli('compare', payload, dir);
    expect(better.code).toBe(0);
    expect(better.stdout).toMatch(/^fail→pass +negative\/long-ifname/m);
  });
});
