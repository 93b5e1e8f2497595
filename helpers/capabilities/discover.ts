import * as k8s from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { firstLine } from '../k8s/client.ts';
import { createRunNamespace, deleteNamespace } from '../k8s/namespace.ts';
import { waitFor, watchSubscription, describePod, StopWaiting } from '../k8s/wait.ts';
import { renderPodFixture } from '../fixtures/render.ts';
import { parseProbeOutput } from './probe-output.ts';
import type { NodeCapabilities } from './types.ts';

const BASE_RESOURCES = /^(cpu|memory|pods|ephemeral-storage|hugepages-.*|attachable-volumes-.*)$/;

/** Allocatable extended resources that are SR-IOV VFs: the configured one, or any name saying so. */
export function sriovResourcesOf(allocatable: Record<string, string>, configured: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, count] of Object.entries(allocatable)) {
    if (BASE_RESOURCES.test(name) || count === '0') continue;
    if (name === configured || /sriov|_vf\b|\/vf/i.test(name)) out[name] = count;
  }
  return out;
}

/**
 * Discovers what each node can do: SR-IOV resources from the node object,
 * and CNI files, plugin binaries, network devices and link support from a
 * short-lived privileged probe pod per Ready node (deleted afterwards).
 */
export async function discoverNodes(
  kc: k8s.KubeConfig,
  opts: { runId: string; image: string; sriovResource: string; timeoutMs: number },
): Promise<NodeCapabilities[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nodes = (await core.listNode()).items;
  const ns = await createRunNamespace(kc, opts.runId, 'probe');
  try {
    const limit = pLimit(4);
    return await Promise.all(
      nodes.map((node, i) =>
        limit(async (): Promise<NodeCapabilities> => {
          const name = node.metadata?.name ?? `node-${i}`;
          const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
          const caps: NodeCapabilities = {
            name,
            ready,
            sriovResources: sriovResourcesOf(node.status?.allocatable ?? {}, opts.sriovResource),
          };
          if (!ready) {
            caps.probeError = `node ${name} is not Ready`;
            return caps;
          }
          try {
            const output = await runProbe(kc, ns, `probe-${i}`, name, opts.image, opts.timeoutMs);
            caps.probe = parseProbeOutput(output);
          } catch (e) {
            caps.probeError = firstLine(e);
          }
          return caps;
        }),
      ),
    );
  } finally {
    await deleteNamespace(kc, ns);
  }
}

async function runProbe(kc: k8s.KubeConfig, namespace: string, podName: string, node: string, image: string, timeoutMs: number): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const body = renderPodFixture<k8s.V1Pod>('probe-pod', { name: podName, node, image });
  await core.createNamespacedPod({ namespace, body });
  await waitFor(
    `probe pod ${namespace}/${podName} on node ${node}: waiting for it to finish`,
    async () => {
      const pod = await core.readNamespacedPod({ namespace, name: podName });
      const phase = pod.status?.phase;
      if (phase === 'Succeeded') return { done: true, value: pod, state: describePod(pod) };
      if (phase === 'Failed') throw new StopWaiting(`probe pod on node ${node} failed: ${describePod(pod)}`);
      return { done: false, state: describePod(pod) };
    },
    { timeoutMs, subscribe: watchSubscription(kc, `/api/v1/namespaces/${namespace}/pods`, { fieldSelector: `metadata.name=${podName}` }) },
  );
  return await core.readNamespacedPodLog({ namespace, name: podName, container: 'probe' });
}
