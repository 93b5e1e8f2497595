import * as k8s from '@kubernetes/client-node';
import type { NodeConfDir } from '../assert/multus-config.ts';
import type { BaselinePods } from '../assert/multus-pods.ts';
import type { BoundPodState } from '../assert/multus-token.ts';
import type { NodeCapabilities } from '../capabilities/types.ts';
import { ConformanceFailure, UsageError } from '../errors.ts';
import { apiStatus } from '../k8s/client.ts';
import { detectMultus } from '../multus/detect.ts';
import type { MultusInfo } from '../capabilities/types.ts';
import { loadRunReport } from '../report/run-report.ts';

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
