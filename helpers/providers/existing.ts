import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { checkReachable, loadKubeConfig } from '../k8s/client.ts';
import type { RunSettings } from '../config/settings.ts';
import { UsageError } from '../errors.ts';
import { guardContext } from './guard.ts';
import type { ClusterHandle, Provider } from './types.ts';

/**
 * A cluster someone else runs (TKG or any other), reached by kubeconfig.
 * It is never created, changed as a whole, or deleted by the suite.
 */
export const existingProvider: Provider = {
  name: 'existing',
  async ensureCluster(settings: RunSettings): Promise<ClusterHandle> {
    const kubeconfig = kubeconfigPath(settings.kubeconfig, process.env);
    const kc = loadKubeConfig({ kubeconfig, context: settings.context });
    // Before the first request: an unnamed context is refused without being contacted.
    guardContext(settings, kc);
    await checkReachable(kc);
    return { kubeconfig, context: kc.getCurrentContext(), created: false };
  },
  async teardown(): Promise<void> {
    // Not ours to remove.
  },
};

/**
 * The one kubeconfig file a run uses: the flag, else $KUBECONFIG when it names
 * a single file, else ~/.kube/config. Several files in $KUBECONFIG would have to
 * be merged, and the merged credentials would have to be written somewhere.
 */
export function kubeconfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== '');
  if (fromEnv.length > 1) {
    throw new UsageError(`KUBECONFIG lists ${fromEnv.length} files; pass --kubeconfig with the one that holds the context`);
  }
  const path = fromEnv[0] ?? join(homedir(), '.kube', 'config');
  if (!existsSync(path)) throw new UsageError(`kubeconfig ${path}: file not found (pass --kubeconfig)`);
  return path;
}
