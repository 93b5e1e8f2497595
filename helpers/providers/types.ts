import type { ProviderName, RunSettings } from '../config/settings.ts';

/** The cluster a run talks to, as a provider hands it over. */
export interface ClusterHandle {
  /** Path of a kubeconfig file that reaches the cluster. */
  kubeconfig: string;
  /** Context in that file; its current-context when absent. */
  context?: string;
  /** Whether this run created the cluster (and may therefore install Multus or delete it). */
  created: boolean;
  /** A Multus image the nodes hold already (no registry needed); the upstream image otherwise. */
  multusImage?: string;
  /** A whereabouts image the nodes hold already: the suite installs whereabouts with it (offline kind). */
  whereaboutsImage?: string;
  /** The docker daemon the nodes run on (kind), where an external peer container must start. */
  dockerHost?: string;
}

/** How a run gets its cluster: create or reuse one, and remove it afterwards when asked. */
export interface Provider {
  readonly name: ProviderName;
  ensureCluster(settings: RunSettings): Promise<ClusterHandle>;
  teardown(settings: RunSettings): Promise<void>;
}
