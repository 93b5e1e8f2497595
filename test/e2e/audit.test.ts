import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor, waitForPodReady } from '../../helpers/k8s/wait.ts';
import { NETWORKS_ANNOTATION } from '../../helpers/parse/network-selection.ts';
import { NETWORK_STATUS_ANNOTATION } from '../../helpers/parse/network-status.ts';
import { cli, failureDigest, kubeClient, newRunId, readReport, reportDir, runNamespaces, spawnCli } from './cli.ts';

// Workloads outside the suite's namespaces, as an operator's cluster has them.
// Addresses 192.168.1.241-.249: no profile range (local .100-.199, ipvlan
// .217-.229, small .230-.231, MTU .232-.239, static .240) and no other e2e
// file's pool (audit used .200-.216 before, cleanup-sweep a static .250).
const SUFFIX = Math.random().toString(16).slice(2, 8);
const NS = `mc-e2e-audit-${SUFFIX}`;
const EMPTY_NS = `mc-e2e-audit-${SUFFIX}-none`;
const TESTPOD = 'localhost/multus-conformance/testpod:1';
const PAUSE = 'localhost/multus-conformance/pause:1';
const MACVLAN = JSON.stringify({
  cniVersion: '0.3.1',
  // One host-local store for every NAD here: no address is handed out twice.
  name: 'mc-e2e-audit',
  type: 'macvlan',
  master: 'mc-seg0',
  mode: 'bridge',
  ipam: { type: 'host-local', subnet: '192.168.1.0/24', rangeStart: '192.168.1.241', rangeEnd: '192.168.1.249', gateway: '192.168.1.1' },
});

const nad = (name: string, namespace = NS): k8s.KubernetesObject & { spec: { config: string } } => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name, namespace },
  spec: { config: MACVLAN },
});

function podBody(name: string, image: string, networks: string, extra: Partial<k8s.V1PodSpec> = {}): k8s.V1Pod {
  const command = image === TESTPOD ? { command: ['/bin/sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] } : {};
  return {
    metadata: { name, annotations: { [NETWORKS_ANNOTATION]: networks } },
    spec: {
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', ...command }],
      ...extra,
    },
  };
}

describe('audit of workload pods: every pod compared, or said why not', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const runIds: string[] = [];

  const audit = async (args: string[]): Promise<{ exitCode: number; out: string; stdout: string; stderr: string; runId: string }> => {
    const runId = newRunId('aud');
    runIds.push(runId);
    const r = await cli(['audit', '--kubeconfig', kubeconfig, '--run-id', runId, ...args]);
    return { ...r, out: `${r.stdout}\n${r.stderr}`, runId };
  };
  const row = (out: string, pod: string): string => out.split('\n').find((l) => l.startsWith(`${pod} `)) ?? `(no row for ${pod})`;
  const start = async (body: k8s.V1Pod, namespace = NS): Promise<k8s.V1Pod> => {
    await core.createNamespacedPod({ namespace, body });
    return await waitForPodReady(kc, namespace, body.metadata!.name!, 120_000);
  };
  const deletePodAndWait = async (name: string): Promise<void> => {
    await core.deleteNamespacedPod({ namespace: NS, name, gracePeriodSeconds: 0 }).catch(() => undefined);
    await waitFor(
      `pod ${NS}/${name} gone`,
      async () => {
        const pods = (await core.listNamespacedPod({ namespace: NS })).items.map((p) => p.metadata?.name);
        return pods.includes(name) ? { done: false, state: 'still there' } : { done: true, value: undefined, state: 'gone' };
      },
      { timeoutMs: 60_000 },
    );
  };

  beforeAll(async () => {
    for (const name of [NS, EMPTY_NS]) await core.createNamespace({ body: { metadata: { name } } });
    await objects.create(nad('mv'));
    await objects.create(nad('doomed'));
    // (a) a pod whose image has ip; (b) a pod running only the pause image: no ip, no shell.
    await Promise.all([start(podBody('app', TESTPOD, 'mv')), start(podBody('pause', PAUSE, 'mv'))]);
    // (e) a pod that cannot run anywhere: nothing in its namespace can be compared.
    await core.createNamespacedPod({ namespace: EMPTY_NS, body: podBody('pending', PAUSE, 'mv', { nodeSelector: { 'mc-e2e-audit/none': 'true' } }) });
  }, 300_000);

  afterAll(async () => {
    for (const name of [NS, EMPTY_NS]) {
      await core.deleteCollectionNamespacedPod({ namespace: name, gracePeriodSeconds: 0 }).catch(() => undefined);
      await core.deleteNamespace({ name }).catch(() => undefined);
    }
    await waitFor(
      'e2e audit namespaces gone',
      async () => {
        const left = (await core.listNamespace()).items.map((n) => n.metadata?.name ?? '').filter((n) => n === NS || n === EMPTY_NS);
        return left.length === 0 ? { done: true, value: undefined, state: 'gone' } : { done: false, state: left.join(', ') };
      },
      { timeoutMs: 180_000 },
    );
  }, 240_000);

  it('(a, b) a pod with ip and a pause-image pod: both compared and correct, the pause pod from its node; exit 0; no probe namespace left', async () => {
    const r = await audit(['-n', NS]);
    expect(r.exitCode, r.out).toBe(0);
    expect(row(r.stdout, `${NS}/app`)).toMatch(/mc-node\s+correct\s+exec$/);
    expect(row(r.stdout, `${NS}/pause`)).toMatch(/mc-node\s+correct\s+node probe$/);
    expect(r.stdout).toContain(`2 pod(s) with network annotations in namespace ${NS}: 2 compared with their live interfaces (1 read from the node); 2 correct, 0 wrong`);
    expect(r.out).not.toContain('Nothing was compared');
    expect(await runNamespaces(core, r.runId)).toEqual([]);
  });

  it('the audit scenario of a run compares them too', async () => {
    const dir = reportDir('audit-run');
    const r = await cli(['run', '--provider', 'local', '--report-dir', dir, '-t', '^audit/']);
    // Other workloads on the shared testbed are audited as well: on a failure, the message names the pod.
    expect(r.exitCode, failureDigest(r)).toBe(0);
    expect(readReport(dir).get('audit/workload-pods')?.status).toBe('passed');
  });

  it('(c) the pause pod with a wrong IP in its status: a finding naming pod, interface, expected and actual; exit 1', async () => {
    const pod = await start(podBody('pause-wrong', PAUSE, 'mv'));
    try {
      const status = JSON.parse(pod.metadata!.annotations![NETWORK_STATUS_ANNOTATION]!) as { interface?: string; ips?: string[] }[];
      const net1 = status.find((e) => e.interface === 'net1')!;
      const real = net1.ips![0]!;
      const wrong = real === '192.168.1.249' ? '192.168.1.248' : '192.168.1.249';
      net1.ips = [wrong];
      await core.patchNamespacedPod(
        { namespace: NS, name: 'pause-wrong', body: [{ op: 'replace', path: '/metadata/annotations/k8s.v1.cni.cncf.io~1network-status', value: JSON.stringify(status) }] },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
      );
      const r = await audit(['-n', NS]);
      expect(r.exitCode, r.out).toBe(1);
      expect(row(r.stdout, `${NS}/pause-wrong`)).toMatch(/wrong \(1 finding\)\s+node probe$/);
      const finding = r.stdout.split('\n').find((l) => l.startsWith(`${NS}/pause-wrong `) && l.includes('network-status ips'));
      expect(finding, r.stdout).toBeDefined();
      expect(finding).toMatch(new RegExp(`net1\\s+network-status ips match the interface\\s+${wrong.replaceAll('.', '\\.')} \\(network-status\\)\\s+${real.replaceAll('.', '\\.')} \\(inside the pod\\)`));
      expect(await runNamespaces(core, r.runId)).toEqual([]);
    } finally {
      await deletePodAndWait('pause-wrong');
    }
  });

  it('(d) a pod whose NAD was deleted after it started: a finding; exit 1', async () => {
    await start(podBody('orphan', TESTPOD, 'doomed'));
    try {
      await objects.delete(nad('doomed'));
      const r = await audit(['-n', NS]);
      expect(r.exitCode, r.out).toBe(1);
      expect(row(r.stdout, `${NS}/orphan`)).toMatch(/wrong \(1 finding\)\s+exec$/);
      const finding = r.stdout.split('\n').find((l) => l.startsWith(`${NS}/orphan `) && l.includes('NetworkAttachmentDefinition'));
      expect(finding, r.stdout).toMatch(new RegExp(`net1\\s+NetworkAttachmentDefinition the pod uses exists\\s+NAD ${NS}/doomed\\s+not found$`));
    } finally {
      await deletePodAndWait('orphan');
    }
  });

  it('(e) nothing comparable: says so plainly, exit 0; exit 1 under --fail-on-unchecked', async () => {
    const r = await audit(['-n', EMPTY_NS]);
    expect(r.exitCode, r.out).toBe(0);
    expect(r.stdout).toContain(
      `Nothing was compared: none of the 1 pod(s) in namespace ${EMPTY_NS} had its live interfaces read (${EMPTY_NS}/pending: not running (phase Pending)).`,
    );
    const ci = await audit(['-n', EMPTY_NS, '--fail-on-unchecked']);
    expect(ci.exitCode, ci.out).toBe(1);
    expect(ci.stderr).toContain('--fail-on-unchecked: nothing was compared');
  });

  it('--no-node-probe: the pause pod is not checked, with why; exit 0, and 1 under --fail-on-unchecked; nothing created', async () => {
    const r = await audit(['-n', NS, '--no-node-probe']);
    expect(r.exitCode, r.out).toBe(0);
    expect(row(r.stdout, `${NS}/pause`)).toMatch(/not checked\s+-$/);
    expect(r.stdout).toContain(`${NS}/pause: no ip in container main; reading from the node is off (--no-node-probe)`);
    expect(r.stdout).toContain('1 compared with their live interfaces; 1 correct, 0 wrong (0 finding(s)), 1 not checked');
    const ci = await audit(['-n', NS, '--no-node-probe', '--fail-on-unchecked']);
    expect(ci.exitCode, ci.out).toBe(1);
    expect(ci.stderr).toContain('--fail-on-unchecked: 1 pod(s) not checked');
  });

  it('Ctrl-C while the node probe runs: exits 130 and deletes the probe namespace', async () => {
    const runId = newRunId('aint');
    runIds.push(runId);
    const child = spawnCli(['audit', '--kubeconfig', kubeconfig, '--run-id', runId, '-n', NS]);
    await waitFor(
      'the audit to create its node probe namespace',
      async () => ((await runNamespaces(core, runId)).length > 0 ? { done: true, value: undefined, state: 'created' } : { done: false, state: 'not yet' }),
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    child.kill('SIGINT');
    expect(await child.done).toBe(130);
    await waitFor(
      'the probe namespace to be gone',
      async () => {
        const left = await runNamespaces(core, runId);
        return left.length === 0 ? { done: true, value: undefined, state: 'gone' } : { done: false, state: left.join(', ') };
      },
      { timeoutMs: 120_000 },
    );
  });

  it('left no probe namespace behind, for any audit above', async () => {
    expect(runIds.length).toBeGreaterThan(0);
    for (const id of runIds) expect(await runNamespaces(core, id), id).toEqual([]);
  });
});
