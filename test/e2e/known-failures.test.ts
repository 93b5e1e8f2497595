import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_KEY, type RunReport } from '../../helpers/report/run-report.ts';
import { breakPlugin, type BrokenPlugin } from './broken-plugin.ts';
import { cli, readJunit, reportDir, type CliResult } from './cli.ts';

// The README's nightly-CI example with the list shipped for the thin testbed,
// narrowed to three scenarios (the whole example runs --mode full, which
// restarts Multus: not something to do on the shared testbed from a test):
// the pinned finding (negative/long-ifname), a scenario the regression below
// breaks (selection/json-form, the only user of the tuning plugin), and one
// that nothing here touches.
const THIN = join(import.meta.dirname, '../../fixtures/known-failures/testbed-thin.yaml');
const SELECTION = ['-t', '^health/nad-crd$', '-t', '^negative/long-ifname$', '-t', '^selection/json-form$'];
const nightly = (dir: string): string[] => ['run', '--provider', 'local', '--mode', 'non-disruptive', '--known-failures', THIN, '--report-dir', dir, ...SELECTION];
const BROKEN = 'tuning deliberately broken by the known-failures e2e';

function section(dir: string): RunReport {
  return (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, RunReport>)[REPORT_KEY]!;
}

describe('nightly CI with the shipped known-failures list, on the thin testbed', () => {
  const good = reportDir('kf-good');
  const broken = reportDir('kf-broken');
  let first: CliResult;
  let second: CliResult;
  let plugin: BrokenPlugin | undefined;
  let restoredSha: string | undefined;

  beforeAll(async () => {
    first = await cli(nightly(good));
    // The regression is made in the cluster, not in the list: the tuning plugin on the node fails every ADD.
    plugin = breakPlugin('tuning', BROKEN);
    try {
      second = await cli(nightly(broken));
    } finally {
      restoredSha = plugin.restore();
    }
  }, 900_000);

  afterAll(() => {
    // Whatever happened above, the node gets its plugin back.
    plugin?.restore();
  });

  it('exits 0 with the pinned finding reported as known: JUnit skipped with the reason, JSON known, summary section of its own', () => {
    expect(first.exitCode, `${first.stdout.slice(-3000)}\n${first.stderr.slice(-2000)}`).toBe(0);
    const report = section(good);
    expect(report.target?.multus.flavor, 'this list is for the thin testbed').toBe('thin');
    expect(report.counts).toEqual({ passed: 2, failed: 0, known: 1, skipped: 0 });
    expect(report.scenarios.find((s) => s.id === 'negative/long-ifname')).toMatchObject({
      verdict: 'known',
      known: { entry: 0, matched: expect.stringMatching(/^delete after a failed attachment .*got still present, Terminating$/) },
    });
    // The policy finding's entry: its scenario is not selected here.
    expect(report.knownFailures?.entries.map((e) => e.status)).toEqual(['matched', 'not run']);
    const junit = readJunit(good);
    expect(junit).toMatch(/<testcase [^>]*name="negative\/long-ifname:[^"]*"[\s\S]*?<property name="known-failure" value="true">[\s\S]*?<skipped message="known failure: thin Multus v4\.2\.3: [^"]*no upstream issue found[^"]*">/);
    expect(junit).toMatch(/<testsuites [^>]*failures="0"/);
    expect(first.stdout).toMatch(/^Summary: 2 passed, 0 failed, 1 known failure\(s\), 0 skipped \(3\)/m);
    expect(first.stdout).toMatch(/^Known failures \(accepted by .*testbed-thin\.yaml; not counted as failures\):\n {2}x negative\/long-ifname/m);
    for (const f of ['report.md', 'report.html']) expect(existsSync(join(good, f))).toBe(true);
  });

  it('records what it ran against: Kubernetes, Multus, the node plugins, the NADs applied', () => {
    const t = section(good).target!;
    expect(t.kubernetesVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(t.multus).toMatchObject({ daemonSet: 'kube-system/kube-multus-ds', flavor: 'thin' });
    expect(t.nodes.map((n) => n.name)).toEqual(['mc-node']);
    expect(t.nodes[0]!.cniBinaries?.tuning).toBe(plugin!.originalSha256);
    expect(t.nads.map((n) => `${n.scenario} ${n.name}`)).toEqual(['negative/long-ifname macvlan-conf', 'selection/json-form macvlan-static']);
  });

  it('exits 1 after a regression in the cluster (the node\'s tuning plugin broken), the list unchanged', () => {
    expect(second.exitCode, second.stdout.slice(-3000)).toBe(1);
    const report = section(broken);
    const jsonForm = report.scenarios.find((s) => s.id === 'selection/json-form')!;
    expect(jsonForm.verdict).toBe('failed');
    expect(jsonForm.message).toMatch(/pod mc-\S+-selection-json-form\/json-form: waiting for Ready/);
    expect(jsonForm.message).toContain(BROKEN);
    // The pinned finding is still known; the new failure is not.
    expect(report.counts).toEqual({ passed: 1, failed: 1, known: 1, skipped: 0 });
    expect(second.stdout).toMatch(/^Failed:\n {2}✗ selection\/json-form/m);
  });

  it('the broken run recorded the changed plugin', () => {
    expect(section(broken).target!.nodes[0]!.cniBinaries?.tuning).not.toBe(plugin!.originalSha256);
  });

  it('restored the plugin byte for byte', () => {
    expect(restoredSha).toBe(plugin!.originalSha256);
  });

  it('compare of the two runs: one regression, json-form pass→fail, and the plugin that changed on the node', async () => {
    const r = await cli(['compare', good, broken]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/: 1 regression\(s\)$/m);
    expect(r.stdout).toMatch(/^ {4}node mc-node: \/opt\/cni\/bin\/tuning: sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}$/m);
    expect(r.stdout).toMatch(/^pass→fail \(regression\) +selection\/json-form +pass +fail +.*waiting for Ready/m);
    expect(r.stdout).toMatch(/^2 case\(s\) unchanged\.$/m);
  });
});
