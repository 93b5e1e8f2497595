import { resolve } from 'node:path';
import type { Mode, Profile, RunSettings } from '../config/settings.ts';
import type { MultusInfo, NodeCapabilities } from '../capabilities/types.ts';
import type { ProfileValues } from '../fixtures/profile.ts';
import type { BaselinePods } from '../assert/multus-pods.ts';
import { defaultConcurrency } from './concurrency.ts';
import { timeoutsFor, type Timeouts } from './timeouts.ts';

/**
 * What the global setup hands every test file (vitest provide/inject): plain
 * data only, so it crosses into the worker processes.
 */
export interface ClusterInfo {
  /** Scenarios at the same time: --concurrency, or sized to the cluster. */
  concurrency: number;
  /**
   * The node probe was still running when this was provided: `nodes` hold
   * only what the node objects tell; workers wait for the rest
   * (helpers/scenario/cluster-context.ts).
   */
  probePending?: boolean;
  kubeconfig: string;
  context?: string;
  provider: string;
  runId: string;
  profileName: Profile;
  profile: ProfileValues;
  mode: Mode;
  strict: boolean;
  keep: boolean;
  /** Scenarios that can leave state on nodes may run on a cluster the suite did not create. */
  allowNodeResidue?: boolean;
  tests: string[];
  /** `--scale N`: how many pods scale/pods creates. */
  scale?: number;
  /** Absolute directory for diagnostics bundles. */
  reportDir: string;
  timeouts: Timeouts;
  serverVersion: string;
  multus: MultusInfo;
  nodes: NodeCapabilities[];
  /** network.nodeSelector: nodes outside it skip the attachment scenarios. */
  nodeSelector?: string;
  /** The test pod image could not be used for probes: the reason. */
  probeProblem?: string;
  /** health/thin-kubeconfig: how long the thin plugin's token must still be valid (multus.tokenMargin). */
  tokenMarginSeconds: number;
  /** `--baseline`: what that run recorded of the Multus pods (health/multus-pods counts restarts since). */
  baselineMultusPods?: BaselinePods;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterInfo;
  }
}

/** The facts a run (or `list`) gathered about the cluster, joined with the run's settings. */
export function buildClusterInfo(
  settings: RunSettings,
  facts: Pick<ClusterInfo, 'kubeconfig' | 'profile' | 'serverVersion' | 'multus' | 'nodes'> & { context?: string | undefined },
): ClusterInfo {
  return {
    kubeconfig: resolve(facts.kubeconfig),
    ...(facts.context ? { context: facts.context } : {}),
    provider: settings.provider,
    runId: settings.runId,
    profileName: settings.profile,
    profile: facts.profile,
    mode: settings.mode,
    strict: settings.strict,
    keep: settings.keep,
    allowNodeResidue: settings.allowNodeResidue,
    tests: settings.tests,
    ...(settings.scale === undefined ? {} : { scale: settings.scale }),
    reportDir: resolve(settings.reportDir),
    timeouts: timeoutsFor(settings.profile),
    serverVersion: facts.serverVersion,
    multus: facts.multus,
    nodes: facts.nodes,
    concurrency: settings.concurrency ?? defaultConcurrency(facts.nodes),
    tokenMarginSeconds: settings.multus.tokenMargin,
    ...(settings.network.nodeSelector ? { nodeSelector: settings.network.nodeSelector } : {}),
  };
}
