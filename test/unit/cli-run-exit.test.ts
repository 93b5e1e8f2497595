import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConformanceRunOptions } from '../../cli/conformance-run.ts';
import { FINE_SETUP, runStandIn, standInProject } from './stand-in-run.ts';
import { runStateDir } from '../../helpers/k8s/api-lost.ts';

const HELPERS = join(import.meta.dirname, '../../helpers');
const mod = (path: string): string => JSON.stringify(join(HELPERS, path));

const throwingSetup = (cls: string, message: string): string =>
  `import { ${cls} } from ${mod('errors.ts')};\nexport default function setup() { throw new ${cls}(${JSON.stringify(message)}); }`;

interface Result {
  code: number;
  stderr: string;
  stdout: string;
  junit: string;
  json: string;
  runId: string;
  out: string;
}

let runs = 0;
async function run(setup: string, test: string, opts: Partial<ConformanceRunOptions> & { outDir?: string } = {}): Promise<Result> {
  const r = await runStandIn(setup, test, opts.runId ?? `unit${process.pid}x${++runs}`, opts);
  return { code: r.code, stderr: r.stderr, stdout: r.stdout, junit: r.read('junit.xml'), json: r.read('report.json'), runId: r.runId, out: r.out };
}

afterEach(() => {
  vi.restoreAllMocks();
});

const PASS_AND_SKIP = `it('passes', () => {}); it('skips', async ({ annotate, skip }) => { await annotate('no SR-IOV resources on any node', 'skip-reason'); skip('no sriov'); });`;
const ALL_SKIP = `it('a', async ({ annotate, skip }) => { await annotate('node kernel lacks ipvlan', 'skip-reason'); skip(); }); it('b', async ({ annotate, skip }) => { await annotate('no SR-IOV resources on any node', 'skip-reason'); skip(); });`;

describe('run exit codes', () => {
  it('0 when everything passed or was skipped with a reason', async () => {
    const r = await run(FINE_SETUP, PASS_AND_SKIP);
    expect(r.code).toBe(0);
    expect(r.junit).toContain('<skipped message="no SR-IOV resources on any node"/>');
    expect(r.stderr).toBe('');
  }, 60_000);

  it('1 when a scenario failed', async () => {
    const r = await run(FINE_SETUP, `it('passes', () => {}); it('fails', () => { throw new Error('pod a/b, interface net1: operstate: expected UP, got DOWN'); });`);
    expect(r.code).toBe(1);
    expect(r.junit).toContain('<failure message="pod a/b, interface net1: operstate: expected UP, got DOWN"');
  }, 60_000);

  it.each([
    ['UsageError', 'refusing to run against context "prod" that was not named explicitly: pass --context prod'],
    ['ClusterAccessError', 'cannot reach API server https://10.0.0.1:6443 (context tkg): HTTP 401: Unauthorized'],
  ])('2 and one line, no stack, when the global setup throws a %s', async (cls, message) => {
    const r = await run(throwingSetup(cls, message), `it('never runs', () => {});`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`multus-conformance: ${message}\n`);
  }, 60_000);

  it('1 with the message when the global setup fails some other way', async () => {
    const r = await run(`export default function setup() { throw new Error('multus DaemonSet not ready on node w1'); }`, `it('never runs', () => {});`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('multus-conformance: the run could not complete: multus DaemonSet not ready on node w1\n');
  }, 60_000);

  it('failures outrank a late usage-type error: 1, not 2, and both are printed', async () => {
    const late = `import { ClusterAccessError } from ${mod('errors.ts')};
it('fails', () => { throw new Error('pod a/b: expected 2 interfaces, got 1'); });
it('leaves an error behind', async () => { setTimeout(() => { throw new ClusterAccessError('list namespaces: HTTP 403: forbidden'); }, 0); await new Promise((r) => setTimeout(r, 50)); });`;
    const r = await run(FINE_SETUP, late);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('multus-conformance: list namespaces: HTTP 403: forbidden\n');
    // The same late error without a failure is what it is: cluster access, 2.
    const alone = await run(FINE_SETUP, late.replace(/it\('fails'[^\n]*\n/, ''));
    expect(alone.code).toBe(2);
  }, 60_000);
});

describe('leftovers after the end-of-run sweep', () => {
  it('exit 1, the list printed with the cleanup command, and a failed run/cleanup case in both reports', async () => {
    const setup = `import { recordRunCluster, recordTeardown } from ${mod('scenario/run-state.ts')};
export default function setup() {
  recordRunCluster(process.env.MC_UNIT_RUN_ID, { kubeconfig: '/etc/kube/admin.conf', context: 'tkg-admin@tkg' });
  return () => recordTeardown(process.env.MC_UNIT_RUN_ID, { leftovers: ['namespace/mc-x-in-pod-macvlan', 'namespace/mc-x-negative-long-ifname'] });
}`;
    const runId = `unitleft${process.pid}`;
    process.env['MC_UNIT_RUN_ID'] = runId;
    const r = await run(setup, `it('passes', () => {});`, { runId });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `multus-conformance: still there after the sweep: namespace/mc-x-in-pod-macvlan, namespace/mc-x-negative-long-ifname; remove them with: multus-conformance cleanup --run-id ${runId} --kubeconfig /etc/kube/admin.conf --context tkg-admin@tkg\n`,
    );
    expect(r.junit).toMatch(/<testsuites [^>]*tests="2" failures="1" errors="0"/);
    expect(r.junit).toContain('name="run/cleanup: everything the run created is gone after it"');
    expect(r.junit).toContain('<failure message="still there after the sweep: namespace/mc-x-in-pod-macvlan');
    expect(JSON.parse(r.json)).toMatchObject({ success: false, numFailedTests: 1, numPassedTests: 1 });
    // The run's state directory does not outlive the run.
    expect(existsSync(runStateDir(runId))).toBe(false);
  }, 60_000);

  it('a sweep that could not reach the cluster: 2 with the cleanup command, unless a scenario failed (1)', async () => {
    const setup = (test: string): [string, string] => [
      `import { recordTeardown } from ${mod('scenario/run-state.ts')};
export default function setup() { return () => recordTeardown(process.env.MC_UNIT_RUN_ID, { leftovers: [], sweepError: 'list namespaces: connect ECONNREFUSED 10.77.0.1:6443' }); }`,
      test,
    ];
    const runId = `unitswp${process.pid}`;
    process.env['MC_UNIT_RUN_ID'] = runId;
    const ok = await run(...setup(`it('passes', () => {});`), { runId, kubeconfig: 'k.conf' });
    expect(ok.code).toBe(2);
    expect(ok.stderr).toContain(`the end-of-run sweep failed: list namespaces: connect ECONNREFUSED 10.77.0.1:6443; when the cluster answers: multus-conformance cleanup --run-id ${runId} --kubeconfig k.conf`);
    const failed = await run(...setup(`it('fails', () => { throw new Error('x'); });`), { runId, kubeconfig: 'k.conf' });
    expect(failed.code).toBe(1);
  }, 60_000);
});

describe('a run in which nothing ran, --fail-on-skip, --min-passed', () => {
  it('everything skipped: exit 1, "no scenario ran" said plainly, and not green in JUnit', async () => {
    const r = await run(FINE_SETUP, ALL_SKIP);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('multus-conformance: no scenario ran: all 2 selected were skipped (reasons above); a run that checked nothing does not pass\n');
    expect(r.junit).toMatch(/<testsuites [^>]*tests="3" failures="1"/);
    expect(r.junit).toContain('name="run/coverage: at least one scenario ran"');
  }, 60_000);

  it('--fail-on-skip: a pass and a skip exit 1; the same run without the flag exits 0', async () => {
    expect((await run(FINE_SETUP, PASS_AND_SKIP, { failOnSkip: true })).code).toBe(1);
    const r = await run(FINE_SETUP, PASS_AND_SKIP, { failOnSkip: true });
    expect(r.stderr).toBe('multus-conformance: --fail-on-skip: 1 scenario(s) skipped\n');
    expect((await run(FINE_SETUP, PASS_AND_SKIP, { failOnSkip: false })).code).toBe(0);
  }, 60_000);

  it('--min-passed: below it exits 1 naming the count; at it exits 0', async () => {
    const twoPass = `it('a', () => {}); it('b', () => {});`;
    const below = await run(FINE_SETUP, twoPass, { minPassed: 3 });
    expect(below.code).toBe(1);
    expect(below.stderr).toBe('multus-conformance: --min-passed 3: 2 passed\n');
    expect((await run(FINE_SETUP, twoPass, { minPassed: 2 })).code).toBe(0);
  }, 60_000);
});

describe('reports of a run that stopped before any scenario', () => {
  it('say why in a setup case with an <error>, and replace the earlier report only with that', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'mc-run-out-'));
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'junit.xml'), '<testsuites name="earlier run" tests="30" failures="0"></testsuites>');
    const r = await run(throwingSetup('ClusterAccessError', 'cannot reach API server https://10.0.0.1:6443 (context tkg): connect ECONNREFUSED'), `it('never runs', () => {});`, {
      outDir,
    });
    expect(r.code).toBe(2);
    expect(r.junit).not.toContain('earlier run');
    expect(r.junit).not.toMatch(/tests="0" failures="0" errors="0"/);
    expect(r.junit).toMatch(/<testsuites [^>]*tests="1" failures="0" errors="1"/);
    expect(r.junit).toContain('name="run/setup: the cluster, Multus and the node probes are ready"');
    expect(r.junit).toContain('<error message="cannot reach API server https://10.0.0.1:6443 (context tkg): connect ECONNREFUSED" type="ClusterAccessError">');
    expect(JSON.parse(r.json)).toMatchObject({ success: false, numTotalTests: 1, numFailedTests: 1, runProblems: [{ id: 'run/setup', kind: 'error' }] });
  }, 60_000);

  it('leave no half-written files: only the finished reports end up in the report directory', async () => {
    const r = await run(FINE_SETUP, `it('passes', () => {});`);
    expect(readdirSync(r.out).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md']);
  }, 60_000);
});

describe('a lost cluster', () => {
  it('stops starting scenarios: the rest are skipped with one reason, exit 2, one line with the cleanup command, no stack', async () => {
    // An API server address nothing listens on: what a cluster that went away looks like.
    const port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'mc-lost-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\ncurrent-context: ctx\n`,
    );
    const runId = `unitlost${process.pid}`;
    const setup = `import { loadKubeConfig } from ${mod('k8s/client.ts')};
import { startApiMonitor, watchApiLostFor } from ${mod('k8s/api-lost.ts')};
import { recordRunCluster } from ${mod('scenario/run-state.ts')};
import { timeoutsFor } from ${mod('scenario/timeouts.ts')};
import { DisruptionLock } from ${mod('scenario/disruption.ts')};
export default async function setup(project) {
  const kc = loadKubeConfig({ kubeconfig: ${JSON.stringify(kubeconfig)} });
  recordRunCluster(${JSON.stringify(runId)}, { kubeconfig: ${JSON.stringify(kubeconfig)}, context: 'ctx' });
  watchApiLostFor(${JSON.stringify(runId)});
  // lost after 300 ms; the setup waits for that verdict before the scenarios start
  await new Promise((resolve) => startApiMonitor(kc, { runId: ${JSON.stringify(runId)}, lostAfterMs: 300, intervalMs: 100, onLost: resolve }));
  project.provide('cluster', {
    kubeconfig: ${JSON.stringify(kubeconfig)}, context: 'ctx', provider: 'existing', runId: ${JSON.stringify(runId)}, profileName: 'generic',
    profile: {}, mode: 'full', strict: false, keep: false, tests: [], reportDir: ${JSON.stringify(dir)},
    timeouts: { ...timeoutsFor('generic'), apiLost: 300 }, serverVersion: 'v1.34.4',
    multus: { daemonSet: 'kube-system/kube-multus-ds', ready: 1, desired: 1 }, nodes: [], concurrency: 8,
  });
  return () => DisruptionLock.remove(${JSON.stringify(runId)});
}`;
    // The real scenario wrapper, on two catalog scenarios that need nothing from the nodes.
    const test = `import { registerScenarios, scenario } from ${mod('scenario/scenario.ts')};
scenario('health/nad-crd', async () => { throw new Error('the body ran'); });
scenario('health/multus-daemonset', async () => { throw new Error('the body ran'); });
registerScenarios();`;
    const r = await run(setup, test, { runId });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^multus-conformance: lost the cluster: API server https://127\\.0\\.0\\.1:${port} has not answered for \\d+s \\(since \\d\\d:\\d\\d:\\d\\d UTC; last error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); no scenario was started after that\\. When it is back: multus-conformance cleanup --run-id ${runId} --kubeconfig ${kubeconfig.replace(/[.]/g, '\\.')} --context ctx$`,
      ),
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain('the body ran');
    // One reason for every scenario not run, in the progress lines and in JUnit.
    const reasons = [...r.junit.matchAll(/<skipped message="([^"]*)"\/>/g)].map((m) => m[1]);
    expect(reasons).toHaveLength(2);
    expect(new Set(reasons).size).toBe(1);
    expect(reasons[0]).toMatch(/^not run: the cluster was lost: API server https:\/\/127\.0\.0\.1:\d+ has not answered/);
    expect(r.junit).toContain('<error message="lost the cluster: ');
    // The summary lists them under that one reason.
    expect(r.stdout).toMatch(/ {2}↷ 2 scenarios: not run: the cluster was lost: API server https:\/\/127\.0\.0\.1:\d+ has not answered[^\n]*\n {6}health\/nad-crd: /);
  }, 60_000);
});

describe('Ctrl-C during a run', () => {
  it('stops the scenarios and still runs the global teardown (which cleans up the run)', async () => {
    const setup = `export default function setup() {
  process.stdout.write('setup done\\n');
  return () => { process.stdout.write('teardown ran\\n'); };
}`;
    const { root, configFile } = standInProject(setup, `it('long scenario', async () => { await new Promise((r) => setTimeout(r, 60_000)); });`);
    const script = join(root, 'run.mts');
    const runner = join(import.meta.dirname, '../../cli/conformance-run.ts');
    writeFileSync(
      script,
      `import { conformanceRun } from ${JSON.stringify(runner)};
const code = await conformanceRun({ projects: ['conformance'], junitFile: ${JSON.stringify(join(root, 'j.xml'))}, jsonFile: ${JSON.stringify(join(root, 'r.json'))}, root: ${JSON.stringify(root)}, configFile: ${JSON.stringify(configFile)}, runId: 'unitctrlc', failOnSkip: false });
process.exit(code);`,
    );
    const child = execa('node', ['--import', 'tsx', script], { reject: false, cwd: join(import.meta.dirname, '../..') });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('setup done')) setTimeout(() => child.kill('SIGINT'), 300);
    });
    const r = await child;
    expect(r.stdout, r.stderr).toContain('teardown ran');
    expect(r.stderr).toContain('Interrupted: stopping the scenarios and cleaning up');
    expect(r.exitCode).toBe(1);
  }, 60_000);
});

/** A local TCP port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
