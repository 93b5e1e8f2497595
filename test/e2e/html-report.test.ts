import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../helpers/report/html.ts';
import { caseKey } from '../../helpers/report/results.ts';
import { REPORT_KEY, type RunReport } from '../../helpers/report/run-report.ts';
import { HOSTILE, hostileReport } from '../unit/hostile-report.ts';
import { openFile, type OpenedPage } from './browser.ts';
import { cli, reportDir, type CliResult } from './cli.ts';

// The HTML report of a real run on the testbed, opened in Debian's Chromium:
// a baseline run, then a run with the shipped known-failures list and
// --baseline, so the page has every part: passes, a skip with its reason, a
// known failure, the cluster record and the comparison.
const THIN = join(import.meta.dirname, '../../fixtures/known-failures/testbed-thin.yaml');
const BASE = ['^health/nad-crd$', '^in-pod/macvlan$', '^in-pod/ipvlan$', '^negative/long-ifname$'];
const run = (dir: string, tests: string[], extra: string[]): string[] => [
  'run', '--provider', 'local', '--mode', 'non-disruptive', '--known-failures', THIN, '--report-dir', dir, ...tests.flatMap((t) => ['-t', t]), ...extra,
];

describe('the HTML report of a real run, in headless Chromium', () => {
  const baseline = reportDir('html-base');
  const dir = reportDir('html');
  let result: CliResult;
  let report: RunReport;
  let opened: OpenedPage;

  beforeAll(async () => {
    const first = await cli(run(baseline, BASE, []));
    expect(first.exitCode, first.stdout.slice(-2000)).toBe(0);
    result = await cli(run(dir, [...BASE, '^selection/comma-list$'], ['--baseline', baseline]));
    report = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, RunReport>)[REPORT_KEY]!;
    opened = await openFile(join(dir, 'report.html'));
  }, 900_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('the run passed (its one failure known, nothing regressed)', () => {
    expect(result.exitCode, result.stdout.slice(-2000)).toBe(0);
  });

  it('opens with no console error, no failed load, and no request but the file itself', () => {
    expect(opened.errors).toEqual([]);
    expect(opened.failedRequests).toEqual([]);
    expect(opened.requests).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
  });

  it('shows the verdict, the run identity and the cluster versions', async () => {
    const { page } = opened;
    expect(await page.locator('h1').innerText()).toContain('PASSED (exit 0)');
    const body = await page.locator('body').innerText();
    expect(body).toContain(report.run.runId);
    expect(body).toContain('local / local / non-disruptive');
    expect(body).toContain(report.target!.kubernetesVersion);
    expect(body).toContain('kube-system/kube-multus-ds (1/1 ready)');
    expect(body).toContain('localhost/multus-conformance/multus:v4.2.3');
    expect(await page.getByText('14 CNI plugin binaries in /opt/cni/bin').or(page.getByText(/\d+ CNI plugin binaries in \/opt\/cni\/bin/)).first().isVisible()).toBe(true);
  });

  it('lists every scenario with its verdict, rule and reason', async () => {
    const rows = opened.page.locator('#scenarios tbody tr');
    expect(await rows.count()).toBe(report.scenarios.length);
    const verdicts: Record<string, string> = { passed: 'passed', failed: 'failed', known: 'known failure', skipped: 'skipped' };
    for (const s of report.scenarios) {
      const row = rows.filter({ hasText: caseKey(s) });
      expect(await row.count(), caseKey(s)).toBe(1);
      const text = await row.innerText();
      expect(text).toContain(verdicts[s.verdict]!);
      if (s.rule) expect(text).toContain(s.rule);
      if (s.verdict === 'skipped') expect(text).toContain(s.skipReason!);
      if (s.verdict === 'known') expect(text).toContain(`known failure: ${s.known!.reason}`);
    }
    expect(report.scenarios.map((s) => s.verdict).sort()).toEqual(['known', 'passed', 'passed', 'passed', 'skipped']);
  });

  it('has the known failures and the comparison with the baseline', async () => {
    const { page } = opened;
    expect(await page.locator('h2', { hasText: 'Known failures (1)' }).isVisible()).toBe(true);
    expect(await page.locator('#known table').innerText()).toContain('negative/long-ifname');
    expect(await page.locator('h2', { hasText: 'Compared with the baseline: no regression' }).isVisible()).toBe(true);
    const change = page.locator('#comparison tr', { hasText: 'selection/comma-list' });
    expect(await change.innerText()).toMatch(/^new\s+selection\/comma-list\s+—\s+pass/);
  });

  it('renders to a screenshot (kept in the report directory)', async () => {
    const png = join(dir, 'report.png');
    await opened.page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(20_000);
    process.stdout.write(`screenshot: ${png}\n`);
  });
});

describe('hostile texts in the HTML report, in headless Chromium', () => {
  let opened: OpenedPage;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mc-html-hostile-')), 'report.html');
    writeFileSync(file, renderHtml(hostileReport()));
    opened = await openFile(file);
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('runs nothing and loads nothing: no script, image or link in the DOM, the title untouched', async () => {
    const { page } = opened;
    expect(opened.errors).toEqual([]);
    expect(opened.failedRequests).toEqual([]);
    expect(opened.requests).toHaveLength(1);
    expect(await page.locator('script, img, a, iframe, object').count()).toBe(0);
    expect(await page.title()).toBe('multus-conformance run hostile1');
  });

  it('shows every hostile text as text, and no table row came from the data', async () => {
    const body = await opened.page.locator('body').innerText();
    for (const text of [HOSTILE.script, HOSTILE.image, HOSTILE.cell, HOSTILE.markdown]) expect(body).toContain(text);
    expect(await opened.page.locator('td', { hasText: /^injected$/ }).count()).toBe(0);
  });
});
