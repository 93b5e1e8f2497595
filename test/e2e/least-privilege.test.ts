import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyObjects } from '../../helpers/k8s/apply.ts';
import { compareUsage, grantsOf, usesOf } from '../support/rbac-usage.ts';
import { waitFor, waitForPodReady } from '../../helpers/k8s/wait.ts';
import { TESTBED_HAS_MNP } from './expected-local.ts';
import { cli, failureDigest, kubeClient, newRunId, readReport, reportDir, namespacesLeft } from './cli.ts';

// The suite on a cluster it did not create, as an operator runs it: provider
// existing, with a token of the ServiceAccount that the shipped RBAC manifest
// creates, not cluster-admin. The testbed's API server logs that
// ServiceAccount's requests (scripts/testbed/up.sh, audit policy), so the
// test can also show that every permission the manifest grants was used.
const MANIFEST = 'fixtures/rbac/multus-conformance.yaml';
const SA = { namespace: 'multus-conformance', name: 'multus-conformance' };
const SA_USER = `system:serviceaccount:${SA.namespace}:${SA.name}`;
const AUDIT_LOG = '/var/lib/multus-conformance/logs/audit.log';
const CONTEXT = 'multus-conformance-sa@testbed';
// A workload of the cluster's owner, for the ServiceAccount to audit (and the run's audit scenario).
const WORKLOAD_NS = 'mc-e2e-lp-workload';
const WORKLOAD_NAD = {
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name: 'macvlan-lp', namespace: WORKLOAD_NS },
  spec: {
    config: JSON.stringify({
      cniVersion: '0.3.1',
      type: 'macvlan',
      master: 'mc-seg0',
      mode: 'bridge',
      // .252-.253: no fixture, profile or other e2e test uses them.
      ipam: { type: 'host-local', subnet: '192.168.1.0/24', rangeStart: '192.168.1.252', rangeEnd: '192.168.1.253' },
    }),
  },
};

describe('least privilege: provider existing with the shipped RBAC manifest', () => {
  const adminKubeconfig = inject('testbedKubeconfig');
  const { kc } = kubeClient(adminKubeconfig);
  const dir = reportDir('least-privilege');
  const kubeconfig = join(dir, 'sa.kubeconfig');
  let logStart = 0;

  beforeAll(async () => {
    await applyObjects(kc, k8s.loadAllYaml(readFileSync(MANIFEST, 'utf8')) as k8s.KubernetesObject[]);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const token = await core.createNamespacedServiceAccountToken({
      namespace: SA.namespace,
      name: SA.name,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const cluster = kc.getCurrentCluster()!;
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'testbed', cluster: { server: cluster.server, 'certificate-authority-data': caData(cluster) } }],
        users: [{ name: 'sa', user: { token: token.status!.token } }],
        contexts: [{ name: CONTEXT, context: { cluster: 'testbed', user: 'sa' } }],
        'current-context': CONTEXT,
      }),
      { mode: 0o600 },
    );
    await core.deleteNamespace({ name: WORKLOAD_NS }).catch(() => undefined);
    await waitFor('old workload namespace gone', async () => {
      const left = (await core.listNamespace()).items.some((n) => n.metadata?.name === WORKLOAD_NS);
      return left ? { done: false, state: 'still there' } : { done: true, value: undefined, state: 'gone' };
    }, { timeoutMs: 120_000 });
    await core.createNamespace({ body: { metadata: { name: WORKLOAD_NS } } });
    await k8s.KubernetesObjectApi.makeApiClient(kc).create(WORKLOAD_NAD);
    await core.createNamespacedPod({
      namespace: WORKLOAD_NS,
      body: {
        metadata: { name: 'app', annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-lp' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'app', image: 'localhost/multus-conformance/testpod:1', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
        },
      },
    });
    await waitForPodReady(kc, WORKLOAD_NS, 'app', 120_000);
    expect(existsSync(AUDIT_LOG), `${AUDIT_LOG}: the testbed must log the ServiceAccount's requests`).toBe(true);
    logStart = statSync(AUDIT_LOG).size;
  }, 120_000);

  afterAll(async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.deleteCollectionNamespacedPod({ namespace: WORKLOAD_NS, gracePeriodSeconds: 0 }).catch(() => undefined);
    await core.deleteNamespace({ name: WORKLOAD_NS }).catch(() => undefined);
    // The manifest is an operator's one-time set-up; the ServiceAccount's tokens expire by themselves.
    await k8s.KubernetesObjectApi.makeApiClient(kc)
      .delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: SA.namespace } })
      .catch(() => undefined);
  });

  const existing = (args: string[]): string[] => ['--provider', 'existing', '--kubeconfig', kubeconfig, '--context', CONTEXT, '--profile', 'local', ...args];

  it('non-disruptive run passes without a permission error', async () => {
    const runId = newRunId('lpn');
    const out = reportDir('lp-nd');
    const r = await cli(['run', ...existing(['--run-id', runId, '--report-dir', out])]);
    expect(r.stderr + r.stdout).not.toMatch(/forbidden|HTTP 403/i);
    expect(r.exitCode, failureDigest(r)).toBe(0);
    const failed = [...readReport(out).values()].filter((c) => c.status === 'failed');
    expect(failed).toEqual([]);
    expect([...readReport(out).values()].filter((c) => c.status === 'passed').length).toBeGreaterThan(10);
    expect(await namespacesLeft(kubeClient(adminKubeconfig).core, runId)).toEqual([]);
  }, 900_000);

  it('full mode restarts Multus with the same permissions', async () => {
    const out = reportDir('lp-full');
    const r = await cli(['run', ...existing(['--mode', 'full', '-t', '^lifecycle/', '--report-dir', out])]);
    expect(r.stderr + r.stdout).not.toMatch(/forbidden|HTTP 403/i);
    expect(r.exitCode, failureDigest(r)).toBe(0);
    expect(readReport(out).get('lifecycle/multus-restart')?.status).toBe('passed');
  }, 900_000);

  it('audit and cleanup work with the same permissions', async () => {
    for (const scope of [[], ['-n', WORKLOAD_NS]]) {
      const audit = await cli(['audit', '--kubeconfig', kubeconfig, '--context', CONTEXT, ...scope]);
      expect(audit.stderr + audit.stdout).not.toMatch(/forbidden|HTTP 403/i);
      expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);
      expect(audit.stdout).toContain(`${WORKLOAD_NS}/app`);
    }
    const cleanup = await cli(['cleanup', '--kubeconfig', kubeconfig, '--context', CONTEXT]);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
  }, 300_000);

  it('every permission the manifest grants was used, and none was refused', async () => {
    const log = readFileSync(AUDIT_LOG, 'utf8').slice(logStart);
    // A grant for a resource this cluster does not serve cannot be exercised
    // here: packaging.carvel.dev (TKG only) never, MultiNetworkPolicy where
    // the testbed could not build its daemon (no CRD then). Both are named in
    // the manifest as such.
    const served = await servedResources(kc);
    const all = grantsOf(readFileSync(MANIFEST, 'utf8'), 'multus-conformance');
    const grants = new Set([...all].filter((g) => served.has(g.split(':')[0]!)));
    expect([...all].filter((g) => !grants.has(g)).sort()).toEqual(
      [...(TESTBED_HAS_MNP ? [] : ['k8s.cni.cncf.io/multi-networkpolicies:create']), 'packaging.carvel.dev/packageinstalls:list'].sort(),
    );
    const { unused, forbidden } = compareUsage(grants, usesOf(log, SA_USER));
    // The end-of-run sweep looks for run-labelled objects in every
    // cluster-scoped type it finds by discovery and tolerates the ones it may
    // not list (the suite creates none): only those refusals are expected.
    const unexpected = forbidden.filter((f) => !(f.key.endsWith(':list') && !grants.has(f.key) && !f.target.includes('/')));
    expect(unexpected.map((f) => `${f.key} ${f.target}`)).toEqual([]);
    expect(unused).toEqual([]);
  });
});

/** `group/resource` of every resource the cluster serves (core group as ''), by discovery. */
async function servedResources(kc: k8s.KubeConfig): Promise<Set<string>> {
  const out = new Set<string>();
  for (const r of (await kc.makeApiClient(k8s.CoreV1Api).getAPIResources()).resources) out.add(`/${r.name}`);
  const objects = kc.makeApiClient(k8s.CustomObjectsApi);
  for (const g of (await kc.makeApiClient(k8s.ApisApi).getAPIVersions()).groups) {
    for (const v of g.versions) {
      for (const r of (await objects.getAPIResources({ group: g.name, version: v.version })).resources) out.add(`${g.name}/${r.name}`);
    }
  }
  return out;
}

function caData(cluster: k8s.Cluster): string {
  if (cluster.caData) return cluster.caData;
  if (cluster.caFile) return readFileSync(cluster.caFile).toString('base64');
  throw new Error('the testbed kubeconfig has no certificate authority');
}
