import * as k8s from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { matchesLabels, parseLabelSelector } from '../config/label-selector.ts';
import { UsageError } from '../errors.ts';
import { firstLine } from '../k8s/client.ts';
import { createRunNamespace, deleteNamespace } from '../k8s/namespace.ts';
import { waitFor, watchSubscription, describePod, StopWaiting } from '../k8s/wait.ts';
import { renderPodFixture } from '../fixtures/render.ts';
import { nodeSelectorProblem } from './config-check.ts';
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
 * What the node objects alone tell (no probe): name, readiness, whether
 * network.nodeSelector selects the node, SR-IOV resources. A selector that
 * matches no node is a UsageError.
 */
export function nodeFacts(nodes: readonly k8s.V1Node[], opts: { sriovResource: string; nodeSelector?: string | undefined }): NodeCapabilities[] {
  const selector = opts.nodeSelector ? parseLabelSelector(opts.nodeSelector) : [];
  const facts = nodes.map((node, i): NodeCapabilities => ({
    name: node.metadata?.name ?? `node-${i}`,
    ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    selected: matchesLabels(selector, node.metadata?.labels ?? {}),
    sriovResources: sriovResourcesOf(node.status?.allocatable ?? {}, opts.sriovResource),
  }));
  const problem = nodeSelectorProblem(facts, opts.nodeSelector);
  if (problem) throw new UsageError(problem);
  return facts;
}

/**
 * Discovers what each node can do: SR-IOV resources from the node object,
 * and CNI files, plugin binaries, the node's links and link support from a
 * short-lived privileged probe pod per Ready node (deleted afterwards). Every
 * Ready node is probed, selected or not: the health checks cover them all.
 * A probe that fails leaves `probeError` naming the node and what failed.
 */
export async function discoverNodes(
  kc: k8s.KubeConfig,
  opts: { runId: string; image: string; sriovResource: string; nodeSelector?: string | undefined; timeoutMs: number; probe?: boolean },
): Promise<NodeCapabilities[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const facts = nodeFacts((await core.listNode()).items, opts);
  // No selected scenario needs what only the probe tells: the node objects say enough.
  if (opts.probe === false) return facts;
  return await probeNodes(kc, facts, opts);
}

/** Runs the probe pod on every Ready node of `facts` (nodeFacts) and adds what it saw. */
export async function probeNodes(
  kc: k8s.KubeConfig,
  facts: readonly NodeCapabilities[],
  opts: { runId: string; image: string; timeoutMs: number; slug?: string },
): Promise<NodeCapabilities[]> {
  // A second probe during the run (a check reading a node again) needs a namespace of its own: the first may still be terminating.
  const ns = await createRunNamespace(kc, opts.runId, opts.slug ?? 'probe');
  try {
    const limit = pLimit(4);
    return await Promise.all(
      facts.map((caps, i) =>
        limit(async (): Promise<NodeCapabilities> => {
          if (!caps.ready) return caps;
          let output: string;
          try {
            output = await runProbe(kc, ns, `probe-${i}`, caps.name, opts.image, opts.timeoutMs);
          } catch (e) {
            return { ...caps, probeError: firstLine(e) };
          }
          try {
            return { ...caps, probe: parseProbeOutput(output) };
          } catch (e) {
            return { ...caps, probeError: `probe pod ${ns}/probe-${i} (fixtures/pods/probe-pod.yaml): ${firstLine(e)}` };
          }
        }),
      ),
    );
  } finally {
    await deleteNamespace(kc, ns);
  }
}

/** One probe pod on `node`: its whole log once the end marker is there (the pod is left for the caller's namespace delete). */
export async function runProbe(kc: k8s.KubeConfig, namespace: string, podName: string, node: string, image: string, timeoutMs: number): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const body = renderPodFixture<k8s.V1Pod>('probe-pod', { name: podName, node, image });
  const id = `probe pod ${namespace}/${podName} (fixtures/pods/probe-pod.yaml, image ${image})`;
  await core.createNamespacedPod({ namespace, body });
  const log = (): Promise<string> => core.readNamespacedPodLog({ namespace, name: podName, container: 'probe' });
  return await waitFor(
    `${id} on node ${node}: waiting for its output`,
    async () => {
      const pod = await core.readNamespacedPod({ namespace, name: podName });
      const phase = pod.status?.phase;
      // The output is whole once its end marker is there: no need to wait
      // for the kubelet to notice the container exited (its relist runs once
      // a second). A failed or cut-short run never prints the marker.
      if (phase === 'Running' || phase === 'Succeeded') {
        const out = await log();
        if (/^== end$/m.test(out)) return { done: true, value: out, state: describePod(pod) };
      }
      if (phase === 'Failed') {
        const last = (await log().catch(() => '')).trim().split('\n').slice(-3).join(' | ');
        throw new StopWaiting(`${id} failed: ${terminated(pod) ?? describePod(pod)}${last ? `; last output: ${last}` : ''}`);
      }
      if (phase === 'Succeeded') throw new StopWaiting(`${id} ended without its end marker: ${terminated(pod) ?? describePod(pod)}`);
      return { done: false, state: describePod(pod) };
    },
    {
      timeoutMs,
      intervalMs: 250,
      subscribe: watchSubscription(kc, `/api/v1/namespaces/${namespace}/pods`, { fieldSelector: `metadata.name=${podName}` }),
    },
  );
}

/** How the probe container ended, when the kubelet says (a missing shell is a StartError with exit code 128). */
function terminated(pod: k8s.V1Pod): string | undefined {
  const t = pod.status?.containerStatuses?.[0]?.state?.terminated;
  return t ? `exit code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}${t.message ? `: ${t.message}` : ''}` : undefined;
}
