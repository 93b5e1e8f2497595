import type { Mode, Profile } from '../config/settings.ts';
import type { MultusInfo, NodeCapabilities } from '../capabilities/types.ts';
import type { ProfileValues } from '../fixtures/profile.ts';
import type { Timeouts } from './timeouts.ts';

/**
 * What the global setup hands every test file (vitest provide/inject): plain
 * data only, so it crosses into the worker processes.
 */
export interface ClusterInfo {
  kubeconfig: string;
  context?: string;
  provider: string;
  runId: string;
  profileName: Profile;
  profile: ProfileValues;
  mode: Mode;
  strict: boolean;
  keep: boolean;
  tests: string[];
  /** Absolute directory for diagnostics bundles. */
  reportDir: string;
  timeouts: Timeouts;
  serverVersion: string;
  multus: MultusInfo;
  nodes: NodeCapabilities[];
  /** The test pod image could not be used for probes: the reason. */
  probeProblem?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterInfo;
  }
}
