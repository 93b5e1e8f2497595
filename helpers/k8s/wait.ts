import * as k8s from '@kubernetes/client-node';
import { ClusterLost, currentApiLost, isNoAnswer } from './api-lost.ts';
import { eventsFor, formatEvents } from './events.ts';

/**
 * The one way to wait. A probe returns `{ done, state }`; `state` is the
 * last observed state, put into the timeout error so a timeout says what was
 * seen. `wake` lets a watch trigger the probe early; the interval is only a
 * safety net for watches that drop.
 */
export interface Probe<T> {
  (): Promise<{ done: true; value: T; state: string } | { done: false; state: string }>;
}

export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
}

/** Thrown by a probe when the condition can never hold: ends the wait at once. */
export class StopWaiting extends Error {
  override name = 'StopWaiting';
}

export async function waitFor<T>(
  description: string,
  probe: Probe<T>,
  opts: { timeoutMs: number; intervalMs?: number; subscribe?: (wake: () => void) => Promise<() => void> },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 2000;
  let wakeUp: (() => void) | undefined;
  const wake = (): void => wakeUp?.();
  // The watch only speeds things up: never wait for it to connect (a proxy
  // that holds the response headers would otherwise stall the whole wait).
  let unsubscribe: (() => void) | undefined;
  let finished = false;
  opts.subscribe?.(wake).then(
    (stop) => (finished ? stop() : (unsubscribe = stop)),
    () => undefined,
  );
  let last = '(not observed yet)';
  try {
    for (;;) {
      try {
        const r = await probe();
        if (r.done) return r.value;
        last = r.state;
      } catch (e) {
        if (e instanceof StopWaiting) throw e;
        // A short outage is waited out; a lost cluster (api-lost.ts) ends every wait at once.
        const lost = isNoAnswer(e) ? currentApiLost() : undefined;
        if (lost) throw new ClusterLost(lost);
        last = `probe error: ${e instanceof Error ? e.message : String(e)}`;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeout(`${description}: timed out after ${Math.round(opts.timeoutMs / 1000)}s; last observed: ${last}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(interval, left));
        wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    finished = true;
    unsubscribe?.();
  }
}

/** Subscribes to watch events on one object kind in a namespace. */
export function watchSubscription(
  kc: k8s.KubeConfig,
  path: string,
  query: Record<string, string>,
): (wake: () => void) => Promise<() => void> {
  return async (wake) => {
    const watch = new k8s.Watch(kc);
    const ctl = await watch.watch(path, query, () => wake(), () => undefined);
    return () => ctl.abort();
  };
}

export function describePod(pod: k8s.V1Pod | undefined): string {
  if (!pod) return 'pod not found';
  const st = pod.status;
  const cond = (st?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? `(${c.reason})` : ''}`).join(' ');
  const waiting = (st?.containerStatuses ?? [])
    .map((c) => c.state?.waiting)
    .filter((w): w is k8s.V1ContainerStateWaiting => !!w)
    .map((w) => `${w.reason ?? ''}${w.message ? `: ${w.message}` : ''}`)
    .join('; ');
  return `phase ${st?.phase ?? 'unknown'}${cond ? `, ${cond}` : ''}${waiting ? `, waiting: ${waiting}` : ''}`;
}

/**
 * Waits until a pod is Ready (all containers), or fails early when it can
 * never get there. The timeout error carries the last pod state and the
 * pod's events.
 */
export async function waitForPodReady(kc: k8s.KubeConfig, namespace: string, name: string, timeoutMs: number): Promise<k8s.V1Pod> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  try {
    return await waitFor(
      `pod ${namespace}/${name}: waiting for Ready`,
      async () => {
        const pod = await core.readNamespacedPod({ namespace, name });
        const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready) return { done: true, value: pod, state: describePod(pod) };
        if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
          throw new StopWaiting(`pod ${namespace}/${name}: ended in phase ${pod.status.phase} before Ready`);
        }
        return { done: false, state: describePod(pod) };
      },
      { timeoutMs, subscribe: watchSubscription(kc, `/api/v1/namespaces/${namespace}/pods`, { fieldSelector: `metadata.name=${name}` }) },
    );
  } catch (e) {
    if (e instanceof WaitTimeout) {
      const events = await eventsFor(kc, namespace, name).catch(() => []);
      throw new WaitTimeout(`${e.message}\nevents:\n${formatEvents(events)}`);
    }
    throw e;
  }
}
