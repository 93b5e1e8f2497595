import * as k8s from '@kubernetes/client-node';
import { apiErrorText, apiStatus } from '../../helpers/k8s/client.ts';
import { execInPod } from '../../helpers/k8s/exec.ts';
import type { AuditSource, NadLookup } from './audit-pod.ts';
import { readFromNode, type NodeProbeSettings } from './netns-probe.ts';

const NAD = { group: 'k8s.cni.cncf.io', version: 'v1', plural: 'network-attachment-definitions' } as const;

/**
 * The audit's view of a cluster. Workload pods and NADs are only read (GET,
 * exec of `ip addr show`). With `nodeProbe`, pods exec cannot read are read
 * from their node by a probe pod in the suite's own namespace: the only
 * thing the audit creates. NADs are fetched once per run.
 */
export function clusterAuditSource(kc: k8s.KubeConfig, opts: { execTimeoutMs: number; nodeProbe?: NodeProbeSettings }): AuditSource {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const nads = new Map<string, Promise<NadLookup>>();
  let probes = 0;
  const source: AuditSource = {
    async exec(namespace, pod, container, command) {
      return execInPod(kc, namespace, pod, command, { container, timeoutMs: opts.execTimeoutMs });
    },
    nad(namespace, name) {
      const key = `${namespace}/${name}`;
      let lookup = nads.get(key);
      if (!lookup) {
        lookup = custom.getNamespacedCustomObject({ ...NAD, namespace, name }).then(
          (obj: unknown): NadLookup => {
            const value = (obj as { spec?: { config?: unknown } }).spec?.config;
            return { found: true, config: typeof value === 'string' ? value : undefined };
          },
          (e: unknown): NadLookup => {
            if (apiStatus(e) === 404) return { found: false };
            throw new Error(`cannot be read: ${apiErrorText(e)}`);
          },
        );
        nads.set(key, lookup);
      }
      return lookup;
    },
  };
  const probe = opts.nodeProbe;
  if (probe) source.readFromNode = (node, targets) => readFromNode(kc, probe, `netns-probe-${probes++}`, node, targets);
  return source;
}
