import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { OWNED_LABEL, RUN_ID_LABEL } from '../../helpers/k8s/labels.ts';
import { ApiProxy } from './api-proxy.ts';
import { cli, kubeClient, newRunId, readJunit, readReport, reportDir, namespacesLeft, runNamespaces, type CliResult } from './cli.ts';

const BIN = fileURLToPath(new URL('../../bin/multus-conformance.js', import.meta.url));
const TESTBED_API = { host: '10.77.0.1', port: 6443 };

/** The CLI in its own process, with a way to wait for a line of its output. */
function startCli(args: string[]): { seen: (re: RegExp) => Promise<void>; done: Promise<CliResult> } {
  const child = execa('node', [BIN, ...args], { reject: false, stdin: 'ignore' });
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    for (const w of waiters.filter((x) => x.re.test(out))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const done = child.then((r) => ({ exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) }));
  return {
    seen: (re) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(out)) return resolve();
        waiters.push({ re, resolve });
        void done.then(() => reject(new Error(`the run ended before printing ${re}:\n${out.slice(-3000)}`)));
      }),
    done,
  };
}

const SCENARIO_LINE = /^ {2}[✓✗↷] /m;

describe('a cluster lost mid-run (the API server behind a proxy this test stops)', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);
  const context = kc.getCurrentContext();
  const proxies: ApiProxy[] = [];
  const newProxy = (): ApiProxy => {
    const p = new ApiProxy(TESTBED_API);
    proxies.push(p);
    return p;
  };
  const runArgs = (via: string, dir: string, runId: string): string[] => [
    'run', '--provider', 'existing', '--kubeconfig', via, '--context', context, '--profile', 'local', '--mode', 'non-disruptive',
    '-t', '^(health|in-pod|status|selection)/', '--concurrency', '1', '--report-dir', dir, '--run-id', runId,
  ];

  afterAll(async () => {
    for (const p of proxies) await p.stop();
  });

  it('for longer than apiLost: the rest is not run (one reason), exit 2, one line with the cleanup command, no stack', async () => {
    const proxy = newProxy();
    await proxy.start();
    const dir = reportDir('lost');
    const via = proxy.writeKubeconfig(kubeconfig, dir);
    const runId = newRunId('lost');
    const run = startCli(runArgs(via, dir, runId));
    await run.seen(SCENARIO_LINE);
    await proxy.stop();
    const r = await run.done;

    expect(r.exitCode, r.stderr).toBe(2);
    const lost = r.stderr.split('\n').filter((l) => /lost the cluster/.test(l));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(new RegExp(`^multus-conformance: lost the cluster: API server https://127\\.0\\.0\\.1:${proxy.port} has not answered for \\d+s .*connect ECONNREFUSED`));
    expect(lost[0]).toContain(`When it is back: multus-conformance cleanup --run-id ${runId} --kubeconfig ${via} --context ${context}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('error during close');

    const junit = readJunit(dir);
    const notRun = [...junit.matchAll(/<skipped message="(not run: the cluster was lost: [^"]*)"\/>/g)].map((m) => m[1]);
    expect(notRun.length).toBeGreaterThan(3);
    expect(new Set(notRun).size).toBe(1);
    // What was running when the proxy went away ends as cut short, not as ECONNREFUSED.
    const failures = [...readReport(dir).values()].filter((c) => c.status === 'failed' && !c.id.startsWith('run/'));
    expect(failures.length).toBeLessThanOrEqual(1);
    for (const f of failures) expect(f.failure).toMatch(/^ClusterLost: cluster lost: /);
    expect(junit).toContain('name="run/cluster: the API server answers throughout the run"');

    // "When it is back": the printed command removes what the run left.
    await proxy.start();
    const command = /When it is back: multus-conformance (cleanup .*)$/.exec(lost[0]!)?.[1]?.split(' ') ?? [];
    const cleanup = await cli(command);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    expect(await runNamespaces(core, runId)).toEqual([]);
  }, 600_000);

  it('for a few seconds: the run rides it out and runs every scenario', async () => {
    const proxy = newProxy();
    await proxy.start();
    const dir = reportDir('outage');
    const via = proxy.writeKubeconfig(kubeconfig, dir);
    const runId = newRunId('blip');
    const run = startCli(runArgs(via, dir, runId));
    await run.seen(SCENARIO_LINE);
    await proxy.stop();
    // An outage well under apiLost (30 s), like an API server restart.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    await proxy.start();
    const r = await run.done;

    expect(r.exitCode, r.stderr).not.toBe(2);
    expect(r.stderr).not.toContain('lost the cluster');
    const junit = readJunit(dir);
    expect(junit).not.toContain('not run: the cluster was lost');
    expect(junit).not.toContain('run/cluster');
    const listed = JSON.parse((await cli(['list', '--provider', 'existing', '--kubeconfig', kubeconfig, '--context', context, '--profile', 'local', '--mode', 'non-disruptive', '-t', '^(health|in-pod|status|selection)/', '-o', 'json'])).stdout) as Array<{ id: string; status: string }>;
    const report = readReport(dir);
    for (const s of listed.filter((x) => x.status === 'run')) expect(report.get(s.id)?.status, s.id).toBeDefined();
    expect(await namespacesLeft(core, runId)).toEqual([]);
  }, 600_000);
});

describe('namespaces left after the end-of-run sweep', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { core } = kubeClient(kubeconfig);
  const runId = newRunId('left');
  const held = `mc-${runId}-held`;
  const FINALIZER = 'multus-conformance.io/e2e-hold';

  afterAll(async () => {
    // Let it go: remove the finalizer; the sweep already deleted it.
    await core.patchNamespace({ name: held, body: [{ op: 'remove', path: '/metadata/finalizers' }] }).catch(() => undefined);
    await core.deleteNamespace({ name: held }).catch(() => undefined);
  });

  it('exit 1, listed with the cleanup command, and a failed run/cleanup case', async () => {
    // A namespace of this run that a finalizer holds in Terminating.
    await core.createNamespace({ body: { metadata: { name: held, labels: { [OWNED_LABEL]: 'true', [RUN_ID_LABEL]: runId }, finalizers: [FINALIZER] } } });
    const dir = reportDir('leftovers');
    // A short wait: the finalizer holds the namespace for good (the default wait is 2 minutes).
    const r = await cli(['run', '--provider', 'local', '--mode', 'quick', '-t', '^health/nad-crd$', '--run-id', runId, '--report-dir', dir, '--sweep-wait', '10s']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain(`multus-conformance: still there after the sweep: namespace/${held} (finalizer ${FINALIZER}); remove them with: multus-conformance cleanup --run-id ${runId} --kubeconfig ${kubeconfig}`);
    expect(readReport(dir).get('health/nad-crd')?.status).toBe('passed');
    expect(readJunit(dir)).toMatch(/<testcase classname="multus-conformance run" name="run\/cleanup: everything the run created is gone after it"[^>]*>\s*<failure message="still there after the sweep: namespace\/mc-/);
    const ns = await core.readNamespace({ name: held });
    expect(ns.metadata?.deletionTimestamp).toBeDefined();
  }, 600_000);
});

describe('a run that stops before any scenario', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const context = kubeClient(kubeconfig).kc.getCurrentContext();

  it('an unreachable cluster: exit 2, one line, and reports that say so in place of the earlier ones', async () => {
    const dir = reportDir('setup');
    const proxy = new ApiProxy(TESTBED_API);
    await proxy.start();
    const via = proxy.writeKubeconfig(kubeconfig, dir);
    await proxy.stop(); // nothing listens there now
    writeFileSync(`${dir}/junit.xml`, '<testsuites name="earlier run" tests="30" failures="0"></testsuites>\n');
    const r = await cli(['run', '--provider', 'existing', '--kubeconfig', via, '--context', context, '--report-dir', dir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^multus-conformance: cannot reach API server https://127\\.0\\.0\\.1:${proxy.port} \\(context ${context}\\): .*ECONNREFUSED`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const junit = readJunit(dir);
    expect(junit).not.toContain('earlier run');
    expect(junit).toMatch(/<testsuites [^>]*tests="1" failures="0" errors="1"/);
    expect(junit).toContain('<error message="cannot reach API server');
    expect(JSON.parse(readFileSync(`${dir}/report.json`, 'utf8'))).toMatchObject({ success: false, runProblems: [{ id: 'run/setup' }] });
  }, 120_000);

  it('bad input rejected before vitest starts writes no report at all (the earlier one stays)', async () => {
    const dir = reportDir('usage');
    writeFileSync(`${dir}/junit.xml`, '<testsuites name="earlier run"></testsuites>\n');
    const r = await cli(['run', '--provider', 'local', '-t', '^no-such-scenario$', '--report-dir', dir]);
    expect(r.exitCode).toBe(2);
    expect(readFileSync(`${dir}/junit.xml`, 'utf8')).toContain('earlier run');
    expect(existsSync(`${dir}/report.json`)).toBe(false);
  }, 120_000);
});

describe('-t: list and run agree', () => {
  it('a title match anchored at its end (a per-node scenario\'s case name ends in [node=…]) runs what list shows', async () => {
    const listed = JSON.parse((await cli(['list', '--provider', 'local', '--mode', 'non-disruptive', '-t', 'routes$', '-o', 'json'])).stdout) as Array<{ id: string; status: string }>;
    // One row per node for per-node scenarios: the report has one entry per scenario id.
    const selected = [...new Set(listed.filter((s) => s.status !== 'excluded').map((s) => s.id))];
    expect(selected).toContain('in-pod/macvlan');
    const dir = reportDir('select');
    const r = await cli(['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', 'routes$', '--report-dir', dir]);
    expect(r.stdout).not.toContain('No test suite found');
    expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
    expect([...readReport(dir).keys()].sort()).toEqual(selected.sort());
  }, 600_000);

  it('a pattern only a node name matches selects nothing in both: list excludes all, run exits 2', async () => {
    const listed = JSON.parse((await cli(['list', '--provider', 'local', '-t', '\\[node=mc-node\\]', '-o', 'json'])).stdout) as Array<{ status: string }>;
    expect(listed.every((s) => s.status === 'excluded')).toBe(true);
    const r = await cli(['run', '--provider', 'local', '-t', '\\[node=mc-node\\]', '--report-dir', reportDir('select-node')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no scenario matches/);
  }, 120_000);
});

describe('runs that checked little', () => {
  it('everything skipped (no SR-IOV here): exit 1, "no scenario ran"', async () => {
    const dir = reportDir('none-ran');
    const r = await cli(['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', '^sriov/', '--report-dir', dir]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain('multus-conformance: no scenario ran: all 1 selected were skipped');
    expect(readJunit(dir)).toContain('name="run/coverage: at least one scenario ran"');
  }, 600_000);

  it('--fail-on-skip and --min-passed turn a run with a skip (ipvlan: kernel) and one pass into exit 1; without them it is 0', async () => {
    const args = ['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', '^in-pod/(macvlan|ipvlan)$'];
    const strict = await cli([...args, '--fail-on-skip', '--min-passed', '2', '--report-dir', reportDir('ci-flags')]);
    expect(strict.exitCode, strict.stderr).toBe(1);
    expect(strict.stderr).toMatch(/^multus-conformance: --fail-on-skip: 1 scenario\(s\) skipped$/m);
    expect(strict.stderr).toMatch(/^multus-conformance: --min-passed 2: 1 passed$/m);
    const plain = await cli([...args, '--report-dir', reportDir('no-ci-flags')]);
    expect(plain.exitCode, plain.stderr).toBe(0);
  }, 600_000);
});
