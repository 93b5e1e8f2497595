import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ClusterAccessError } from '../../helpers/errors.ts';
import { FIXTURES_DIR, REPO_ROOT } from '../../helpers/fixtures/paths.ts';
import { renderTemplate } from '../../helpers/fixtures/render.ts';
import { apiErrorText } from '../../helpers/k8s/client.ts';
import { execInPod } from '../../helpers/k8s/exec.ts';
import { waitFor } from '../../helpers/k8s/wait.ts';
import type { LiveInterface } from '../../helpers/parse/live-network.ts';
import { NETWORK_STATUS_ANNOTATION, parseNetworkStatus, type NetworkStatusEntry } from '../../helpers/parse/network-status.ts';
import { CANARY_LABEL, CANARY_SETS } from '../../helpers/upgrade/canary-plan.ts';
import { readByExec } from '../audit/exec-read.ts';

/** A canary DaemonSet rendered from fixtures/upgrade/canary-daemonset.yaml. */
export function canaryDaemonSet(vars: {
  name: string;
  namespace: string;
  image: string;
  nad: string;
  maxSeconds: number;
  maxRounds: number;
  affinity: { key: string; operator: string; values?: string[] }[];
}): k8s.V1DaemonSet {
  const file = join(FIXTURES_DIR, 'upgrade', 'canary-daemonset.yaml');
  const { affinity: _affinity, ...values } = vars;
  const ds = parse(renderTemplate(readFileSync(file, 'utf8'), values, relative(REPO_ROOT, file))) as k8s.V1DaemonSet;
  ds.metadata = { ...ds.metadata, namespace: vars.namespace };
  if (vars.affinity.length > 0) {
    ds.spec!.template.spec!.affinity = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: vars.affinity }] } },
    };
  }
  return ds;
}

/** Waits until both canary DaemonSets run a Ready pod on every node they are scheduled to (at least one). */
export async function waitForCanarySets(kc: k8s.KubeConfig, namespace: string, timeoutMs: number): Promise<void> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  await waitFor(
    `canary DaemonSets in ${namespace}: waiting for a Ready canary on every node`,
    async () => {
      const states = await Promise.all(CANARY_SETS.map((name) => apps.readNamespacedDaemonSet({ namespace, name })));
      const text = states.map((d) => `${d.metadata?.name} ${d.status?.numberReady ?? 0}/${d.status?.desiredNumberScheduled ?? 0} ready`).join(', ');
      const done = states.every((d) => {
        const want = d.status?.desiredNumberScheduled ?? 0;
        return want > 0 && d.status?.numberReady === want && d.status?.updatedNumberScheduled === want && (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);
      });
      return done ? { done: true, value: undefined, state: text } : { done: false, state: text };
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

export interface CanaryPod {
  pod: k8s.V1Pod;
  /** namespace/name */
  ref: string;
  name: string;
  uid: string;
  node: string;
  set: string;
  restarts: number;
  ready: boolean;
}

export async function listCanaryPods(kc: k8s.KubeConfig, namespace: string): Promise<CanaryPod[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespacedPod({ namespace, labelSelector: CANARY_LABEL }).catch((e: unknown) => {
    throw new ClusterAccessError(`list canary pods in ${namespace}: ${apiErrorText(e)}`);
  });
  return list.items
    .filter((p) => p.metadata?.deletionTimestamp === undefined)
    .map((pod) => ({
      pod,
      ref: `${namespace}/${pod.metadata?.name ?? ''}`,
      name: pod.metadata?.name ?? '',
      uid: pod.metadata?.uid ?? '',
      node: pod.spec?.nodeName ?? '',
      set: pod.metadata?.labels?.[CANARY_LABEL] ?? '',
      restarts: (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    }));
}

export interface PodNetworks {
  live: LiveInterface[];
  status: NetworkStatusEntry[];
}

/** What a pod's network looks like now: `ip` inside it, and its network-status annotation (a ConformanceFailure when absent or malformed). */
export async function readPodNetworks(kc: k8s.KubeConfig, pod: k8s.V1Pod): Promise<PodNetworks> {
  const ref = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const status = parseNetworkStatus(pod.metadata?.annotations?.[NETWORK_STATUS_ANNOTATION], ref);
  const read = await readByExec(pod, (namespace, name, container, command) => execInPod(kc, namespace, name, command, { container, timeoutMs: 30_000 }));
  if ('why' in read) throw new ClusterAccessError(`pod ${ref}: reading its interfaces: ${read.why}`);
  return { live: read.live, status };
}

/** Runs a shell command in a canary; a non-zero exit is an error naming the pod and what it said. */
export async function shInCanary(kc: k8s.KubeConfig, namespace: string, pod: string, script: string): Promise<string> {
  const r = await execInPod(kc, namespace, pod, ['/bin/sh', '-c', script], { container: 'probe', timeoutMs: 30_000 });
  if (r.exitCode !== 0) {
    const said = (r.stderr || r.message || '').trim().split('\n')[0] ?? '';
    throw new ClusterAccessError(`pod ${namespace}/${pod}: ${script.slice(0, 60)}: exit ${r.exitCode ?? '(none)'}${said ? `: ${said}` : ''}`);
  }
  return r.stdout;
}
