import * as k8s from '@kubernetes/client-node';
import { ConformanceFailure } from '../helpers/errors.ts';
import { waitForMultusReady } from '../helpers/multus/install.ts';
import { verifyAttachments } from '../helpers/scenario/checks.ts';
import { scenario } from '../helpers/scenario/scenario.ts';
import { waitFor } from '../helpers/k8s/wait.ts';
import { selectorOf } from '../helpers/k8s/labels.ts';

scenario('lifecycle/multus-restart', async (env) => {
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const pod = await env.pod('survivor', { networks: 'macvlan-conf' });
  const before = await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);

  // Restart every Multus pod (delete them; the DaemonSet recreates them).
  const [namespace, name] = env.cluster.multus.daemonSet!.split('/') as [string, string];
  const apps = env.kc.makeApiClient(k8s.AppsV1Api);
  const ds = await apps.readNamespacedDaemonSet({ namespace, name });
  const selector = selectorOf(ds.spec?.selector.matchLabels);
  const old = await env.core.listNamespacedPod({ namespace, labelSelector: selector });
  const oldUids = new Set(old.items.map((p) => p.metadata?.uid));
  await Promise.all(old.items.map((p) => env.core.deleteNamespacedPod({ namespace, name: p.metadata!.name! })));
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
