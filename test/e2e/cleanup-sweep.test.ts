import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventsFor } from '../../helpers/k8s/events.ts';
import { OWNED_LABEL, RUN_ID_LABEL } from '../../helpers/k8s/labels.ts';
import { waitFor } from '../../helpers/k8s/wait.ts';
import { cli, kubeClient, newRunId, runNamespaces } from './cli.ts';

const OWNED = OWNED_LABEL;
const RUN = RUN_ID_LABEL;

// `cleanup` against the real testbed: what it must delete (run-owned
// namespaces, cluster objects labelled with the run id, a pod that cannot be
// torn down) and what it must leave (everything else, other runs).
describe('multus-conformance cleanup', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const mine = newRunId('swp');
  const other = newRunId('oth');
  const unlabelled = `mc-e2e-keep-${mine}`;

  const ns = async (name: string, labels: Record<string, string>): Promise<void> => {
    await core.createNamespace({ body: { metadata: { name, labels } } });
  };
  const role = async (name: string, labels: Record<string, string>): Promise<void> => {
    await rbac.createClusterRole({ body: { metadata: { name, labels }, rules: [] } });
  };
  const roleExists = async (name: string): Promise<boolean> =>
    rbac.readClusterRole({ name }).then(
      () => true,
      (e: unknown) => (e instanceof k8s.ApiException && e.code === 404 ? false : Promise.reject(e)),
    );

  beforeAll(async () => {
    await ns(`mc-${mine}-a`, { [OWNED]: 'true', [RUN]: mine });
    await ns(`mc-${other}-a`, { [OWNED]: 'true', [RUN]: other });
    await ns(unlabelled, {});
    await role(`mc-${mine}-probe`, { [RUN]: mine });
    await role(`mc-${other}-probe`, { [RUN]: other });
    // A pod stuck like negative/long-ifname's: its interface name makes the CNI DEL fail forever.
    await k8s.KubernetesObjectApi.makeApiClient(kc).create({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'macvlan-conf', namespace: `mc-${mine}-a` },
      spec: {
        config: JSON.stringify({ cniVersion: '0.3.1', type: 'macvlan', master: 'mc-seg0', ipam: { type: 'static', addresses: [{ address: '192.168.1.250/24' }] } }),
      },
    } as k8s.KubernetesObject);
    await core.createNamespacedPod({
      namespace: `mc-${mine}-a`,
      body: {
        metadata: { name: 'stuck', annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name":"macvlan-conf","interface":"averyveryverylongname0"}]' } },
        spec: { containers: [{ name: 'c', image: 'localhost/multus-conformance/testpod:1', imagePullPolicy: 'IfNotPresent', command: ['sleep', '60'] }] },
      },
    });
  });

  afterAll(async () => {
    await cli(['cleanup', '--kubeconfig', kubeconfig, '--run-id', other]);
    await core.deleteNamespace({ name: unlabelled }).catch(() => undefined);
    await rbac.deleteClusterRole({ name: `mc-${other}-probe` }).catch(() => undefined);
  });

  it('the stuck pod is really stuck: its teardown keeps failing', async () => {
    await waitFor('the stuck pod\'s failed sandbox', async () => {
      const events = await eventsFor(kc, `mc-${mine}-a`, 'stuck');
      const failed = events.some((e) => /interface name is too long/.test(e.message));
      return failed ? { done: true, value: undefined, state: 'failed' } : { done: false, state: `${events.length} event(s)` };
    }, { timeoutMs: 60_000 });
    await core.deleteNamespacedPod({ namespace: `mc-${mine}-a`, name: 'stuck' });
    await new Promise((r) => setTimeout(r, 10_000));
    const pod = await core.readNamespacedPod({ namespace: `mc-${mine}-a`, name: 'stuck' });
    expect(pod.metadata?.deletionTimestamp).toBeDefined();
  }, 120_000);

  it('with --run-id deletes that run only, waits until it is gone, and lists what it deleted', async () => {
    const r = await cli(['cleanup', '--kubeconfig', kubeconfig, '--run-id', mine]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`namespace/mc-${mine}-a deleted`);
    expect(r.stdout).toContain(`clusterroles.rbac.authorization.k8s.io/mc-${mine}-probe deleted`);
    expect(await runNamespaces(core, mine)).toEqual([]);
    expect(await roleExists(`mc-${mine}-probe`)).toBe(false);
    expect(await runNamespaces(core, other)).toEqual([`mc-${other}-a`]);
    expect(await roleExists(`mc-${other}-probe`)).toBe(true);
    expect((await core.readNamespace({ name: unlabelled })).metadata?.name).toBe(unlabelled);
  }, 180_000);

  it('exits 2 with one line when the API server cannot be reached', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'mc-cleanup-')), 'kubeconfig');
    writeFileSync(bad, readFileSync(kubeconfig, 'utf8').replace(/server: https:\/\/[^\s]+/, 'server: https://127.0.0.1:9'));
    const r = await cli(['cleanup', '--kubeconfig', bad]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^multus-conformance: list namespaces: [^\n]+$/);
  });
});
