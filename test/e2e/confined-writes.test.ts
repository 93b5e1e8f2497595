// WARNING: this test RESTARTS MULTUS on the testbed. It replaces the Multus
// DaemonSet kube-system/kube-multus-ds (same pods, selector rewritten as
// matchExpressions), deletes the Multus pod through `run --mode full`, and
// puts a decoy DaemonSet and a bystander pod into kube-system. Pods created on
// the node while it runs may briefly meet a restarting Multus. Run it only
// where disruptive scenarios are allowed; afterAll restores the DaemonSet as
// scripts/testbed/up.sh applies it, also when a test fails.
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { controlledBy } from '../../helpers/assert/restart-scope.ts';
import { waitFor } from '../../helpers/k8s/wait.ts';
import { cli, kubeClient, newRunId, readJunit, readReport, reportDir } from './cli.ts';
import { testbedKubectl, upShManifest } from './testbed-multus.ts';

const NS = 'kube-system';
const MULTUS = 'kube-multus-ds';
const DECOY = 'multus-dynamic-networks-controller';
const BYSTANDER = 'mc-e2e-bystander';
const TESTPOD_IMAGE = 'localhost/multus-conformance/testpod:1';

describe('writes on a cluster the suite did not create stay confined (restarts Multus)', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const context = kc.getCurrentContext();

  const uidOf = async (name: string): Promise<string | undefined> =>
    core.readNamespacedPod({ namespace: NS, name }).then(
      (p) => p.metadata?.uid,
      () => undefined,
    );
  const podsOf = async (ds: k8s.V1DaemonSet): Promise<k8s.V1Pod[]> => {
    const ref = { namespace: NS, name: ds.metadata!.name!, uid: ds.metadata!.uid! };
    return (await core.listNamespacedPod({ namespace: NS })).items.filter((p) => controlledBy(ref, p));
  };
  const waitDaemonSetReady = async (name: string): Promise<k8s.V1DaemonSet> =>
    waitFor(
      `DaemonSet ${NS}/${name} ready`,
      async () => {
        const ds = await apps.readNamespacedDaemonSet({ namespace: NS, name });
        const pods = await podsOf(ds);
        const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
        const want = ds.status?.desiredNumberScheduled ?? 0;
        const state = `${ready}/${want} own pods ready (${pods.length} pods)`;
        return want > 0 && ready === want && pods.length === want ? { done: true, value: ds, state } : { done: false, state };
      },
      { timeoutMs: 180_000 },
    );
  const waitGone = async (what: string, read: () => Promise<unknown>): Promise<void> =>
    waitFor(
      `${what} gone`,
      async () =>
        read().then(
          () => ({ done: false as const, state: 'still there' }),
          (e: unknown) => {
            if (e instanceof k8s.ApiException && e.code === 404) return { done: true as const, value: undefined, state: 'gone' };
            throw e;
          },
        ),
      { timeoutMs: 180_000 },
    );
  // Orphan: the pods stay and the next DaemonSet with a matching selector adopts them.
  const deleteMultusDaemonSet = async (): Promise<void> => {
    await apps.deleteNamespacedDaemonSet({ namespace: NS, name: MULTUS, propagationPolicy: 'Orphan' }).catch(() => undefined);
    await waitGone(`DaemonSet ${NS}/${MULTUS}`, () => apps.readNamespacedDaemonSet({ namespace: NS, name: MULTUS }));
  };
  const snapshot = async (): Promise<{ multus: string[]; decoy: string[]; bystander: string | undefined }> => {
    const multus = await podsOf(await apps.readNamespacedDaemonSet({ namespace: NS, name: MULTUS }));
    const decoy = await podsOf(await apps.readNamespacedDaemonSet({ namespace: NS, name: DECOY }));
    return { multus: multus.map((p) => p.metadata!.uid!).sort(), decoy: decoy.map((p) => p.metadata!.uid!).sort(), bystander: await uidOf(BYSTANDER) };
  };
  const runRestart = async (dir: string) =>
    cli([
      'run',
      '--provider', 'existing',
      '--kubeconfig', kubeconfig,
      '--context', context,
      // The testbed's segment and test image; the generic profile has no master.
      '--profile', 'local',
      '--mode', 'full',
      '-t', '^lifecycle/multus-restart$',
      '--run-id', newRunId('cw'),
      '--report-dir', dir,
    ]);

  beforeAll(async () => {
    // Leftovers of an interrupted earlier run of this file go first.
    await apps.deleteNamespacedDaemonSet({ namespace: NS, name: DECOY, propagationPolicy: 'Foreground' }).catch(() => undefined);
    await core.deleteNamespacedPod({ namespace: NS, name: BYSTANDER, gracePeriodSeconds: 0 }).catch(() => undefined);
    await waitGone(`pod ${NS}/${BYSTANDER}`, () => core.readNamespacedPod({ namespace: NS, name: BYSTANDER }));
    await waitGone(`DaemonSet ${NS}/${DECOY}`, () => apps.readNamespacedDaemonSet({ namespace: NS, name: DECOY }));

    // The Multus DaemonSet again, its selector as matchExpressions (the case
    // that once emptied the selector and deleted all of kube-system).
    const objects = k8s.loadAllYaml(upShManifest()) as k8s.KubernetesObject[];
    const multus = objects.find((o) => o.kind === 'DaemonSet') as k8s.V1DaemonSet;
    multus.spec!.selector = { matchExpressions: [{ key: 'name', operator: 'In', values: ['multus'] }] };
    await deleteMultusDaemonSet();
    await apps.createNamespacedDaemonSet({ namespace: NS, body: multus });
    // Before the decoy exists: it selects app=multus and would adopt the orphaned Multus pod.
    await waitDaemonSetReady(MULTUS);

    // A decoy named like Multus and labelled app=multus, and a bystander pod.
    const sleeper = (name: string): k8s.V1PodSpec => ({
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      tolerations: [{ operator: 'Exists' }],
      containers: [{ name, image: TESTPOD_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '86400'] }],
    });
    await apps.createNamespacedDaemonSet({
      namespace: NS,
      body: {
        metadata: { name: DECOY, labels: { app: 'multus' } },
        spec: { selector: { matchLabels: { app: 'multus' } }, template: { metadata: { labels: { app: 'multus' } }, spec: sleeper('multus') } },
      },
    });
    await core.createNamespacedPod({ namespace: NS, body: { metadata: { name: BYSTANDER, labels: { app: BYSTANDER } }, spec: sleeper('bystander') } });

    await waitDaemonSetReady(DECOY);
    await waitFor(
      `pod ${NS}/${BYSTANDER} running`,
      async () => {
        const p = await core.readNamespacedPod({ namespace: NS, name: BYSTANDER });
        return p.status?.phase === 'Running' ? { done: true, value: undefined, state: 'Running' } : { done: false, state: p.status?.phase ?? '?' };
      },
      { timeoutMs: 180_000 },
    );
  }, 600_000);

  afterAll(async () => {
    // Remove the decoy and the bystander first: the decoy selects app=multus
    // and would adopt (and delete) the Multus pod orphaned by the restore.
    // Then restore exactly what up.sh applies (kubectl apply of the rendered
    // thin manifest). Every step runs even when an earlier one failed; the
    // first error is reported.
    const errors: unknown[] = [];
    const step = async (fn: () => Promise<unknown>): Promise<void> => {
      await fn().catch((e: unknown) => errors.push(e));
    };
    await step(async () => {
      // Foreground: the DaemonSet is gone only once its pods are.
      await apps.deleteNamespacedDaemonSet({ namespace: NS, name: DECOY, propagationPolicy: 'Foreground' }).catch(() => undefined);
      await waitGone(`DaemonSet ${NS}/${DECOY}`, () => apps.readNamespacedDaemonSet({ namespace: NS, name: DECOY }));
    });
    await step(async () => {
      await core.deleteNamespacedPod({ namespace: NS, name: BYSTANDER, gracePeriodSeconds: 0 }).catch(() => undefined);
      await waitGone(`pod ${NS}/${BYSTANDER}`, () => core.readNamespacedPod({ namespace: NS, name: BYSTANDER }));
    });
    await step(async () => {
      const current = await apps.readNamespacedDaemonSet({ namespace: NS, name: MULTUS }).catch(() => undefined);
      // Only the selector cannot be changed in place; up.sh's apply does the rest.
      if (current?.spec?.selector.matchExpressions?.length) await deleteMultusDaemonSet();
      await execa(testbedKubectl(), ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { input: upShManifest() });
      await execa(testbedKubectl(), ['--kubeconfig', kubeconfig, '-n', NS, 'rollout', 'status', `ds/${MULTUS}`, '--timeout', '180s']);
    });
    if (errors.length > 0) throw errors[0];
  }, 600_000);

  it('restarts only the pods the Multus DaemonSet controls, found by what it runs', async () => {
    const before = await snapshot();
    expect(before.multus.length).toBeGreaterThan(0);
    expect(before.decoy.length).toBeGreaterThan(0);
    expect(before.bystander).toBeDefined();

    const dir = reportDir('confined-restart');
    const r = await runRestart(dir);
    expect(r.stderr).toContain(`Multus ${NS}/${MULTUS} `);
    expect(readReport(dir).get('lifecycle/multus-restart')?.status, r.stdout + r.stderr).toBe('passed');
    expect(r.exitCode).toBe(0);

    const after = await snapshot();
    expect(after.bystander).toBe(before.bystander);
    expect(after.decoy).toEqual(before.decoy);
    for (const uid of after.multus) expect(before.multus).not.toContain(uid);
    expect(after.multus.length).toBe(before.multus.length);
    expect(readJunit(dir)).toMatch(/restarted kube-system\/kube-multus-ds-\w+ \(the only pods deleted\)/);
  });

  it('refuses the restart, deleting nothing, when the selector also matches pods Multus does not own', async () => {
    // The decoy's pods now carry Multus' label: the selector lists them, their
    // controller is the decoy. (A bare pod with the label would be adopted by
    // the Multus DaemonSet instead, so the decoy's own pods are the case.)
    await apps.patchNamespacedDaemonSet(
      { namespace: NS, name: DECOY, body: [{ op: 'add', path: '/spec/template/metadata/labels/name', value: 'multus' }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    await waitFor(
      `DaemonSet ${NS}/${DECOY} rolled to pods labelled name=multus`,
      async () => {
        const pods = await podsOf(await apps.readNamespacedDaemonSet({ namespace: NS, name: DECOY }));
        const relabelled = pods.filter((p) => p.metadata?.labels?.['name'] === 'multus' && p.status?.phase === 'Running');
        const state = `${relabelled.length}/${pods.length} relabelled and running`;
        return relabelled.length > 0 && relabelled.length === pods.length ? { done: true, value: undefined, state } : { done: false, state };
      },
      { timeoutMs: 180_000 },
    );
    const before = await snapshot();

    const dir = reportDir('confined-refuse');
    const r = await runRestart(dir);
    const result = readReport(dir).get('lifecycle/multus-restart');
    expect(result?.status, r.stdout + r.stderr).toBe('failed');
    expect(result?.failure).toMatch(
      new RegExp(
        `pod ${NS}/${DECOY}-\\w+: Multus restart: every pod selected by "name in \\(multus\\)" is controlled by DaemonSet ${NS}/${MULTUS} \\(nothing was deleted\\): ` +
          `expected controller DaemonSet ${NS}/${MULTUS} \\(uid [0-9a-f-]+\\), got controller DaemonSet ${DECOY} \\(uid [0-9a-f-]+\\)`,
      ),
    );
    expect(r.exitCode).toBe(1);

    expect(await snapshot()).toEqual(before);
  });
});

describe('several DaemonSets run Multus: the run names them and lets the user choose', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const context = kc.getCurrentContext();
  const SECOND = 'mc-e2e-second-multus';

  beforeAll(async () => {
    await core.deleteNamespace({ name: SECOND }).catch(() => undefined);
    await waitFor(
      `namespace ${SECOND} gone`,
      async () =>
        (await core.listNamespace()).items.some((n) => n.metadata?.name === SECOND)
          ? { done: false, state: 'still there' }
          : { done: true, value: undefined, state: 'gone' },
      { timeoutMs: 180_000 },
    );
    await core.createNamespace({ body: { metadata: { name: SECOND } } });
    // A second thin Multus DaemonSet that never schedules (no node has the
    // label): detected by what it runs, harmless to the testbed.
    await apps.createNamespacedDaemonSet({
      namespace: SECOND,
      body: {
        metadata: { name: MULTUS },
        spec: {
          selector: { matchLabels: { app: 'second-multus' } },
          template: {
            metadata: { labels: { app: 'second-multus' } },
            spec: {
              nodeSelector: { 'multus-conformance.io/no-such-node': 'true' },
              containers: [{ name: 'kube-multus', image: 'localhost/multus-conformance/multus:v4.2.3', command: ['/thin_entrypoint'] }],
            },
          },
        },
      },
    });
  }, 600_000);

  afterAll(async () => {
    await core.deleteNamespace({ name: SECOND }).catch(() => undefined);
    await waitFor(
      `namespace ${SECOND} gone`,
      async () =>
        (await core.listNamespace()).items.some((n) => n.metadata?.name === SECOND)
          ? { done: false, state: 'still there' }
          : { done: true, value: undefined, state: 'gone' },
      { timeoutMs: 180_000 },
    );
  }, 600_000);

  const health = async (...extra: string[]) =>
    cli(['run', '--provider', 'existing', '--kubeconfig', kubeconfig, '--context', context, '--profile', 'local', '-t', '^health/multus-daemonset$',
      '--run-id', newRunId('tw'), '--report-dir', reportDir('twin'), ...extra]);

  it('stops with exit 2 naming both when none is chosen', async () => {
    const r = await health();
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `2 DaemonSets run Multus: ${NS}/${MULTUS} (container kube-multus runs /thin_entrypoint (Multus v4 thin)), ` +
        `${SECOND}/${MULTUS} (container kube-multus runs /thin_entrypoint (Multus v4 thin)); choose one with --multus-daemonset or multus.daemonSet (namespace/name)`,
    );
  });

  it('uses the one chosen with --multus-daemonset', async () => {
    const r = await health('--multus-daemonset', `${NS}/${MULTUS}`);
    expect(r.stderr).toContain(`Multus ${NS}/${MULTUS} 1/1 ready`);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });
});
