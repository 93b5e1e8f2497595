import * as k8s from '@kubernetes/client-node';
import type { NodeConfDir } from '../assert/multus-config.ts';
import type { BaselinePods } from '../assert/multus-pods.ts';
import { assertThinToken, type BoundPodState, type TokenVerdict } from '../assert/multus-token.ts';
import { probeNodes } from '../capabilities/discover.ts';
import { MULTUS_KUBECONFIG, type KubeconfigToken } from '../capabilities/probe-token.ts';
import type { MultusInfo, NodeCapabilities } from '../capabilities/types.ts';
import { ConformanceFailure, UsageError } from '../errors.ts';
import { apiStatus } from '../k8s/client.ts';
import { multusConfFiles } from '../multus/config-files.ts';
import { detectMultus } from '../multus/detect.ts';
import { loadRunReport } from '../report/run-report.ts';
import type { ClusterInfo } from './cluster-info.ts';

/**
 * Glue between the node probe, the API and the Multus health checks in
 * helpers/assert/: which nodes they read, what the API says now.
 */

/**
 * Each probed node's /etc/cni/net.d as the probe saw it (with the files'
 * facts when `withConfigs`). A node whose probe failed, or whose probe could
 * not read what the check needs, fails the check: it was not checked. Nodes
 * that are not Ready were not probed: a note says so.
 */
export function confDirs(nodes: readonly NodeCapabilities[], withConfigs: boolean): { dirs: NodeConfDir[]; notes: string[] } {
  const dirs: NodeConfDir[] = [];
  const notes: string[] = [];
  for (const n of nodes) {
    if (!n.ready && !n.probe && !n.probeError) {
      notes.push(`node ${n.name} is not Ready: not probed, not checked`);
      continue;
    }
    const fail = (actual: string): never => {
      throw new ConformanceFailure({ pod: `(node ${n.name})`, check: 'node probe', expected: withConfigs ? 'the CNI config files read' : 'probe output', actual });
    };
    if (!n.probe) return fail(n.probeError ?? 'none');
    if (!withConfigs) {
      dirs.push({ node: n.name, files: n.probe.cniConfFiles });
      continue;
    }
    const configs = n.probe.cniConfigs;
    if (!configs) return fail('no "confs" section in the probe output');
    if (!configs.ok) return fail(configs.problem);
    dirs.push({ node: n.name, files: n.probe.cniConfFiles, configs: configs.value });
  }
  return { dirs, notes };
}

/**
 * The Multus DaemonSet now: the one the run started with, read again (gone
 * since is said, not thrown), or none when none ran then.
 */
export async function multusNow(kc: k8s.KubeConfig, atStart: MultusInfo): Promise<MultusInfo> {
  return await detectMultus(kc, atStart.daemonSet).catch((e: unknown) => {
    if (!(e instanceof UsageError)) throw e;
    const { daemonSet: _gone, ...rest } = atStart;
    return { ...rest, problem: `${atStart.daemonSet} is gone since the run started` };
  });
}

/** Whether the pod a bound token names still exists as that pod. */
export async function boundPodState(core: k8s.CoreV1Api, namespace: string, pod: { name: string; uid: string }): Promise<BoundPodState> {
  try {
    const now = await core.readNamespacedPod({ namespace, name: pod.name });
    const uid = now.metadata?.uid ?? '';
    return uid === pod.uid ? { state: 'alive' } : { state: 'replaced', uid };
  } catch (e) {
    if (apiStatus(e) === 404) return { state: 'gone' };
    throw e;
  }
}

const unread = (node: string, actual: string): ConformanceFailure =>
  new ConformanceFailure({ pod: `(node ${node})`, check: `node probe: ${MULTUS_KUBECONFIG}`, expected: 'its token claims read', actual });

/**
 * health/thin-kubeconfig, node by node: the token of the kubeconfig the
 * node's thin config names, checked by assertThinToken against the pod it
 * is bound to as the API shows it now. Nodes without a thin config are a
 * note (health/stale-config and health/config-flavor judge them).
 */
export async function thinTokenVerdicts(
  kc: k8s.KubeConfig,
  cluster: ClusterInfo,
  dirs: readonly NodeConfDir[],
): Promise<{ verdicts: TokenVerdict[]; notes: string[] }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const now = Math.floor(Date.now() / 1000);
  const verdicts: TokenVerdict[] = [];
  const notes: string[] = [];
  const boundOf = async (t: KubeconfigToken): Promise<BoundPodState | undefined> =>
    t.kind === 'token' && t.boundPod && t.namespace ? await boundPodState(core, t.namespace, t.boundPod) : undefined;
  for (const d of dirs) {
    const file = multusConfFiles(d.files)[0];
    const keys = d.configs?.find((c) => c.file === file)?.multus;
    if (!file || keys?.type !== 'multus') {
      notes.push(`node ${d.node}: no thin Multus config, no token to check (health/stale-config, health/config-flavor say why)`);
      continue;
    }
    const kubeconfig = keys.kubeconfig ?? MULTUS_KUBECONFIG;
    if (kubeconfig !== MULTUS_KUBECONFIG) {
      verdicts.push({ verdict: 'skip', reason: `node ${d.node}: ${file} names the kubeconfig ${kubeconfig}; the probe reads only ${MULTUS_KUBECONFIG}` });
      continue;
    }
    const read = cluster.nodes.find((n) => n.name === d.node)?.probe?.multusKubeconfig;
    if (!read?.ok) throw unread(d.node, read ? read.problem : 'no "token" section in the probe output');
    let token = read.value;
    let bound = await boundOf(token);
    if (bound && bound.state !== 'alive') {
      // The probe read the file when the run started; a Multus pod started since has rewritten it. Read it again before failing.
      token = await reprobe(kc, cluster, d.node);
      bound = await boundOf(token);
      notes.push(`node ${d.node}: the token read when the run started was bound to a pod that is gone; read the kubeconfig again`);
    }
    verdicts.push(assertThinToken({ node: d.node, kubeconfig, read: token, now, marginSeconds: cluster.tokenMarginSeconds, ...(bound ? { boundPod: bound } : {}) }));
  }
  return { verdicts, notes };
}

/** The thin kubeconfig's token claims on one node, read by a new probe pod now. */
async function reprobe(kc: k8s.KubeConfig, cluster: ClusterInfo, node: string): Promise<KubeconfigToken> {
  const facts = cluster.nodes.filter((n) => n.name === node);
  const [again] = await probeNodes(kc, facts, { runId: cluster.runId, image: cluster.profile.testImage, timeoutMs: cluster.timeouts.probe, slug: 'token-probe' });
  const read = again?.probe?.multusKubeconfig;
  if (!read?.ok) throw unread(node, read?.problem ?? again?.probeError ?? 'no output');
  return read.value;
}

/** What a `--baseline` report recorded of the Multus pods, for health/multus-pods. */
export function baselineMultusPods(file: string): BaselinePods {
  let report: ReturnType<typeof loadRunReport>;
  try {
    report = loadRunReport(file, '--baseline');
  } catch (e) {
    return { file, missing: e instanceof Error ? e.message : String(e) };
  }
  const pods = report.target?.multus.pods;
  if (pods) return { file: report.path, pods };
  return {
    file: report.path,
    missing: report.target ? 'it did not record the Multus pods (a report written before they were recorded)' : 'it recorded nothing of the cluster (an older report, or a run that stopped early)',
  };
}
