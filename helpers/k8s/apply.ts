import * as k8s from '@kubernetes/client-node';
import { apiErrorText } from './client.ts';

/**
 * Creates each object, or replaces it when it exists (keeping its
 * resourceVersion), like a minimal `kubectl apply` for objects we own.
 */
export async function applyObjects(kc: k8s.KubeConfig, objects: k8s.KubernetesObject[]): Promise<void> {
  const api = objectApiFor(kc);
  for (const obj of objects) {
    const what = `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
    try {
      await api.create(obj);
    } catch (e) {
      if (!(e instanceof k8s.ApiException && e.code === 409)) throw new Error(`apply ${what}: ${apiErrorText(e)}`);
      const current = await api.read({ apiVersion: obj.apiVersion!, kind: obj.kind!, metadata: { name: obj.metadata!.name!, namespace: obj.metadata?.namespace ?? '' } });
      await api.replace({ ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata?.resourceVersion } } as k8s.KubernetesObject);
    }
  }
}

// One object API per kubeconfig (its whole text, credentials included, is
// the key): the client looks up each kind's resource (discovery) before its
// first create and keeps the answer per instance, so a fresh instance per
// call paid one more round trip for every NAD a scenario applied.
const objectApis = new Map<string, k8s.KubernetesObjectApi>();

function objectApiFor(kc: k8s.KubeConfig): k8s.KubernetesObjectApi {
  const key = kc.exportConfig();
  let api = objectApis.get(key);
  if (!api) {
    api = k8s.KubernetesObjectApi.makeApiClient(kc);
    objectApis.set(key, api);
  }
  return api;
}
