import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ClusterAccessError } from '../errors.ts';
import { applyObjects } from '../k8s/apply.ts';
import { firstLine } from '../k8s/client.ts';
import { waitFor } from '../k8s/wait.ts';
import { FIXTURES_DIR } from '../fixtures/paths.ts';

/** fixtures/whereabouts/whereabouts.yaml with the image filled in. */
export function whereaboutsManifest(image: string): k8s.KubernetesObject[] {
  const text = readFileSync(join(FIXTURES_DIR, 'whereabouts', 'whereabouts.yaml'), 'utf8').replaceAll('__WHEREABOUTS_IMAGE__', image);
  return k8s.loadAllYaml(text) as k8s.KubernetesObject[];
}

/**
 * Installs whereabouts IPAM (CRDs, RBAC, the DaemonSet that puts the plugin
 * on every node) and waits until every node has it. Only for clusters the
 * suite created whose nodes hold the image (the offline kind toolchain; the
 * local testbed installs it in scripts/testbed/up.sh). Idempotent.
 */
export async function installWhereabouts(kc: k8s.KubeConfig, image: string, timeoutMs: number): Promise<void> {
  try {
    await applyObjects(kc, whereaboutsManifest(image));
  } catch (e) {
    throw new ClusterAccessError(`installing whereabouts (fixtures/whereabouts/whereabouts.yaml): ${firstLine(e)}`);
  }
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  await waitFor(
    'whereabouts DaemonSet kube-system/whereabouts: waiting for every pod to be ready',
    async () => {
      const ds = await apps.readNamespacedDaemonSet({ namespace: 'kube-system', name: 'whereabouts' });
      const s = ds.status;
      const desired = s?.desiredNumberScheduled ?? 0;
      const ready = s?.numberReady ?? 0;
      const updated = s?.updatedNumberScheduled ?? 0;
      const state = `ready ${ready}/${desired}, updated ${updated}`;
      return desired > 0 && ready === desired && updated === desired ? { done: true, value: undefined, state } : { done: false, state };
    },
    { timeoutMs },
  );
}
