import type * as k8s from '@kubernetes/client-node';
import type { RunSettings } from '../config/settings.ts';
import { UsageError } from '../errors.ts';

/**
 * Stops a run against a cluster nobody named: with provider `existing` the
 * context must be given explicitly (flag or config file), never taken from
 * whatever the kubeconfig's current-context happens to be.
 */
export function guardContext(settings: RunSettings, kc: k8s.KubeConfig): void {
  if (settings.provider !== 'existing') return;
  const current = kc.getCurrentContext();
  if (settings.context === undefined) {
    const what = settings.mode === 'full' ? 'run mode "full" (disruptive) against' : 'run against';
    throw new UsageError(`refusing to ${what} context "${current}" that was not named explicitly: pass --context ${current}`);
  }
  if (current !== settings.context) {
    throw new UsageError(`refusing to run: the client is on context "${current}" but --context named "${settings.context}"`);
  }
}
