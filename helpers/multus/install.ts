import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import type { RunSettings } from '../config/settings.ts';
import { ClusterAccessError, UsageError } from '../errors.ts';
import { applyObjects } from '../k8s/apply.ts';
import { firstLine } from '../k8s/client.ts';
import { waitFor } from '../k8s/wait.ts';
import { FIXTURES_DIR } from '../fixtures/paths.ts';
import type { MultusInfo } from '../capabilities/types.ts';
import { detectMultus } from './detect.ts';

/** Upstream image for clusters that can pull; the local testbed builds its own. */
export const DEFAULT_MULTUS_IMAGE = 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.2.3';

/** The thin or thick DaemonSet manifest with the image (and kubelet root) filled in. */
export function multusManifest(flavor: 'thin' | 'thick', image: string, kubeletRoot = '/var/lib/kubelet'): k8s.KubernetesObject[] {
  const text = readFileSync(join(FIXTURES_DIR, 'multus', `multus-${flavor}.yaml`), 'utf8')
    .replaceAll('__MULTUS_IMAGE__', image)
    .replaceAll('__KUBELET_ROOT__', kubeletRoot);
  return k8s.loadAllYaml(text) as k8s.KubernetesObject[];
}

/**
 * Makes sure Multus is there. It is installed only on clusters the suite
 * created (thin DaemonSet), or through `tanzu package install` when asked;
 * on any other cluster it is only detected. It is never uninstalled: removing
 * Multus leaves 00-multus.conf behind and breaks new pods.
 */
export async function ensureMultus(
  kc: k8s.KubeConfig,
  settings: RunSettings,
  clusterCreated: boolean,
  opts: { image: string; timeoutMs: number },
): Promise<MultusInfo> {
  const choice = settings.multus.daemonSet;
  const found = await detectMultus(kc, choice);
  // Several Multus DaemonSets and none chosen: never guess which one to
  // inspect and restart, and never install another one next to them.
  if (found.problem) throw new UsageError(found.problem);
  const install = settings.multus.install;
  if (found.daemonSet || install === 'never') return found;
  if (install === 'tanzu') {
    await tanzuInstall(settings);
  } else if (clusterCreated) {
    await applyObjects(kc, multusManifest(install === 'thick' ? 'thick' : 'thin', opts.image));
  } else {
    return found;
  }
  const info = await waitForMultusReady(kc, opts.timeoutMs, choice);
  return { ...info, installedBySuite: true };
}

export async function waitForMultusReady(kc: k8s.KubeConfig, timeoutMs: number, choice?: string): Promise<MultusInfo> {
  return await waitFor(
    'Multus DaemonSet: waiting for every pod to be ready',
    async () => {
      const info = await detectMultus(kc, choice);
      const state = info.daemonSet ? `${info.daemonSet} ready ${info.ready}/${info.desired}` : 'no Multus DaemonSet';
      return info.daemonSet && info.desired > 0 && info.ready === info.desired ? { done: true, value: info, state } : { done: false, state };
    },
    { timeoutMs },
  );
}

async function tanzuInstall(settings: RunSettings): Promise<void> {
  const t = settings.multus.tanzu;
  if (!t) throw new UsageError('multus.tanzu.version is required with multus.install tanzu');
  const args = ['package', 'install', 'multus-cni', '--package', 'multus-cni.tanzu.vmware.com', '--version', t.version, '--namespace', t.namespace];
  if (t.valuesFile) args.push('--values-file', t.valuesFile);
  const env: Record<string, string> = {};
  if (settings.kubeconfig) env['KUBECONFIG'] = settings.kubeconfig;
  if (settings.context) args.push('--context', settings.context);
  try {
    await execa('tanzu', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new UsageError('multus.install tanzu: the tanzu CLI is not on PATH');
    throw new ClusterAccessError(`tanzu package install multus-cni failed: ${firstLine(e)}`);
  }
}
