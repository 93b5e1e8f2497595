import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor, waitForPodReady } from '../../helpers/k8s/wait.ts';
import { NETWORK_STATUS_ANNOTATION } from '../../helpers/parse/network-status.ts';
import { cli, kubeClient, newRunId, readReport, reportDir, runNamespaces, spawnCli } from './cli.ts';

// A "workload" outside the suite's namespaces, as an operator's cluster has.
const WORKLOAD_NS = 'mc-e2e-workload';
const NAD = {
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name: 'macvlan-conf', namespace: WORKLOAD_NS },
  spec: {
    config: JSON.stringify({
      cniVersion: '0.3.0',
      type: 'macvlan',
      master: 'mc-seg0',
      mode: 'bridge',
      ipam: { type: 'host-local', subnet: '192.168.1.0/24', rangeStart: '192.168.1.200', rangeEnd: '192.168.1.216', gateway: '192.168.1.1' },
    }),
  },
};

describe('audit of a workload pod, read-only', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);

  beforeAll(async () => {
    // A namespace left by an aborted earlier run of this test goes first.
    await core.deleteNamespace({ name: WORKLOAD_NS }).catch(() => undefined);
    await waitFor('old workload namespace gone', async () => {
      const left = (await core.listNamespace()).items.some((n) => n.metadata?.name === WORKLOAD_NS);
      return left ? { done: false, state: 'still there' } : { done: true, value: undefined, state: 'gone' };
    }, { timeoutMs: 120_000 });
    await core.createNamespace({ body: { metadata: { name: WORKLOAD_NS } } });
    await k8s.KubernetesObjectApi.makeApiClient(kc).create(NAD);
    await core.createNamespacedPod({
      namespace: WORKLOAD_NS,
      body: {
        metadata: { name: 'app', annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-conf' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'app', image: 'localhost/multus-conformance/testpod:1', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
        },
      },
    });
    await waitForPodReady(kc, WORKLOAD_NS, 'app', 120_000);
  }, 180_000);

  afterAll(async () => {
    await core.deleteCollectionNamespacedPod({ namespace: WORKLOAD_NS, gracePeriodSeconds: 0 }).catch(() => undefined);
    await core.deleteNamespace({ name: WORKLOAD_NS }).catch(() => undefined);
  });

  it('passes a healthy pod (exit 0)', async () => {
    const r = await cli(['audit', '--kubeconfig', kubeconfig, '-n', WORKLOAD_NS]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${WORKLOAD_NS}/app`);
  });

  it('the audit scenario of a run checks it too', async () => {
    const dir = reportDir('audit-run');
    const r = await cli(['run', '--provider', 'local', '--report-dir', dir, '-t', 'audit/']);
    expect(r.exitCode, r.stderr.slice(-1500)).toBe(0);
    expect(readReport(dir).get('audit/workload-pods')?.status).toBe('passed');
  });

  it('reports a status annotation that disagrees with the pod (exit 1), naming pod, interface, expected and actual', async () => {
    const pod = await core.readNamespacedPod({ namespace: WORKLOAD_NS, name: 'app' });
    const status = JSON.parse(pod.metadata!.annotations![NETWORK_STATUS_ANNOTATION]!) as { interface?: string; ips?: string[] }[];
    const net1 = status.find((e) => e.interface === 'net1')!;
    const real = net1.ips![0]!;
    net1.ips = ['192.168.1.215'];
    await core.patchNamespacedPod(
      { namespace: WORKLOAD_NS, name: 'app', body: [{ op: 'replace', path: '/metadata/annotations/k8s.v1.cni.cncf.io~1network-status', value: JSON.stringify(status) }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    const r = await cli(['audit', '--kubeconfig', kubeconfig, '-n', WORKLOAD_NS]);
    expect(r.exitCode).toBe(1);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).toContain(`${WORKLOAD_NS}/app`);
    expect(out).toContain('net1');
    expect(out).toContain('192.168.1.215');
    expect(out).toContain(real);
  });
});

describe('cleanup of kept and interrupted runs', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { core } = kubeClient(kubeconfig);

  it('--keep leaves the run namespaces; cleanup --run-id removes them and only them', async () => {
    const runId = newRunId('keep');
    const r = await cli(['run', '--provider', 'local', '--keep', '--run-id', runId, '--report-dir', reportDir('keep'), '-t', 'health/plain-pod']);
    expect(r.exitCode, r.stderr.slice(-1500)).toBe(0);
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
