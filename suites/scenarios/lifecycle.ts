import { assertAttachedAfterRestart, assertStatusUnchanged } from '../../helpers/assert/restart-attachments.ts';
import { verifyAttachments } from '../../helpers/scenario/checks.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { SkipScenario } from '../../helpers/scenario/skip.ts';

scenario('lifecycle/multus-restart', async (env) => {
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const pod = await env.pod('survivor', { networks: 'macvlan-conf' });
  const before = await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);

  // Shared with lifecycle/pod-during-restart when both run (one restart serves both).
  const { deleted } = await env.restartMultus();
  env.note(`restarted ${deleted.map((p) => `${p.namespace}/${p.name}`).join(', ')} (the only pods deleted)`);

  // The running pod keeps its interface, address and MAC; status is unchanged.
  await pod.refresh();
  const after = await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);
  assertStatusUnchanged(pod.id, before.status, after.status);
  // And new pods still get their attachments after the restart.
  const fresh = await env.pod('after-restart', { networks: 'macvlan-conf' });
  await verifyAttachments(fresh, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);
});

scenario('lifecycle/pod-during-restart', async (env) => {
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const names = ['during-1', 'during-2', 'during-3'];
  // Pods created in the restart window (old Multus pod gone, new one not yet
  // Ready) on that node: each must come up with net1 or not come up at all;
  // Running without its network is a silent failure.
  const { window } = await env.restartMultus(async (node) => {
    await Promise.all(names.map((n) => env.createPod(n, { networks: 'macvlan-conf', node })));
  });
  if (!window?.observed) {
    // The replacement came up before the pods were in: nothing about the window was tested.
    throw new SkipScenario(`the restart window was not observed: ${window?.detail ?? 'no window'}`);
  }
  env.note(`restart window: ${window.detail}`);
  // A pod whose sandbox failed in the window waits for the kubelet's retry;
  // the replacement is Ready now, so it is tried again at once. A pod that
  // already runs (with or without net1) is not touched by this.
  await env.retryNow(...names);
  for (const n of names) {
    const pod = await env.waitReady(n);
    assertAttachedAfterRestart(pod.id, await pod.interfaces(), 'net1');
    await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan' }], env.cluster);
  }
});
