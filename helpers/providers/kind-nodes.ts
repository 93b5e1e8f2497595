import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { ClusterAccessError, UsageError } from '../errors.ts';
import { apiErrorText } from '../k8s/client.ts';
import { waitFor } from '../k8s/wait.ts';
import type { KindToolchain } from './kind-toolchain.ts';

/** The primary (cluster default) network the suite installs on its kind clusters instead of kindnet. */
export const PRIMARY_NETWORK = 'mc-ptp';
export const PRIMARY_CONF = '/etc/cni/net.d/10-mc-ptp.conflist';
/** Written into the control-plane node once the suite has set the cluster up: it is the suite's. */
export const CREATED_MARKER = '/kind/multus-conformance';

export interface KindNode {
  name: string;
  ip: string;
  podCidr: string;
}

/**
 * ptp + host-local over the node's pod CIDR: every pod gets a veth to its
 * node; other nodes' pod CIDRs are reached by plain routes (routeCommands).
 * No masquerading: pod traffic stays inside the cluster's network. Both
 * Debian's plugins (offline node image) and kindest/node ship ptp and host-local.
 */
export function primaryCniConfig(podCidr: string): string {
  const conf = {
    cniVersion: '0.4.0',
    name: PRIMARY_NETWORK,
    plugins: [
      { type: 'ptp', ipMasq: false, ipam: { type: 'host-local', ranges: [[{ subnet: podCidr }]], routes: [{ dst: '0.0.0.0/0' }] } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(conf, null, 2)}\n`;
}

/** On node `self`, a route to every other node's pod CIDR via that node's address. */
export function routeCommands(self: KindNode, all: readonly KindNode[]): string[][] {
  return all.filter((n) => n.name !== self.name).map((n) => ['ip', 'route', 'replace', n.podCidr, 'via', n.ip]);
}

/**
 * kubeadm's Corefile without its `forward` directive (and the block after
 * it): cluster names still resolve, nothing is ever sent to an upstream
 * resolver outside the cluster.
 */
export function corefileWithoutForward(corefile: string): string {
  const out: string[] = [];
  let depth = 0;
  for (const line of corefile.split('\n')) {
    if (depth > 0) {
      depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
      continue;
    }
    if (/^\s*forward\s/.test(line)) {
      depth = (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

/** Nodes with their InternalIP and pod CIDR; undefined while one still lacks them. */
export function kindNodesFromApi(items: readonly k8s.V1Node[]): { nodes?: KindNode[]; missing: string[] } {
  const nodes: KindNode[] = [];
  const missing: string[] = [];
  for (const n of items) {
    const name = n.metadata?.name ?? '';
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const podCidr = n.spec?.podCIDR;
    if (!ip || !podCidr) missing.push(name);
    else nodes.push({ name, ip, podCidr });
  }
  return missing.length === 0 ? { nodes, missing } : { missing };
}

export function notReadyNodes(items: readonly k8s.V1Node[]): string[] {
  return items
    .filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
    .map((n) => n.metadata?.name ?? '');
}

export async function docker(tc: KindToolchain, args: string[], what: string, input?: string): Promise<string> {
  try {
    const r = await execa('docker', args, { env: tc.env, ...(input !== undefined ? { input } : {}) });
    return r.stdout;
  } catch (e) {
    const err = e as { stderr?: string; shortMessage?: string };
    throw new ClusterAccessError(`docker: ${what}: ${(err.stderr ?? '').trim().split('\n').at(-1) || err.shortMessage || String(e)}`);
  }
}

/** Whether the cluster's control plane carries the suite's marker (a cluster an earlier run created). */
export async function createdBySuite(tc: KindToolchain, clusterName: string): Promise<boolean> {
  const r = await execa('docker', ['exec', `${clusterName}-control-plane`, 'test', '-f', CREATED_MARKER], { env: tc.env, reject: false });
  return r.exitCode === 0;
}

/** Where the machine keeps the reference CNI plugins, for stock node images that lack macvlan and friends. */
function hostPluginDir(): string {
  const dir = ['/opt/cni/bin', '/usr/lib/cni'].find((d) => existsSync(join(d, 'macvlan')));
  if (!dir) {
    throw new UsageError('provider kind: kindest/node lacks the macvlan/ipvlan CNI plugins and this machine has none to copy in (install containernetworking-plugins)');
  }
  return dir;
}

/**
 * Sets up the nodes of a cluster the suite created: the primary network
 * (config and routes, written with `docker exec`), the reference plugins where
 * the node image lacks them, CoreDNS without an upstream, the suite's marker;
 * then waits for every node to be Ready. Safe to repeat on the same cluster.
 */
export async function prepareKindNodes(
  kc: k8s.KubeConfig,
  tc: KindToolchain,
  clusterName: string,
  opts: { copyHostPlugins: boolean; timeoutMs: number },
): Promise<KindNode[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nodes = await waitFor(
    `kind cluster ${clusterName}: waiting for every node's address and pod CIDR`,
    async () => {
      const list = await core.listNode();
      const r = kindNodesFromApi(list.items);
      return r.nodes && r.nodes.length > 0 ? { done: true, value: r.nodes, state: `${r.nodes.length} node(s)` } : { done: false, state: `missing on ${r.missing.join(', ') || 'every node'}` };
    },
    { timeoutMs: opts.timeoutMs },
  );
  const pluginDir = opts.copyHostPlugins ? hostPluginDir() : undefined;
  await Promise.all(
    nodes.map(async (node) => {
      if (pluginDir) await docker(tc, ['cp', `${pluginDir}/.`, `${node.name}:/opt/cni/bin/`], `copy CNI plugins into ${node.name}`);
      await docker(tc, ['exec', '-i', node.name, 'sh', '-c', `mkdir -p /etc/cni/net.d && cat >${PRIMARY_CONF}`], `write the primary CNI config on ${node.name}`, primaryCniConfig(node.podCidr));
      for (const cmd of routeCommands(node, nodes)) await docker(tc, ['exec', node.name, ...cmd], `route on ${node.name}`);
    }),
  );
  await dropCorednsForward(kc);
  await docker(tc, ['exec', `${clusterName}-control-plane`, 'touch', CREATED_MARKER], 'mark the cluster as the suite\'s');
  await waitFor(
    `kind cluster ${clusterName}: waiting for every node to be Ready`,
    async () => {
      const list = await core.listNode();
      const bad = notReadyNodes(list.items);
      return bad.length === 0 && list.items.length > 0 ? { done: true, value: undefined, state: 'all Ready' } : { done: false, state: `not Ready: ${bad.join(', ')}` };
    },
    { timeoutMs: opts.timeoutMs },
  );
  return nodes;
}

async function dropCorednsForward(kc: k8s.KubeConfig): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  try {
    const cm = await core.readNamespacedConfigMap({ name: 'coredns', namespace: 'kube-system' });
    const corefile = cm.data?.['Corefile'];
    if (corefile === undefined) return;
    const trimmed = corefileWithoutForward(corefile);
    if (trimmed === corefile) return;
    await core.replaceNamespacedConfigMap({ name: 'coredns', namespace: 'kube-system', body: { ...cm, data: { ...cm.data, Corefile: trimmed } } });
  } catch (e) {
    throw new ClusterAccessError(`kind: CoreDNS config without an upstream: ${apiErrorText(e)}`);
  }
}
