import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { firstLine } from '../k8s/client.ts';
import { eventsFor, formatEvents } from '../k8s/events.ts';
import { execInPod } from '../k8s/exec.ts';
import { redact } from '../report/redact.ts';
import { selectorString } from '../k8s/labels.ts';
import { controlledBy } from '../assert/restart-scope.ts';
import type { ScenarioEnv } from './env.ts';

/**
 * The bundle a failed scenario gets, collected before cleanup: pod YAML and
 * events of its namespaces, `ip` inside each running pod, the Multus pods'
 * logs and each node's CNI config listing. Best effort: a part that cannot
 * be read says why instead of hiding the rest. Credentials are redacted.
 */
export async function collectDiagnostics(env: ScenarioEnv): Promise<string> {
  const out: string[] = [`# diagnostics for scenario namespace(s) ${env.namespaces.join(', ')} (run ${env.cluster.runId})`];
  for (const ns of env.namespaces) {
    let pods: k8s.V1PodList;
    try {
      pods = await env.core.listNamespacedPod({ namespace: ns });
    } catch (e) {
      out.push(`## namespace ${ns}: cannot list pods: ${firstLine(e)}`);
      continue;
    }
    for (const pod of pods.items) {
      const name = pod.metadata?.name ?? '';
      if (pod.metadata) delete pod.metadata.managedFields;
      out.push(`## pod ${ns}/${name}`, stringify(pod));
      out.push(`### events`, formatEvents(await eventsFor(env.kc, ns, name).catch(() => [])));
      if (pod.status?.phase === 'Running') {
        const ip = await execInPod(env.kc, ns, name, ['ip', 'addr', 'show'], { timeoutMs: 10_000 }).catch((e: unknown) => ({
          stdout: '',
          stderr: firstLine(e),
          exitCode: undefined,
        }));
        out.push('### ip addr show', ip.stdout || ip.stderr);
      }
    }
  }
  out.push(await multusLogs(env));
  out.push('## node CNI config listing');
  for (const n of env.cluster.nodes) {
    out.push(`${n.name}: ${n.probe ? n.probe.cniConfFiles.join(' ') || '(empty)' : `unknown (${n.probeError ?? 'no probe'})`}`);
  }
  return redact(out.join('\n'));
}

async function multusLogs(env: ScenarioEnv): Promise<string> {
  const ds = env.cluster.multus.daemonSet;
  if (!ds) return '## Multus logs: no Multus DaemonSet found';
  const [namespace, name] = ds.split('/') as [string, string];
  try {
    const apps = env.kc.makeApiClient(k8s.AppsV1Api);
    const set = await apps.readNamespacedDaemonSet({ namespace, name });
    // The full selector (matchExpressions too) and the owner: the logs of
    // Multus' own pods only, never of whatever else shares its labels.
    const selector = selectorString(set.spec?.selector);
    const pods = await env.core.listNamespacedPod({ namespace, labelSelector: selector });
    const own = pods.items.filter((p) => controlledBy({ namespace, name, uid: set.metadata?.uid ?? '' }, p));
    const parts: string[] = [];
    if (own.length < pods.items.length) parts.push(`## Multus logs: ${pods.items.length - own.length} pod(s) match "${selector}" but are not controlled by ${ds}; left out`);
    for (const p of own) {
      const container = p.spec?.containers[0]?.name ?? '';
      const logs = await env.core
        .readNamespacedPodLog({ namespace, name: p.metadata?.name ?? '', container, tailLines: 100 })
        .catch((e: unknown) => `cannot read logs: ${firstLine(e)}`);
      parts.push(`## Multus logs ${namespace}/${p.metadata?.name} (node ${p.spec?.nodeName}), last 100 lines`, logs);
    }
    return parts.join('\n');
  } catch (e) {
    return `## Multus logs: cannot read: ${firstLine(e)}`;
  }
}
