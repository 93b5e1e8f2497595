import * as k8s from '@kubernetes/client-node';

/**
 * whereabouts' records through the API: IPPools and
 * OverlappingRangeIPReservations live in whereabouts' own namespace (the
 * namespace of its kubeconfig: kube-system upstream), so they are listed
 * across all namespaces. Objects come back raw; helpers/parse/whereabouts.ts
 * reads them.
 */
export const WHEREABOUTS_API = { group: 'whereabouts.cni.cncf.io', version: 'v1alpha1' } as const;

export type WhereaboutsKind = 'ippools' | 'overlappingrangeipreservations';

export interface ObjectRef {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
}

export async function listWhereabouts(kc: k8s.KubeConfig, plural: WhereaboutsKind): Promise<unknown[]> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const list = (await custom.listClusterCustomObject({ ...WHEREABOUTS_API, plural })) as { items?: unknown[] };
  return list.items ?? [];
}

/**
 * Deletes one object only if it is still the very one that was read: same
 * UID and unchanged since (resourceVersion). Returns false when it was
 * already gone; a conflict (someone changed it) throws.
 */
export async function deleteWhereaboutsExactly(kc: k8s.KubeConfig, plural: WhereaboutsKind, ref: ObjectRef): Promise<boolean> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  try {
    await custom.deleteNamespacedCustomObject({
      ...WHEREABOUTS_API,
      plural,
      namespace: ref.namespace,
      name: ref.name,
      body: { preconditions: { uid: ref.uid, resourceVersion: ref.resourceVersion } },
    });
    return true;
  } catch (e) {
    if (e instanceof k8s.ApiException && e.code === 404) return false;
    throw e;
  }
}

/** Writes an IPPool back (the sabotage test forces a duplicate into it). */
export async function replaceIpPool(kc: k8s.KubeConfig, pool: { metadata: { namespace: string; name: string } } & object): Promise<void> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  await custom.replaceNamespacedCustomObject({
    ...WHEREABOUTS_API,
    plural: 'ippools',
    namespace: pool.metadata.namespace,
    name: pool.metadata.name,
    body: pool,
  });
}
