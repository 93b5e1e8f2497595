import { existsSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { ClusterAccessError, UsageError } from '../errors.ts';
import { SharedConnectionsKubeConfig } from './shared-agent.ts';

export interface ClusterTarget {
  /** Path of the kubeconfig file; the default loading rules apply when absent. */
  kubeconfig?: string | undefined;
  /** Context to use; the kubeconfig's current-context when absent. */
  context?: string | undefined;
}

/**
 * Loads a kubeconfig the way kubectl does and selects the context. Any
 * problem with the file or the context is the user's input, so it is a
 * UsageError with one line naming the file or context.
 */
export function loadKubeConfig(target: ClusterTarget): k8s.KubeConfig {
  // Requests share keep-alive connections (see shared-agent.ts).
  const kc = new SharedConnectionsKubeConfig();
  try {
    if (target.kubeconfig) {
      if (!existsSync(target.kubeconfig)) throw new UsageError(`kubeconfig ${target.kubeconfig}: file not found`);
      kc.loadFromFile(target.kubeconfig);
    } else {
      kc.loadFromDefault();
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`kubeconfig ${target.kubeconfig ?? '(default)'}: cannot be parsed: ${firstLine(e)}`);
  }
  if (target.context) {
    if (!kc.getContextObject(target.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new UsageError(`context "${target.context}" not found in kubeconfig ${target.kubeconfig ?? '(default)'} (known: ${known})`);
    }
    kc.setCurrentContext(target.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new UsageError(`kubeconfig ${target.kubeconfig ?? '(default)'}: no current cluster (set --context)`);
  }
  return kc;
}

/** First line of an error, for one-line messages. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

/** The HTTP status of a client-node ApiException, or undefined for other errors. */
export function apiStatus(e: unknown): number | undefined {
  if (e instanceof k8s.ApiException) return e.code;
  return undefined;
}

/** Short text of an API error: status and the server's message, never credentials. */
export function apiErrorText(e: unknown): string {
  if (e instanceof k8s.ApiException) {
    const body: unknown = e.body;
    let msg = '';
    if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        msg = typeof parsed.message === 'string' ? parsed.message : body;
      } catch {
        msg = body;
      }
    }
    return `HTTP ${e.code}${msg ? `: ${msg}` : ''}`;
  }
  return firstLine(e);
}

/** Verifies the API server answers; a failure is a ClusterAccessError naming the server. */
export async function checkReachable(kc: k8s.KubeConfig): Promise<string> {
  const server = kc.getCurrentCluster()?.server ?? '(unknown)';
  try {
    const info = await kc.makeApiClient(k8s.VersionApi).getCode();
    return info.gitVersion;
  } catch (e) {
    throw new ClusterAccessError(`cannot reach API server ${server} (context ${kc.getCurrentContext()}): ${apiErrorText(e)}`);
  }
}
