import * as k8s from '@kubernetes/client-node';
import { renderPodFixture } from '../../helpers/fixtures/render.ts';
import { apiErrorText } from '../../helpers/k8s/client.ts';
import { describePod, StopWaiting, waitFor, watchSubscription } from '../../helpers/k8s/wait.ts';
import type { LiveInterface } from '../../helpers/parse/ip-output.ts';
import { liveFromReading, parseNetnsProbeLog, probeArgs, type NetnsTarget } from './node-probe.ts';

export interface NodeProbeSettings {
  /** Image with a shell, nsenter and ip (the suite's test image). */
  image: string;
  timeoutMs: number;
  /** The suite-owned namespace the probe pods go in; created on first use. */
  namespace: () => Promise<string>;
}

// Waiting reasons after which the probe pod will not start by itself.
const STUCK = /^(ImagePullBackOff|ErrImageNeverPull|InvalidImageName|CreateContainerConfigError|CreateContainerError|RunContainerError)$/;

/**
 * Reads the interfaces of `targets` (all on `node`) from the node side: one
 * probe pod (fixtures/pods/netns-probe-pod.yaml) in the suite's namespace,
 * its log parsed per pod. Per pod: the interfaces or why they could not be
 * read. Throws when the probe pod itself could not do its job.
 */
export async function readFromNode(
  kc: k8s.KubeConfig,
  settings: NodeProbeSettings,
  podName: string,
  node: string,
  targets: readonly NetnsTarget[],
): Promise<Map<string, LiveInterface[] | string>> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const namespace = await settings.namespace();
  const body = renderPodFixture<k8s.V1Pod>('netns-probe-pod', { name: podName, node, image: settings.image });
  body.spec!.containers[0]!.args = probeArgs(targets);
  try {
    await core.createNamespacedPod({ namespace, body });
  } catch (e) {
    throw new Error(`node probe pod ${namespace}/${podName} on node ${node} not created: ${apiErrorText(e)}`);
  }
  await waitFor(
    `node probe pod ${namespace}/${podName} on node ${node} (image ${settings.image}): waiting for it to finish`,
    async () => {
      const pod = await core.readNamespacedPod({ namespace, name: podName });
      const phase = pod.status?.phase;
      if (phase === 'Succeeded') return { done: true, value: undefined, state: describePod(pod) };
      if (phase === 'Failed') throw new StopWaiting(`node probe pod on node ${node} failed: ${describePod(pod)}`);
      const stuck = (pod.status?.containerStatuses ?? []).find((s) => STUCK.test(s.state?.waiting?.reason ?? ''));
      const waiting = stuck?.state?.waiting;
      if (waiting) {
        throw new StopWaiting(`node probe pod on node ${node} cannot start (image ${settings.image}): ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
      }
      return { done: false, state: describePod(pod) };
    },
    {
      timeoutMs: settings.timeoutMs,
      subscribe: watchSubscription(kc, `/api/v1/namespaces/${namespace}/pods`, { fieldSelector: `metadata.name=${podName}` }),
    },
  );
  const log = await core.readNamespacedPodLog({ namespace, name: podName, container: 'probe' });
  const readings = parseNetnsProbeLog(log);
  return new Map(targets.map((t) => [t.key, liveFromReading(readings.get(t.key), node)]));
}
