import * as k8s from '@kubernetes/client-node';
import type { NodeRoom } from './plan.ts';

/**
 * Each named node's room for pods, read from the cluster: allocatable pods
 * from the node's status, and the pods bound to it that have not finished
 * (what the kubelet counts against maxPods). Read-only.
 */
export async function readNodeRooms(kc: k8s.KubeConfig, nodes: readonly string[]): Promise<NodeRoom[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const wanted = new Set(nodes);
  const listed = (await core.listNode()).items.filter((n) => wanted.has(n.metadata?.name ?? ''));
  return await Promise.all(
    listed.map(async (n) => {
      const node = n.metadata!.name!;
      const pods = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node},status.phase!=Succeeded,status.phase!=Failed` });
      return { node, allocatable: Number(n.status?.allocatable?.pods ?? 0), used: pods.items.length };
    }),
  );
}
