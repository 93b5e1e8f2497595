import * as k8s from '@kubernetes/client-node';
import { namespaceName, runLabels, SCENARIO_LABEL } from './labels.ts';

/**
 * Creates a run-owned namespace. Pod Security Admission is set to
 * privileged there because probe pods and link-state checks need it; the
 * namespace holds nothing but the suite's own pods.
 */
export async function createRunNamespace(kc: k8s.KubeConfig, runId: string, slug: string): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = namespaceName(runId, slug);
  await core.createNamespace({
    body: {
      metadata: {
        name,
        labels: {
          ...runLabels(runId),
          [SCENARIO_LABEL]: slug.slice(0, 63).replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, ''),
          'pod-security.kubernetes.io/enforce': 'privileged',
        },
      },
    },
  });
  return name;
}

/**
 * Starts deleting a run-owned namespace (and everything in it); does not
 * wait. The namespace goes first, so that no controller of the scenario's
 * (a StatefulSet) can create a pod in it any more; then its pods, with grace
 * period 0 (a forced delete): a pod whose network teardown fails (see
 * negative/long-ifname) would otherwise hold the namespace in Terminating
 * forever, and the namespace controller would only start on them after its
 * 5 s grace. Only ever called on the suite's own namespaces; scenarios that
 * check graceful teardown do so before this. The end-of-run sweep checks
 * that no pod is left (cli/sweep.ts).
 */
export async function deleteNamespace(kc: k8s.KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let refused: unknown;
  try {
    await core.deleteNamespace({ name, propagationPolicy: 'Background' });
  } catch (e) {
    if (e instanceof k8s.ApiException && e.code === 404) return;
    refused = e;
  }
  await core.deleteCollectionNamespacedPod({ namespace: name, gracePeriodSeconds: 0 }).catch(() => undefined);
  if (refused !== undefined) throw refused;
}
