import * as k8s from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { namespaceSelector, waitForNamespacesGone, waitForNamespacesReleased } from '../../cli/sweep.ts';
import { namespaceName, runLabels } from '../../helpers/k8s/labels.ts';
import { deleteNamespace } from '../../helpers/k8s/namespace.ts';
import { waitForPodsReady } from '../../helpers/k8s/pods-ready.ts';
import { NETWORKS_ANNOTATION } from '../../helpers/parse/network-selection.ts';
import { cleanupRun } from './suite-run.ts';
import { renamed, type Workload } from './workload.ts';

export interface FloorRun {
  seconds: number;
  pods: number;
  namespaces: number;
  error?: string;
}

const READY_MS = 300_000;
const GONE_MS = 120_000;

/** The workload's namespaces under a run id of the baseline's own (labelled, so `cleanup --run-id` finds them). */
export function baselineNamespaces(w: Workload, runId: string): Workload {
  const names = new Map(w.namespaces.map((n, i) => [n.name, namespaceName(runId, `${i}-${n.scenario}`)]));
  return renamed(w, (ns) => names.get(ns) ?? ns);
}

/**
 * The floor: the same Ready pods with the same annotations and NADs, and
 * nothing else, as fast as the API allows: every namespace, NAD and pod
 * created at once (pods 16 at a time), until all are Ready.
 *
 * Its clock starts before its namespaces exist and stops when they are
 * released (deleted, their pods deleted with grace period 0 and gone), the
 * point where the suite's end-of-run sweep stops waiting too (cli/sweep.ts):
 * neither waits for the namespace controller to remove the emptied
 * namespaces. The floor leaves out only what makes the suite a suite: the
 * probe, the execs, the checks, the negative scenarios' waits. It then waits,
 * untimed, until they are gone, so that the next run starts on a clean node.
 */
export async function runFloor(kc: k8s.KubeConfig, workload: Workload, runId: string, kubeconfig: string): Promise<FloorRun> {
  const w = baselineNamespaces(workload, runId);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const t0 = performance.now();
  try {
    await Promise.all(
      w.namespaces.map((n) =>
        core.createNamespace({ body: { metadata: { name: n.name, labels: { ...runLabels(runId), 'pod-security.kubernetes.io/enforce': 'privileged' } } } }),
      ),
    );
    await Promise.all(
      w.nads.map((n) =>
        custom.createNamespacedCustomObject({
          group: 'k8s.cni.cncf.io',
          version: 'v1',
          plural: 'network-attachment-definitions',
          namespace: n.namespace,
          body: { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: n.name }, spec: { config: n.config } },
        }),
      ),
    );
    const limit = pLimit(16);
    await Promise.all(
      w.pods.map((p) =>
        limit(() =>
          core.createNamespacedPod({
            namespace: p.namespace,
            body: { metadata: { name: p.name, ...(p.networks === undefined ? {} : { annotations: { [NETWORKS_ANNOTATION]: p.networks } }) }, spec: p.spec },
          }),
        ),
      ),
    );
    const byNs = new Map<string, string[]>();
    for (const p of w.pods) byNs.set(p.namespace, [...(byNs.get(p.namespace) ?? []), p.name]);
    await Promise.all([...byNs].map(([ns, names]) => waitForPodsReady(kc, ns, names, { timeoutMs: READY_MS })));
    await Promise.all(w.namespaces.map((n) => deleteNamespace(kc, n.name)));
    const names = w.namespaces.map((n) => n.name);
    const released = await waitForNamespacesReleased(kc, names, namespaceSelector(runId), GONE_MS);
    if (released.left.length > 0) throw new Error(`held after ${GONE_MS / 1000}s: ${released.left.join(', ')}`);
    const seconds = (performance.now() - t0) / 1000;
    const left = await waitForNamespacesGone(kc, names, namespaceSelector(runId), GONE_MS);
    if (left.length > 0) throw new Error(`namespaces still there after ${GONE_MS / 1000}s: ${left.join(', ')}`);
    return { seconds, pods: w.pods.length, namespaces: w.namespaces.length };
  } catch (e) {
    await cleanupRun(runId, kubeconfig);
    return { seconds: (performance.now() - t0) / 1000, pods: w.pods.length, namespaces: w.namespaces.length, error: e instanceof Error ? e.message : String(e) };
  }
}
