import * as k8s from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { ClusterAccessError } from '../helpers/errors.ts';
import { apiErrorText, apiStatus } from '../helpers/k8s/client.ts';
import { OWNED_LABEL, RUN_ID_LABEL } from '../helpers/k8s/labels.ts';
import { deleteNamespace } from '../helpers/k8s/namespace.ts';
import { WaitTimeout, waitFor, watchSubscription } from '../helpers/k8s/wait.ts';

// Never deleted by label, whatever label they carry: namespaces are only
// removed through the owned label, and nodes are never the suite's.
const NEVER_SWEPT = new Set(['Namespace', 'Node']);

export interface SweepResult {
  /** `kind/name` of every object a delete was issued for. */
  deleted: string[];
  /** Namespaces deleted, to wait for. */
  namespaces: string[];
  /** Cluster-scoped resource types that could not be listed (RBAC), as `resource.group`. */
  unreadable: string[];
}

export function namespaceSelector(runId: string | undefined): string {
  return runId ? `${OWNED_LABEL}=true,${RUN_ID_LABEL}=${runId}` : `${OWNED_LABEL}=true`;
}

export function clusterObjectSelector(runId: string | undefined): string {
  return runId ? `${RUN_ID_LABEL}=${runId}` : RUN_ID_LABEL;
}

/**
 * Deletes run-owned namespaces and cluster-scoped objects carrying a run-id
 * label; nothing else. `clusterScoped: false` leaves out the search for the
 * latter (every resource type the cluster serves): the end of a run uses it,
 * because a run writes only inside its own namespaces; `cleanup` searches.
 */
export async function sweep(kc: k8s.KubeConfig, runId: string | undefined, opts: { clusterScoped?: boolean } = {}): Promise<SweepResult> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const result: SweepResult = { deleted: [], namespaces: [], unreadable: [] };
  const list = await clusterCall('list namespaces', () => core.listNamespace({ labelSelector: namespaceSelector(runId) }));
  const names = list.items.map((ns) => ns.metadata?.name).filter((n): n is string => !!n);
  const deleting = pLimit(8);
  await Promise.all(names.map((name) => deleting(() => clusterCall(`delete namespace ${name}`, () => deleteNamespace(kc, name)))));
  for (const name of names) {
    result.deleted.push(`namespace/${name}`);
    result.namespaces.push(name);
  }
  if (opts.clusterScoped === false) return result;

  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const limit = pLimit(8);
  const types = await clusterScopedTypes(kc);
  const found = await Promise.all(
    types.map((t) =>
      limit(async () => {
        try {
          const items = await objects.list(t.apiVersion, t.kind, undefined, undefined, undefined, undefined, undefined, clusterObjectSelector(runId));
          return items.items.map((o) => ({ ...t, name: o.metadata?.name ?? '' })).filter((o) => o.name !== '');
        } catch (e) {
          if (apiStatus(e) === 403) result.unreadable.push(t.resource);
          else if (apiStatus(e) !== 404 && apiStatus(e) !== 405) throw new ClusterAccessError(`list ${t.resource}: ${apiErrorText(e)}`);
          return [];
        }
      }),
    ),
  );
  for (const obj of found.flat()) {
    await ignoreNotFound(`delete ${obj.resource} ${obj.name}`, () =>
      objects.delete({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.name } }),
    );
    result.deleted.push(`${obj.resource}/${obj.name}`);
  }
  return result;
}

interface ResourceType {
  apiVersion: string;
  kind: string;
  /** `plural.group`, as kubectl names it. */
  resource: string;
}

/** Every cluster-scoped resource type that can be listed and deleted (discovery, preferred versions only). */
async function clusterScopedTypes(kc: k8s.KubeConfig): Promise<ResourceType[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apis = kc.makeApiClient(k8s.ApisApi);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const lists: Array<{ groupVersion: string; list: k8s.V1APIResourceList }> = [
    { groupVersion: 'v1', list: await clusterCall('discover core API', () => core.getAPIResources()) },
  ];
  const groups = await clusterCall('discover API groups', () => apis.getAPIVersions());
  const limit = pLimit(8);
  const groupLists = await Promise.all(
    groups.groups.map((g) =>
      limit(async () => {
        const preferred = g.preferredVersion ?? g.versions[0];
        if (!preferred) return undefined;
        try {
          return { groupVersion: preferred.groupVersion, list: await custom.getAPIResources({ group: g.name, version: preferred.version }) };
        } catch {
          // An aggregated API that is down must not stop the sweep of everything else.
          return undefined;
        }
      }),
    ),
  );
  for (const l of groupLists) if (l) lists.push(l);
  return lists.flatMap(({ groupVersion, list }) =>
    list.resources
      .filter((r) => !r.namespaced && !r.name.includes('/') && !NEVER_SWEPT.has(r.kind))
      .filter((r) => r.verbs.includes('list') && r.verbs.includes('delete'))
      .map((r) => ({
        apiVersion: groupVersion,
        kind: r.kind,
        resource: groupVersion.includes('/') ? `${r.name}.${groupVersion.split('/')[0]}` : r.name,
      })),
  );
}

async function clusterCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new ClusterAccessError(`${what}: ${apiErrorText(e)}`);
  }
}

async function ignoreNotFound(what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (apiStatus(e) === 404) return;
    throw new ClusterAccessError(`${what}: ${apiErrorText(e)}`);
  }
}

/**
 * Waits until the given namespaces are gone (woken by a namespace watch).
 * Returns the ones still present when the time is up.
 */
export async function waitForNamespacesGone(kc: k8s.KubeConfig, names: readonly string[], selector: string, timeoutMs: number): Promise<string[]> {
  if (names.length === 0) return [];
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let left: string[] = [...names];
  try {
    await waitFor(
      `namespaces ${names.join(', ')} to be deleted`,
      async () => {
        const list = await core.listNamespace({ labelSelector: selector });
        const present = new Set(list.items.map((n) => n.metadata?.name));
        left = names.filter((n) => present.has(n)).sort();
        return left.length === 0 ? { done: true, value: undefined, state: 'all gone' } : { done: false, state: `still there: ${left.join(', ')}` };
      },
      { timeoutMs, subscribe: watchSubscription(kc, '/api/v1/namespaces', { labelSelector: selector }) },
    );
    return [];
  } catch (e) {
    if (e instanceof WaitTimeout) return left;
    throw e;
  }
}

/** Where the end-of-run sweep's wait stopped (waitForNamespacesReleased). */
export interface Released {
  /** What holds a namespace after the wait: `namespace/<name>` not terminating, `pod/<ns>/<name>` not gone. */
  left: string[];
  /** Namespaces still there, terminating with no pod in them: the namespace controller's to finish. */
  terminating: string[];
}

/**
 * What the end of a run waits for: every namespace it deleted gone, or
 * terminating with no pod left in it. Not for the namespace to be gone: the
 * namespace controller starts on a namespace 5 s after it was deleted
 * (kube-controller-manager's hard-coded namespaceDeletionGracePeriod), and
 * that wait was a third of a short run. With the pods gone and new ones
 * refused (a terminating namespace admits nothing), what remains is the
 * controller's to remove; `cleanup` waits for that. Names what holds a
 * namespace when the time is up.
 */
export async function waitForNamespacesReleased(kc: k8s.KubeConfig, names: readonly string[], selector: string, timeoutMs: number): Promise<Released> {
  if (names.length === 0) return { left: [], terminating: [] };
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const listing = pLimit(8);
  // Until a list has answered, every namespace counts as held.
  let seen: Released = { left: names.map((n) => `namespace/${n}`), terminating: [] };
  const observe = async (): Promise<Released> => {
    const list = await core.listNamespace({ labelSelector: selector });
    const wanted = new Set(names);
    const present = list.items.filter((n) => wanted.has(n.metadata?.name ?? ''));
    const active = present.filter((n) => !n.metadata?.deletionTimestamp).map((n) => `namespace/${n.metadata!.name!} (not terminating)`);
    const deleting = present.filter((n) => n.metadata?.deletionTimestamp);
    const held = deleting.flatMap((n) => {
      const why = heldBy(n);
      return why ? [`namespace/${n.metadata!.name!} (${why})`] : [];
    });
    const terminating = deleting.map((n) => n.metadata!.name!);
    const pods = await Promise.all(
      terminating.map((ns) =>
        listing(async () => (await core.listNamespacedPod({ namespace: ns })).items.map((p) => `pod/${ns}/${p.metadata?.name ?? '?'}`)),
      ),
    );
    return { left: [...active, ...held, ...pods.flat()].sort(), terminating: terminating.sort() };
  };
  try {
    return await waitFor(
      `namespaces ${names.join(', ')} to be released`,
      async () => {
        seen = await observe();
        return seen.left.length === 0 ? { done: true, value: seen, state: 'released' } : { done: false, state: `held by: ${seen.left.join(', ')}` };
      },
      { timeoutMs, intervalMs: 500, subscribe: watchSubscription(kc, '/api/v1/namespaces', { labelSelector: selector }) },
    );
  } catch (e) {
    if (e instanceof WaitTimeout) return seen;
    throw e;
  }
}

// What the namespace controller reports when it cannot finish a namespace:
// content with finalizers, or content it failed to delete or discover.
const STUCK_CONDITIONS = new Set(['NamespaceFinalizersRemaining', 'NamespaceDeletionContentFailure', 'NamespaceDeletionDiscoveryFailure', 'NamespaceDeletionGroupVersionParsingFailure']);

/**
 * Why a terminating namespace may never go, as far as it shows already: a
 * finalizer on the namespace itself (the suite sets none), or a condition
 * of the namespace controller. Undefined when nothing shows.
 */
export function heldBy(ns: k8s.V1Namespace): string | undefined {
  const finalizers = ns.metadata?.finalizers ?? [];
  if (finalizers.length > 0) return `finalizer ${finalizers.join(', ')}`;
  const stuck = (ns.status?.conditions ?? []).find((c) => STUCK_CONDITIONS.has(c.type) && c.status === 'True');
  return stuck ? `${stuck.type}: ${stuck.message ?? stuck.reason ?? ''}`.trim() : undefined;
}
