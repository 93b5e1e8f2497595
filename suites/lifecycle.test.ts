import * as k8s from '@kubernetes/client-node';
import { ConformanceFailure } from '../helpers/errors.ts';
import { waitForMultusReady } from '../helpers/multus/install.ts';
import { verifyAttachments } from '../helpers/scenario/checks.ts';
import { scenario } from '../helpers/scenario/scenario.ts';
import type { ScenarioEnv } from '../helpers/scenario/env.ts';
import { waitFor } from '../helpers/k8s/wait.ts';
import { selectorOf } from '../helpers/k8s/labels.ts';

scenario('lifecycle/multus-restart', async (env) => {
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const pod = await env.pod('survivor', { networks: 'macvlan-conf' });
  const before = await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);

  await restartMultus(env, async () => undefined);

  // The running pod keeps its interface, address and MAC; status is unchanged.
  await pod.refresh();
  const after = await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);
  const key = (s: typeof before.status): string => JSON.stringify(s.map((e) => [e.interface, e.ips, e.mac]));
  if (key(after.status) !== key(before.status)) {
    throw new ConformanceFailure({ pod: pod.id, iface: 'net1', check: 'network-status after Multus restart', expected: key(before.status), actual: key(after.status) });
  }
  // And new pods still get their attachments after the restart.
  const fresh = await env.pod('after-restart', { networks: 'macvlan-conf' });
  await verifyAttachments(fresh, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);
});

/**
 * Deletes every Multus pod (the DaemonSet recreates them), runs `during`
 * right after the delete, then waits until the replacements are ready.
 */
async function restartMultus(env: ScenarioEnv, during: () => Promise<void>): Promise<void> {
  const [namespace, name] = env.cluster.multus.daemonSet!.split('/') as [string, string];
  const apps = env.kc.makeApiClient(k8s.AppsV1Api);
  const ds = await apps.readNamespacedDaemonSet({ namespace, name });
  const selector = selectorOf(ds.spec?.selector.matchLabels);
  const old = await env.core.listNamespacedPod({ namespace, labelSelector: selector });
  const oldUids = new Set(old.items.map((p) => p.metadata?.uid));
  await Promise.all(old.items.map((p) => env.core.deleteNamespacedPod({ namespace, name: p.metadata!.name! })));
  await during();
  await waitFor(
    `Multus DaemonSet ${namespace}/${name}: waiting for replacement pods`,
    async () => {
      const now = await env.core.listNamespacedPod({ namespace, labelSelector: selector });
      const fresh = now.items.filter((p) => !oldUids.has(p.metadata?.uid));
      return fresh.length >= old.items.length
        ? { done: true, value: undefined, state: `${fresh.length} new pod(s)` }
        : { done: false, state: `${fresh.length}/${old.items.length} new pod(s)` };
    },
    { timeoutMs: env.timeouts.multusReady },
  );
  await waitForMultusReady(env.kc, env.timeouts.multusReady);
}

scenario('lifecycle/pod-during-restart', async (env) => {
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const names = ['during-1', 'during-2', 'during-3'];
  // Pods created in the restart window: each must come up with net1 or not
  // come up at all; Running without its network is a silent failure.
  await restartMultus(env, async () => {
    for (const n of names) {
      await env.createPod(n, { networks: 'macvlan-conf' });
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  for (const n of names) {
    const pod = await env.waitReady(n);
    const live = await pod.interfaces();
    if (!live.some((i) => i.name === 'net1')) {
      throw new ConformanceFailure({
        pod: pod.id,
        iface: 'net1',
        check: 'pod created during a Multus restart',
        expected: 'net1 attached (or the pod not running)',
        actual: `Running with only ${live.map((i) => i.name).join(', ')}`,
      });
    }
    await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);
  }
});
