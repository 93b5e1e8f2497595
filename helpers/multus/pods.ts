import * as k8s from '@kubernetes/client-node';
import type { MultusInfo } from '../capabilities/types.ts';
import { selectorString } from '../k8s/labels.ts';

/** What the health checks and the run record need of one Multus pod. */
export interface MultusPod {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  ready: boolean;
  containers: MultusContainer[];
}

export interface MultusContainer {
  name: string;
  /** An init container (install_multus, install-multus-shim). */
  init: boolean;
  restarts: number;
  image: string;
  /** The image the runtime really runs (a digest), when the kubelet reported it. */
  imageID?: string;
  /** How the container last ended (`lastState.terminated`), and how it ended now when it is not running. */
  lastTerminated?: Termination;
  terminated?: Termination;
  /** The resource limits of the container spec (`memory`, `cpu`), as written. */
  limits: Record<string, string>;
}

export interface Termination {
  reason: string;
  exitCode: number;
  finishedAt?: string;
}

/**
 * One pod as recorded in a run's JSON report (`multusConformance.target.multus.pods`),
 * so that a later run with `--baseline` can tell restarts since then.
 */
export interface MultusPodRecord {
  name: string;
  uid: string;
  node: string;
  /** Restart count by container name (init containers included). */
  restarts: Record<string, number>;
}

function termination(t: k8s.V1ContainerStateTerminated | undefined): Termination | undefined {
  if (!t) return undefined;
  const finished = t.finishedAt instanceof Date ? t.finishedAt.toISOString() : t.finishedAt ? String(t.finishedAt) : undefined;
  return { reason: t.reason ?? '(no reason)', exitCode: t.exitCode, ...(finished ? { finishedAt: finished } : {}) };
}

/** The facts of one pod of the Multus DaemonSet (pure: a V1Pod as the API returns it). */
export function multusPodOf(pod: k8s.V1Pod): MultusPod {
  const specs = new Map<string, k8s.V1Container>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) specs.set(c.name, c);
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []).map((s) => ({ s, init: true })),
    ...(pod.status?.containerStatuses ?? []).map((s) => ({ s, init: false })),
  ];
  const containers = statuses.map(({ s, init }): MultusContainer => {
    const last = termination(s.lastState?.terminated);
    const now = termination(s.state?.terminated);
    const limits = Object.fromEntries(Object.entries(specs.get(s.name)?.resources?.limits ?? {}).map(([k, v]) => [k, String(v)]));
    return {
      name: s.name,
      init,
      restarts: s.restartCount,
      image: s.image || specs.get(s.name)?.image || '(unknown)',
      ...(s.imageID ? { imageID: s.imageID } : {}),
      ...(last ? { lastTerminated: last } : {}),
      ...(now ? { terminated: now } : {}),
      limits,
    };
  });
  // A pod whose containers have not started yet has no statuses: its spec still says what it will run.
  if (containers.length === 0) {
    for (const [name, c] of specs) {
      const init = (pod.spec?.initContainers ?? []).some((i) => i.name === name);
      const limits = Object.fromEntries(Object.entries(c.resources?.limits ?? {}).map(([k, v]) => [k, String(v)]));
      containers.push({ name, init, restarts: 0, image: c.image ?? '(unknown)', limits });
    }
  }
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    node: pod.spec?.nodeName ?? '(not scheduled)',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    containers,
  };
}

export function podRecord(p: MultusPod): MultusPodRecord {
  return { name: p.name, uid: p.uid, node: p.node, restarts: Object.fromEntries(p.containers.map((c) => [c.name, c.restarts])) };
}

/**
 * The pods of the Multus DaemonSet the run detected: listed with its
 * selector in its namespace, kept only when the DaemonSet (same UID) is
 * their controller. Reads only. None when no DaemonSet was detected.
 */
export async function readMultusPods(kc: k8s.KubeConfig, multus: Pick<MultusInfo, 'daemonSet'>): Promise<MultusPod[]> {
  const [namespace, name] = (multus.daemonSet ?? '').split('/');
  if (!namespace || !name) return [];
  const ds = await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDaemonSet({ namespace, name });
  const uid = ds.metadata?.uid;
  const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace, labelSelector: selectorString(ds.spec?.selector) });
  return list.items
    .filter((p) => p.metadata?.ownerReferences?.some((o) => o.controller === true && o.uid === uid))
    .map(multusPodOf)
    .sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));
}
