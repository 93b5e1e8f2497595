import * as k8s from '@kubernetes/client-node';
import type { MultusInfo } from '../capabilities/types.ts';

export const NAD_GROUP = 'k8s.cni.cncf.io';
export const CARVEL_PACKAGING_GROUP = 'packaging.carvel.dev';

/** API groups and their served versions. */
export async function servedGroups(kc: k8s.KubeConfig): Promise<Map<string, string[]>> {
  const apis = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
  return new Map(apis.groups.map((g) => [g.name, g.versions.map((v) => v.version)]));
}

/**
 * Finds an installed Multus: a DaemonSet named or labelled multus in any
 * namespace (kube-system upstream, the package namespace on TKG). Reads only.
 */
export async function detectMultus(kc: k8s.KubeConfig): Promise<MultusInfo> {
  const groups = await servedGroups(kc);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const all = await apps.listDaemonSetForAllNamespaces();
  const ds = all.items.find(
    (d) => /multus/.test(d.metadata?.name ?? '') || d.metadata?.labels?.['app'] === 'multus',
  );
  const info: MultusInfo = {
    desired: ds?.status?.desiredNumberScheduled ?? 0,
    ready: ds?.status?.numberReady ?? 0,
    flavor: 'unknown',
    crdServed: groups.get(NAD_GROUP)?.includes('v1') ?? false,
    installedBySuite: false,
    carvelPackaging: groups.has(CARVEL_PACKAGING_GROUP),
  };
  if (ds) {
    info.daemonSet = `${ds.metadata?.namespace}/${ds.metadata?.name}`;
    const c = ds.spec?.template.spec?.containers.find((x) => /multus/.test(x.name)) ?? ds.spec?.template.spec?.containers[0];
    if (c?.image) info.image = c.image;
    const words = [...(c?.command ?? []), ...(c?.args ?? [])].join(' ');
    info.flavor = /multus-daemon/.test(words) ? 'thick' : /thin_entrypoint|entrypoint\.sh|multus-conf-file/.test(words) ? 'thin' : 'unknown';
  }
  return info;
}
