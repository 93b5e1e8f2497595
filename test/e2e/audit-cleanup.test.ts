import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { cli, failureDigest, kubeClient, newRunId, reportDir, runNamespaces, spawnCli } from './cli.ts';

// The audit's e2e tests are in audit.test.ts.

describe('cleanup of kept and interrupted runs', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { core } = kubeClient(kubeconfig);

  it('--keep leaves the run namespaces; cleanup --run-id removes them and only them', async () => {
    const runId = newRunId('keep');
    const r = await cli(['run', '--provider', 'local', '--keep', '--run-id', runId, '--report-dir', reportDir('keep'), '-t', 'health/plain-pod']);
    expect(r.exitCode, failureDigest(r)).toBe(0);
    expect((await runNamespaces(core, runId)).length).toBeGreaterThan(0);
    const c = await cli(['cleanup', '--kubeconfig', kubeconfig, '--run-id', runId]);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(await runNamespaces(core, runId)).toEqual([]);
    expect((await core.readNamespace({ name: 'kube-system' })).metadata?.name).toBe('kube-system');
  });

  it('Ctrl-C during a run: nothing is left that cleanup cannot remove', async () => {
    const runId = newRunId('int');
    const child = spawnCli(['run', '--provider', 'local', '--run-id', runId, '--report-dir', reportDir('interrupt'), '-t', 'selection/']);
    // Interrupt once the run has created its namespaces.
    const deadline = Date.now() + 120_000;
    while ((await runNamespaces(core, runId)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    expect(await child.done).not.toBe(0);
    const c = await cli(['cleanup', '--kubeconfig', kubeconfig, '--run-id', runId]);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(await runNamespaces(core, runId)).toEqual([]);
  }, 300_000);
});

describe('bad input: one line, exit 2, nothing created', () => {
  it.each([
    [['run', '--provider', 'existing', '--kubeconfig', '/nonexistent/kubeconfig', '--context', 'x'], /kubeconfig \/nonexistent\/kubeconfig: file not found/],
    [['run', '--concurrency', 'many'], /concurrency/],
    [['run', '--provider', 'moon'], /moon/],
    [['validate', '/nonexistent/nad.yaml'], /nonexistent\/nad\.yaml/],
  ])('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('validate accepts the suite fixtures and rejects a broken NAD', async () => {
    const ok = await cli(['validate', 'test/payloads/nad/seed-macvlan-conf.yaml', 'test/payloads/nad/ipvlan-l2.yaml']);
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    const broken = join(reportDir('validate'), 'broken.yaml');
    writeFileSync(broken, readFileSync('test/payloads/nad/seed-macvlan-conf.yaml', 'utf8').replace('"rangeStart": "192.168.1.200"', '"rangeStart": "10.0.0.5"'));
    const bad = await cli(['validate', broken]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/broken\.yaml: spec\.config\.ipam\.rangeStart: .*10\.0\.0\.5/);
  });
});
