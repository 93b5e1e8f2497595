import * as k8s from '@kubernetes/client-node';

/** The annotation a nudge sets; its value only has to change. */
export const RETRY_ANNOTATION = 'multus-conformance.io/retry';

/**
 * Asks the kubelet to try waiting pods' sandboxes again now, where the
 * identity may patch pods in the namespace; says whether it asked.
 *
 * Why: the kubelet retries a pod whose sandbox failed on a timer, 10 s plus
 * up to half again of jitter (its pod workers' back-off). A change to the
 * pod's annotations is an update it hands to the same pod worker at once.
 * The exhaustion scenarios call this once the address the pod waits for is
 * free, so they wait for what they check (this pod starting with the freed
 * address), not for the timer. Nothing is checked less: same pod, same
 * sandbox attempt, same address.
 *
 * The shipped least-privilege ClusterRole does not grant patch on pods (it
 * would be cluster-wide), so the permission is asked first with a
 * SelfSubjectAccessReview, which every signed-in identity may create: a run
 * without it waits for the timer and leaves no refused request behind.
 */
export async function askKubeletRetry(kc: k8s.KubeConfig, namespace: string, names: readonly string[]): Promise<boolean> {
  if (!(await mayPatchPods(kc, namespace))) return false;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const body = { metadata: { annotations: { [RETRY_ANNOTATION]: new Date().toISOString() } } };
  const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  await Promise.all(names.map((name) => core.patchNamespacedPod({ namespace, name, body }, merge)));
  return true;
}

async function mayPatchPods(kc: k8s.KubeConfig, namespace: string): Promise<boolean> {
  const review = await kc.makeApiClient(k8s.AuthorizationV1Api).createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { namespace, verb: 'patch', resource: 'pods' } } },
  });
  return review.status?.allowed === true;
}
