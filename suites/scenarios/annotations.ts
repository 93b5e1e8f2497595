import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { assignedIps } from '../../helpers/assert/addresses.ts';
import { assertDefaultNetwork, DEFAULT_NETWORK_ANNOTATION } from '../../helpers/assert/default-network.ts';
import { assertInterfacePresent } from '../../helpers/assert/interfaces.ts';
import { assertLinkKind, assertOperUp } from '../../helpers/assert/link.ts';
import { assertAttachmentKept, assertStatusKept, attachmentFacts } from '../../helpers/assert/nad-change.ts';
import { assertStatusMatchesLive, assertStatusShape } from '../../helpers/assert/network-status.ts';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import { verifyAttachments } from '../../helpers/scenario/checks.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { assertLeaseReleased, assertMirrorPod } from '../../helpers/assert/static-pod.ts';
import { WaitTimeout, waitFor } from '../../helpers/k8s/wait.ts';
import { testbedStateDir } from '../../helpers/providers/local.ts';
import { nodesFor } from '../../helpers/scenario/requirements.ts';
import { SkipScenario } from '../../helpers/scenario/skip.ts';
import { hostLocalLease, kubeletStaticPodPath, mirrorPodName, staticPodManifest } from '../../helpers/scenario/static-pod.ts';

// Multus' own annotations and NAD edits (issue 10 item 5), as Multus'
// upstream e2e and ovn-kubernetes' multihoming tests use them. Each scenario
// takes its addresses from a subnet of its own (profile *Subnet keys; the
// requirement skips naming the key where a profile has none).
const cluster = currentCluster();

scenario('annotations/default-network', async (env) => {
  const nad = await env.nad('macvlan-default-network', { name: 'default-net', vars: { netSubnet: env.profile.defaultNetworkSubnet } });
  // Multus looks the named NAD up in its own namespace (kube-system) unless
  // the annotation names one: the scenario's namespace is always named.
  const network = `${env.ns}/default-net`;
  // No probe needs the cluster network: the kubelet execs into the pod itself.
  const pod = await env.pod('default-net', { annotations: { [DEFAULT_NETWORK_ANNOTATION]: network } });
  const status = pod.status();
  const live = await pod.interfaces();
  const eth0 = assertInterfacePresent(pod.id, live, 'eth0');
  const podIps = (pod.pod.status?.podIPs ?? []).flatMap((p) => (p.ip ? [p.ip] : []));
  // First where eth0's address came from: a pod left on the cluster network fails here, naming it.
  assertDefaultNetwork(pod.id, { network, iface: 'eth0', pools: computeIpamPoolsFromJson(nad.spec.config!) }, { ifaceIps: assignedIps(eth0), podIps }, status);
  assertOperUp(pod.id, eth0);
  assertLinkKind(pod.id, eth0, 'macvlan', 'bridge');
  assertStatusShape(pod.id, status, cluster);
  assertStatusMatchesLive(pod.id, status, live);
});

/** The MTU after the edit: 1280 (IPv6's minimum) fits under any master and differs from the profile's. */
const EDITED_MTU = 1280;

scenario('annotations/nad-change', async (env) => {
  const p = env.profile;
  const original = await env.nad('macvlan-subnet-mtu', { name: 'changing', vars: { netSubnet: p.nadChangeSubnet, netMtu: p.mtu } });
  const want = (nad: typeof original, mtu: number) => [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge', mtu }];
  const running = await env.pod('before-edit', { networks: 'changing' });
  const before = await verifyAttachments(running, want(original, p.mtu), cluster);
  const kept = attachmentFacts(assertInterfacePresent(running.id, before.live, 'net1'));

  // The same NAD, replaced in place: another subnet, another MTU.
  const edited = await env.nad('macvlan-subnet-mtu', { name: 'changing', vars: { netSubnet: p.nadChangeNewSubnet, netMtu: EDITED_MTU } });
  const fresh = await env.pod('after-edit', { networks: 'changing' });
  await verifyAttachments(fresh, want(edited, EDITED_MTU), cluster);

  // The pod that ran meanwhile keeps what it got, and its status still agrees with it.
  await running.refresh();
  const after = await verifyAttachments(running, want(original, p.mtu), cluster);
  assertAttachmentKept(running.id, 'net1', kept, attachmentFacts(assertInterfacePresent(running.id, after.live, 'net1')));
  assertStatusKept(running.id, 'net1', before.status, after.status);
});

// Multus upstream e2e test-static-pod.sh: a static pod with a NAD gets it.
// Only on the local testbed (requirement static-pod-manifests): the suite
// runs on its node and writes the manifest there itself, and removes it in
// any case before the scenario ends.
scenario('annotations/static-pod', async (env) => {
  const { configFile, dir } = kubeletStaticPodPath(testbedStateDir());
  if (!dir) throw new SkipScenario(`the testbed's kubelet reads no static pod manifests (no staticPodPath in ${configFile}): it was brought up by an older scripts/testbed/up.sh`);
  const node = nodesFor(cluster, 'macvlan').nodes[0]!;
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const file = join(dir, `${env.ns}.yaml`);
  const name = mirrorPodName('static', node);
  const id = `${env.ns}/${name}`;
  let lease: { file: string; ip: string } | undefined;
  writeFileSync(file, staticPodManifest({ name: 'static', namespace: env.ns, runId: cluster.runId, image: env.profile.testImage, networks: 'macvlan-conf' }));
  try {
    const mirror = await env.waitReady(name);
    assertMirrorPod(mirror.id, mirror.pod.metadata?.annotations);
    const { live } = await verifyAttachments(mirror, [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge' }], cluster);
    const ip = assignedIps(assertInterfacePresent(mirror.id, live, 'net1'))[0]!;
    // The fixture's config has no name: Multus names it after the NAD, host-local's directory too.
    lease = { file: hostLocalLease('macvlan-conf', ip), ip };
  } finally {
    rmSync(file, { force: true });
  }
  // The kubelet stops the pod (CNI DEL) and deletes its mirror.
  await env.watch.time('delete', () =>
    waitFor(
      `static pod ${id}: waiting for the kubelet to remove it after its manifest ${file} was deleted`,
      async () => {
        const gone = await env.core.readNamespacedPod({ namespace: env.ns, name }).then(
          () => false,
          (e: unknown) => {
            if (e instanceof k8s.ApiException && e.code === 404) return true;
            throw e;
          },
        );
        const left = existsSync(lease!.file);
        return gone && !left ? { done: true, value: undefined, state: 'gone' } : { done: false, state: `${gone ? 'mirror pod gone' : 'mirror pod present'}, ${left ? 'lease held' : 'lease released'}` };
      },
      { timeoutMs: env.timeouts.podDeleted, intervalMs: 500 },
    ).catch((e: unknown) => {
      // Timed out: the checks below say what is left.
      if (!(e instanceof WaitTimeout)) throw e;
    }),
  );
  assertLeaseReleased(id, 'net1', lease!.ip, existsSync(lease!.file) ? [lease!.file] : []);
  try {
    await env.core.readNamespacedPod({ namespace: env.ns, name });
    throw new Error(`static pod ${id}: its mirror pod is still in the API ${env.timeouts.podDeleted / 1000}s after its manifest ${file} was deleted`);
  } catch (e) {
    if (!(e instanceof k8s.ApiException && e.code === 404)) throw e;
  }
});
