import * as k8s from '@kubernetes/client-node';
import { assertRestartScope, assertSameDaemonSet, type DaemonSetRef, type OwnedPod } from '../assert/restart-scope.ts';
import type { MultusInfo } from '../capabilities/types.ts';
import { ConformanceFailure } from '../errors.ts';
import { apiStatus } from '../k8s/client.ts';
import { selectorString } from '../k8s/labels.ts';
import { waitFor } from '../k8s/wait.ts';
import { RestartObserver, type ObservedPod } from './restart-observer.ts';

/** The Multus DaemonSet a restart may touch, or why there is none. */
export function restartTarget(multus: MultusInfo): DaemonSetRef {
  const [namespace, name] = (multus.daemonSet ?? '').split('/');
  if (!namespace || !name || !multus.uid) {
    throw new ConformanceFailure({
      pod: '(cluster)',
      check: 'Multus restart',
      expected: 'the Multus DaemonSet detected when the run started',
      actual: multus.problem ?? 'none was detected',
    });
  }
  return { namespace, name, uid: multus.uid };
}

/** Seen while a restart's pods were created: the window between the old pod gone and the new one Ready. */
export interface RestartWindow {
  node: string;
  /** The window held: pods were created after the old pod was seen gone, and a read after the last create still showed no Ready replacement. */
  observed: boolean;
  /** Milliseconds after the delete request: old pod seen gone, last create returned, replacement seen Ready. */
  goneAt: number;
  createdBy: number;
  readyAt?: number;
  /** One line for the report. */
  detail: string;
}

export interface RestartResult {
  deleted: OwnedPod[];
  window?: RestartWindow;
}

const secs = (ms: number | undefined): string => (ms === undefined ? '?' : `+${(ms / 1000).toFixed(1)}s`);

/**
 * Restarts Multus by deleting its pods, confined to that: only pods whose
 * controller is the detected DaemonSet (same UID as when the run started),
 * listed with its full selector (matchLabels and matchExpressions); a selector
 * that also lists other pods refuses the restart before any delete. Each
 * delete carries a UID precondition, so a pod re-created under the same name
 * is never hit.
 *
 * With `during`, the pods it creates go into the restart window, both ends
 * seen through a pod watch: `during(node)` runs as soon as the old pod on
 * `node` is gone, and the window counts as observed only if a read after it
 * returns still shows no Ready replacement on that node. Then waits until
 * every node has a Ready replacement.
 */
export async function restartMultus(
  kc: k8s.KubeConfig,
  target: DaemonSetRef,
  opts: { timeoutMs: number; during?: (node: string) => Promise<void> },
): Promise<RestartResult> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const { namespace, name } = target;
  const ds = await apps.readNamespacedDaemonSet({ namespace, name });
  assertSameDaemonSet(target, ds);
  let selector: string;
  try {
    selector = selectorString(ds.spec?.selector);
  } catch (e) {
    throw new ConformanceFailure({
      pod: `(DaemonSet ${namespace}/${name})`,
      check: 'Multus restart: a selector that selects only the DaemonSet’s pods',
      expected: 'a non-empty, valid spec.selector',
      actual: `${e instanceof Error ? e.message : String(e)}; nothing was deleted`,
    });
  }
  const listed = await core.listNamespacedPod({ namespace, labelSelector: selector });
  const old = assertRestartScope(target, selector, listed.items);
  if (old.length === 0) {
    throw new ConformanceFailure({
      pod: `(DaemonSet ${namespace}/${name})`,
      check: 'Multus restart',
      expected: 'at least one Multus pod to restart',
      actual: `no pod matches "${selector}"`,
    });
  }

  const observer = new RestartObserver(target, old);
  const t0 = Date.now();
  const since = (): number => Date.now() - t0;
  const wakers = new Set<() => void>();
  let watching = true;
  const controller = await new k8s.Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    // From the list's resourceVersion: no event between the list and the deletes is missed.
    { labelSelector: selector, resourceVersion: listed.metadata?.resourceVersion },
    (type: string, obj: ObservedPod) => {
      observer.observe(type, obj, since());
      for (const w of wakers) w();
    },
    () => {
      watching = false;
      for (const w of wakers) w();
    },
  );
  const subscribe = async (wake: () => void): Promise<() => void> => {
    wakers.add(wake);
    return () => wakers.delete(wake);
  };
  // The watch drives the observer; a list only fills in when the watch has ended.
  const refresh = async (): Promise<void> => {
    if (watching) return;
    observer.observeList((await core.listNamespacedPod({ namespace, labelSelector: selector })).items, since());
  };

  try {
    for (const p of old) {
      try {
        await core.deleteNamespacedPod({ namespace: p.namespace, name: p.name, body: { preconditions: { uid: p.uid } } });
      } catch (e) {
        // 404: already gone; 409: the name now belongs to another pod (the precondition held it back).
        if (apiStatus(e) !== 404 && apiStatus(e) !== 409) throw e;
      }
    }

    let window: RestartWindow | undefined;
    if (opts.during) {
      const node = await waitFor(
        `Multus DaemonSet ${namespace}/${name}: waiting for an old Multus pod to be gone`,
        async () => {
          await refresh();
          const n = observer.firstGone();
          return n ? { done: true, value: n, state: observer.describe() } : { done: false, state: observer.describe() };
        },
        { timeoutMs: opts.timeoutMs, subscribe },
      );
      const goneAt = observer.goneOn(node)!;
      await opts.during(node);
      const createdBy = since();
      // Authoritative: read after the last create. Not Ready now means not Ready while they were created.
      observer.observeList((await core.listNamespacedPod({ namespace, labelSelector: selector })).items, since());
      const readyAt = observer.readyOn(node);
      const observed = readyAt === undefined;
      window = {
        node,
        observed,
        goneAt,
        createdBy,
        ...(readyAt === undefined ? {} : { readyAt }),
        detail: observed
          ? `node ${node}: old Multus pod gone ${secs(goneAt)}, pods created by ${secs(createdBy)}, replacement not Ready then`
          : `node ${node}: old Multus pod gone ${secs(goneAt)}, but its replacement was Ready by ${secs(readyAt)}, before the pods were all created (${secs(createdBy)})`,
      };
    }

    await waitFor(
      `Multus DaemonSet ${namespace}/${name}: waiting for replacement pods to be Ready`,
      async () => {
        await refresh();
        if (!observer.replaced()) return { done: false, state: observer.describe() };
        const now = await apps.readNamespacedDaemonSet({ namespace, name });
        const ready = now.status?.numberReady ?? 0;
        const desired = now.status?.desiredNumberScheduled ?? 0;
        const state = `${observer.describe()}; DaemonSet ready ${ready}/${desired}`;
        return ready === desired && desired > 0 ? { done: true, value: undefined, state } : { done: false, state };
      },
      { timeoutMs: opts.timeoutMs, subscribe },
    );
    if (window && window.readyAt === undefined) {
      const readyAt = observer.readyOn(window.node);
      if (readyAt !== undefined) {
        window.readyAt = readyAt;
        window.detail += `; Ready ${secs(readyAt)}`;
      }
    }
    return { deleted: old, ...(window ? { window } : {}) };
  } finally {
    controller.abort();
  }
}
