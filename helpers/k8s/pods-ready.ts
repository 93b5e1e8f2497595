import * as k8s from '@kubernetes/client-node';
import { eventsFor, formatEvents } from './events.ts';
import { StopWaiting, WaitTimeout, describePod, waitFor } from './wait.ts';

const SHOWN = 5;

function isReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export interface PodsReadyOptions {
  timeoutMs: number;
  /** Called once per pod, as soon as it is seen Ready: work on it can start while the others come up. */
  onReady?: (pod: k8s.V1Pod) => void;
  /** Ends the wait (with StopWaiting): the pods will not all be created after all. */
  signal?: AbortSignal;
}

/**
 * Waits until every named pod of one namespace is Ready, with one informer
 * (a list, then one watch) for all of them instead of a watch per pod: at a
 * hundred pods, per-pod watches and reads are most of the API traffic. It
 * can start before the pods exist. The probe reads the informer's cache; a
 * pod that ends Failed or Succeeded stops the wait at once. The timeout
 * error names the pods not Ready with their state and the first one's events.
 */
export async function waitForPodsReady(kc: k8s.KubeConfig, namespace: string, names: readonly string[], opts: PodsReadyOptions): Promise<k8s.V1Pod[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer<k8s.V1Pod>(kc, `/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace }));
  // The informer stops on an error; the probe starts it again (it lists afresh).
  let broken: unknown;
  informer.on('error', (e: unknown) => {
    broken = e ?? new Error('watch ended');
  });
  const wanted = new Set(names);
  const reported = new Set<string>();
  let notReady: string[] = [...names];
  try {
    await informer.start();
    return await waitFor(
      `pods in ${namespace}: waiting for ${names.length} to be Ready`,
      async () => {
        if (opts.signal?.aborted) throw new StopWaiting(`pods in ${namespace}: no longer waited for (${String(opts.signal.reason ?? 'aborted')})`);
        if (broken !== undefined) {
          broken = undefined;
          await informer.start();
        }
        const pods = new Map(informer.list(namespace).filter((p) => wanted.has(p.metadata?.name ?? '')).map((p) => [p.metadata!.name!, p]));
        notReady = names.filter((n) => {
          const p = pods.get(n);
          return !p || !isReady(p);
        });
        for (const [n, p] of pods) {
          if (!opts.onReady || reported.has(n) || !isReady(p)) continue;
          reported.add(n);
          opts.onReady(p);
        }
        const ended = names.map((n) => pods.get(n)).find((p) => p?.status?.phase === 'Failed' || p?.status?.phase === 'Succeeded');
        if (ended) throw new StopWaiting(`pod ${namespace}/${ended.metadata?.name}: ended in phase ${ended.status?.phase} before Ready (${describePod(ended)})`);
        if (notReady.length === 0) return { done: true, value: names.map((n) => pods.get(n)!), state: 'all Ready' };
        const shown = notReady.slice(0, SHOWN).map((n) => `${n}: ${describePod(pods.get(n))}`);
        return { done: false, state: `${notReady.length} not Ready: ${shown.join('; ')}${notReady.length > SHOWN ? '; …' : ''}` };
      },
      {
        timeoutMs: opts.timeoutMs,
        subscribe: async (wake) => {
          informer.on('change', wake);
          opts.signal?.addEventListener('abort', wake);
          return () => {
            informer.off('change', wake);
            opts.signal?.removeEventListener('abort', wake);
          };
        },
      },
    );
  } catch (e) {
    if (e instanceof WaitTimeout && notReady[0] !== undefined) {
      const events = await eventsFor(kc, namespace, notReady[0]).catch(() => []);
      throw new WaitTimeout(`${e.message}\nevents of ${notReady[0]}:\n${formatEvents(events)}`);
    }
    throw e;
  } finally {
    await informer.stop();
  }
}
