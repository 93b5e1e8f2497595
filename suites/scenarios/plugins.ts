import * as k8s from '@kubernetes/client-node';
import { assertBridgePorts, assertDeviceReturned, assertLinkGone, assertNodeLink } from '../../helpers/assert/node-links.ts';
import { assertSysctl, assertSysctlsUnchanged, unlike } from '../../helpers/assert/sysctl.ts';
import { assertPingReplied } from '../../helpers/assert/traffic.ts';
import { parseTuningProbe, parseVlanProbe, TUNING_PROBE_SCRIPT, VLAN_PROBE_SCRIPT } from '../../helpers/capabilities/plugin-probes.ts';
import { firstLine } from '../../helpers/k8s/client.ts';
import { WaitTimeout, waitFor } from '../../helpers/k8s/wait.ts';
import type { AttachedPod } from '../../helpers/scenario/attached-pod.ts';
import { liveIps, verifyAttachments } from '../../helpers/scenario/checks.ts';
import type { ClusterInfo } from '../../helpers/scenario/cluster-info.ts';
import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import type { ScenarioEnv } from '../../helpers/scenario/env.ts';
import { NodeShell } from '../../helpers/scenario/node-shell.ts';
import { nodesFor } from '../../helpers/scenario/requirements.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { SkipScenario } from '../../helpers/scenario/skip.ts';

// More CNI plugins, gated honestly: bridge, host-device, tuning, vlan. What a
// scenario makes on a node (a bridge, a veth pair) it makes only on clusters
// the suite created (requirement suite-cluster), and it removes it itself,
// proving it gone from the node.
const cluster = currentCluster();

/** A node that has the plugin: one macvlan pods can land on first (the master is there), else any probed, selected, Ready one. */
function pluginNode(c: ClusterInfo, plugin: string): string {
  const has = (name: string): boolean => Boolean(c.nodes.find((n) => n.name === name)?.probe?.cniBinaries[plugin] !== undefined);
  const node = nodesFor(c, 'macvlan').nodes.find(has) ?? c.nodes.find((n) => n.selected && n.ready && has(n.name))?.name;
  if (!node) throw new Error(`no node has /opt/cni/bin/${plugin} (the requirement said one does)`);
  return node;
}

/** A link name of this run's own (at most 15 characters, IFNAMSIZ). */
const ownLink = (prefix: string, runId: string, suffix = ''): string => `${prefix}${runId.replace(/[^a-z0-9]/gi, '').slice(0, 15 - prefix.length - suffix.length)}${suffix}`;

/**
 * Runs the body, then the node-side cleanup whatever happened. A failed
 * cleanup fails the scenario; when the body failed too, the body's failure
 * is reported and the cleanup's goes into the notes, so neither is lost.
 */
async function withNodeCleanup(env: ScenarioEnv, body: () => Promise<void>, cleanup: () => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined;
  try {
    await body();
  } catch (e) {
    failure = { error: e };
  }
  try {
    await cleanup();
  } catch (e) {
    if (!failure) throw e;
    env.note(`node cleanup after the failure also failed: ${firstLine(e)}`);
  }
  if (failure) throw failure.error;
}

/** A graceful delete that waits until the pod is gone; a pod never created is fine. */
async function deleteIfThere(env: ScenarioEnv, name: string): Promise<void> {
  try {
    await env.expectDeleted(name);
  } catch (e) {
    if (!(e instanceof k8s.ApiException && e.code === 404)) throw e;
  }
}

async function ipv4Of(pod: AttachedPod, iface: string): Promise<string> {
  const ip = (await liveIps(pod, iface)).find((a) => !a.includes(':'));
  if (!ip) throw new Error(`pod ${pod.id}: no IPv4 address on ${iface}`);
  return ip;
}

scenario('plugins/bridge', async (env) => {
  const node = pluginNode(env.cluster, 'bridge');
  const subnet = env.profile.bridgeSubnet;
  if (!subnet) throw new SkipScenario(`no bridge subnet in profile ${env.cluster.profileName}: bridgeSubnet unset`);
  const bridge = ownLink('mcbr-', env.cluster.runId);
  const [shell, nad] = await Promise.all([
    NodeShell.start(env, node, { name: 'node', privileged: true }),
    env.nad('bridge-l2', { name: 'bridge-l2', vars: { bridge } }),
  ]);
  // Only a bridge the plugin makes here is the scenario's to remove (no pod uses the NAD yet).
  assertLinkGone(shell.seenBy, bridge, await shell.link(bridge), `no link ${bridge} (this run's name) on the node before the bridge plugin runs`);
  await withNodeCleanup(
    env,
    async () => {
      await Promise.all(['br-a', 'br-b'].map((name) => env.createPod(name, { networks: 'bridge-l2', node })));
      const [a, b] = (await Promise.all([env.waitReady('br-a'), env.waitReady('br-b')])) as [AttachedPod, AttachedPod];
      await Promise.all([a, b].map((pod) => verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'veth' }], cluster)));
      assertNodeLink(shell.seenBy, bridge, await shell.link(bridge), 'bridge', `bridge ${bridge} made by the bridge plugin, UP`);
      assertBridgePorts(shell.seenBy, bridge, await shell.ports(bridge), 2);
      const [ipA, ipB] = await Promise.all([ipv4Of(a, 'net1'), ipv4Of(b, 'net1')]);
      // Both ways at once: each ping is bounded (3 packets, 5 s at most).
      const [ab, ba] = await Promise.all([a.ping(ipB, 'net1'), b.ping(ipA, 'net1')]);
      assertPingReplied(a.id, 'net1', { name: `pod ${b.id}`, address: ipB }, ab);
      assertPingReplied(b.id, 'net1', { name: `pod ${a.id}`, address: ipA }, ba);
    },
    async () => {
      // The pods first: their DEL takes the veths off the bridge.
      await Promise.all(['br-a', 'br-b'].map((name) => deleteIfThere(env, name)));
      const link = await shell.link(bridge);
      if (!link) return; // the plugin never made it
      // Only our bridge, with none of anyone's ports on it, is deleted.
      assertNodeLink(shell.seenBy, bridge, link, 'bridge', `bridge ${bridge} is the one the plugin made for this run`);
      assertBridgePorts(shell.seenBy, bridge, await shell.ports(bridge), 0);
      const del = await shell.sh('/usr/bin/ip link del dev "$LINK" type bridge', { LINK: bridge });
      assertLinkGone(
        shell.seenBy,
        bridge,
        await shell.link(bridge),
        `bridge ${bridge} removed from the node by the scenario (ip link del exited ${del.exitCode ?? 'unknown'}${del.output ? `: ${del.output}` : ''})`,
      );
    },
  );
});

scenario('plugins/host-device', async (env) => {
  const node = pluginNode(env.cluster, 'host-device');
  if (!env.profile.hostDeviceSubnet) throw new SkipScenario(`no host-device subnet in profile ${env.cluster.profileName}: hostDeviceSubnet unset`);
  // A veth pair of this run's own: `device` goes into the pod, `peer` stays on the node.
  const device = ownLink('mchd', env.cluster.runId, 'a');
  const peer = ownLink('mchd', env.cluster.runId, 'b');
  const shell = await NodeShell.start(env, node, { name: 'node', privileged: true });
  for (const name of [device, peer]) assertLinkGone(shell.seenBy, name, await shell.link(name), `no link ${name} (this run's name) on the node before the scenario makes it`);
  await withNodeCleanup(
    env,
    async () => {
      await shell.run(`creating the veth pair ${device}/${peer}`, '/usr/bin/ip link add "$A" type veth peer name "$B" && /usr/bin/ip link set "$A" up && /usr/bin/ip link set "$B" up', {
        A: device,
        B: peer,
      });
      const [link, nad] = await Promise.all([shell.link(device), env.nad('host-device', { name: 'host-device', vars: { device } })]);
      const mac = assertNodeLink(shell.seenBy, device, link, 'veth', `veth ${device} made by the scenario`).mac;
      const pod = await env.pod('hostdev', { networks: 'host-device', node });
      await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'veth', ...(mac ? { mac } : {}) }], cluster);
      assertLinkGone(shell.seenBy, device, await shell.link(device), `host device ${device} moved into pod ${pod.id} as net1 (gone from the node while it runs)`);
      await env.expectDeleted('hostdev', env.ns, 'net1');
      // The DEL ran before the pod object went; a look or two more is only for a slow runtime (bounded).
      const back = await waitFor(
        `host device ${device} back on node ${node}`,
        async () => {
          const link = await shell.link(device);
          return link ? { done: true, value: link, state: 'back' } : { done: false, state: 'absent' };
        },
        { timeoutMs: env.timeouts.podDeleted, intervalMs: 1000 },
      ).catch((e: unknown) => {
        // Never back within the wait: the check below says so. A failed read is the scenario's failure as it is.
        if (e instanceof WaitTimeout) return undefined;
        throw e;
      });
      assertDeviceReturned(shell.seenBy, device, back, mac);
    },
    async () => {
      await deleteIfThere(env, 'hostdev');
      // Deleting the end that stays on the node takes the pair away, wherever the other end is.
      if (await shell.link(peer)) await shell.run(`deleting the veth pair ${device}/${peer}`, '/usr/bin/ip link del dev "$B" type veth', { B: peer });
      for (const name of [device, peer]) assertLinkGone(shell.seenBy, name, await shell.link(name), `veth ${name} removed from the node by the scenario`);
    },
  );
});

/** The tuning NAD's sysctls as the pod sees them (IFNAME is net1 there). */
const ARP_IGNORE = 'net.ipv4.conf.net1.arp_ignore';
const SOMAXCONN = 'net.core.somaxconn';

async function podSysctls(pod: AttachedPod): Promise<Record<string, string>> {
  const keys = [ARP_IGNORE, SOMAXCONN];
  const out = await pod.run(['sh', '-c', keys.map((k) => `cat /proc/sys/${k.replaceAll('.', '/')}`).join(' && ')]);
  const values = out.trim().split('\n');
  return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '']));
}

scenario('plugins/tuning', async (env) => {
  const node = nodesFor(env.cluster, 'macvlan').nodes[0]!;
  const master = env.profile.master!;
  const shell = await NodeShell.start(env, node, { name: 'node' });
  // The node's counterparts of what the pod's tuning sets: what a sysctl leaking out of the pod's namespace would change.
  // (A master with a dot in its name, a VLAN link like ens5.100, has no dotted sysctl key: left out.)
  const nodeKeys = [SOMAXCONN, 'net.ipv4.conf.all.arp_ignore', 'net.ipv4.conf.default.arp_ignore', ...(master.includes('.') ? [] : [`net.ipv4.conf.${master}.arp_ignore`])];
  const readNode = async (): Promise<Record<string, string>> => Object.fromEntries(await Promise.all(nodeKeys.map(async (k) => [k, await shell.sysctl(k)])));
  const before = await readNode();
  // Values neither the node nor a fresh namespace has: seeing them proves the plugin wrote them.
  const arpIgnore = unlike(['2', '1', '3'], ['0', ...nodeKeys.slice(1).map((k) => before[k]!)]);
  const somaxconn = unlike(['1031', '1033', '1039'], ['4096', '128', before[SOMAXCONN]!]);
  const nad = await env.nad('macvlan-tuning', { name: 'tuning', vars: { arpIgnore, somaxconn } });
  const pod = await env.pod('tuned', { networks: 'tuning', node });
  await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge' }], cluster);
  const seen = await podSysctls(pod);
  assertSysctl(pod.id, 'net1', ARP_IGNORE, arpIgnore, seen[ARP_IGNORE]!);
  assertSysctl(pod.id, 'net1', SOMAXCONN, somaxconn, seen[SOMAXCONN]!);
  assertSysctlsUnchanged(shell.seenBy, { pod: pod.id, iface: 'net1' }, before, await readNode());
});

scenario('plugins/tuning-allowlist', async (env) => {
  const node = nodesFor(env.cluster, 'macvlan').nodes[0]!;
  const shell = await NodeShell.start(env, node, { name: 'node', mounts: [{ hostPath: '/opt/cni/bin', mountPath: '/host/cni-bin' }] });
  const r = await shell.sh(TUNING_PROBE_SCRIPT);
  const tuning = parseTuningProbe(r.exitCode, r.output);
  if ('problem' in tuning) throw new Error(`node pod ${shell.seenBy}: ${tuning.problem}`);
  if (!tuning.allowlist) {
    throw new SkipScenario(
      `node ${node}: its tuning plugin has no sysctl allowlist (/opt/cni/bin/tuning holds no "allowlist.conf"; it says "${tuning.version}"): /etc/cni/tuning/allowlist.conf came in containernetworking/plugins v1.2.0`,
    );
  }
  // A tuning with an allowlist: refusing a sysctl means writing that file on the node, not built yet.
  throw new SkipScenario(`node ${node}: its tuning plugin ("${tuning.version}") reads /etc/cni/tuning/allowlist.conf, but writing one on the node is not implemented by this suite yet`);
});

scenario('plugins/vlan', async (env) => {
  const node = nodesFor(env.cluster, 'macvlan').nodes[0]!;
  const shell = await NodeShell.start(env, node, { name: 'node', privileged: true });
  const r = await shell.sh(VLAN_PROBE_SCRIPT);
  const support = parseVlanProbe(r.exitCode, r.output);
  if (support.status === 'unsupported') throw new SkipScenario(`node ${node}: node kernel lacks 802.1q VLAN (creating a vlan link failed: ${support.answer})`);
  if (support.status === 'failed') throw new Error(`node pod ${shell.seenBy}: the 802.1q probe failed, so whether the kernel has VLAN is unknown: ${support.problem}`);
  const { vlanId, vlanSubnet } = env.profile;
  if (vlanId === undefined || !vlanSubnet) {
    throw new SkipScenario(`no VLAN for plugins/vlan in profile ${env.cluster.profileName}: vlanId and vlanSubnet unset (a VLAN the master's segment carries for the suite)`);
  }
  const nad = await env.nad('vlan', { name: 'vlan' });
  const pod = await env.pod('vlan', { networks: 'vlan', node });
  await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'vlan' }], cluster);
});
