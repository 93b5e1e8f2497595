import * as k8s from '@kubernetes/client-node';
import { apiErrorText, apiStatus } from '../../helpers/k8s/client.ts';
import { execInPod } from '../../helpers/k8s/exec.ts';
import type { AuditSource } from './audit-pod.ts';

const NAD = { group: 'k8s.cni.cncf.io', version: 'v1', plural: 'network-attachment-definitions' } as const;

/** Reads from the cluster only: exec sessions and GETs. NADs are fetched once per run. */
export function clusterAuditSource(kc: k8s.KubeConfig): AuditSource {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const nads = new Map<string, Promise<string | undefined>>();
  return {
    async exec(namespace, pod, container, command) {
      return execInPod(kc, namespace, pod, command, { container, timeoutMs: 20_000 });
    },
    nadConfig(namespace, name) {
      const key = `${namespace}/${name}`;
      let config = nads.get(key);
      if (!config) {
        config = custom.getNamespacedCustomObject({ ...NAD, namespace, name }).then(
          (obj: unknown) => {
            const value = (obj as { spec?: { config?: unknown } }).spec?.config;
            return typeof value === 'string' ? value : undefined;
          },
          (e: unknown) => {
            throw new Error(apiStatus(e) === 404 ? 'not found' : `cannot be read: ${apiErrorText(e)}`);
          },
        );
        nads.set(key, config);
      }
      return config;
    },
  };
}
