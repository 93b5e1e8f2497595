import * as k8s from '@kubernetes/client-node';
import { RUN_ID_LABEL, SCENARIO_LABEL } from '../../helpers/k8s/labels.ts';
import { cleanupRun, runSuite, type SuiteRun } from './suite-run.ts';
import { workloadPod, type Workload } from './workload.ts';

const NAD = { group: 'k8s.cni.cncf.io', version: 'v1', plural: 'network-attachment-definitions' } as const;

/**
 * The workload of a selection, read from an untimed `--keep` run: its
 * namespaces, NADs and the pods it left Ready; then everything the run kept
 * is removed again (`cleanup --run-id`).
 */
export async function captureWorkload(
  kc: k8s.KubeConfig,
  args: readonly string[],
  opts: { runId: string; reportDir: string; kubeconfig: string },
): Promise<{ run: SuiteRun; workload: Workload }> {
  const run = await runSuite(args, { ...opts, keep: true });
  try {
    return { run, workload: await readWorkload(kc, opts.runId) };
  } finally {
    await cleanupRun(opts.runId, opts.kubeconfig);
  }
}

export async function readWorkload(kc: k8s.KubeConfig, runId: string): Promise<Workload> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const workload: Workload = { namespaces: [], nads: [], pods: [] };
  const namespaces = (await core.listNamespace({ labelSelector: `${RUN_ID_LABEL}=${runId}` })).items;
  for (const ns of namespaces) {
    const name = ns.metadata!.name!;
    workload.namespaces.push({ name, scenario: ns.metadata?.labels?.[SCENARIO_LABEL] ?? '' });
    const nads = (await custom.listNamespacedCustomObject({ ...NAD, namespace: name })) as { items: Array<{ metadata: { name: string }; spec?: { config?: string } }> };
    for (const n of nads.items) workload.nads.push({ namespace: name, name: n.metadata.name, config: n.spec?.config ?? '' });
    for (const p of (await core.listNamespacedPod({ namespace: name })).items) {
      const pod = workloadPod(p);
      if (pod) workload.pods.push(pod);
    }
  }
  return workload;
}
