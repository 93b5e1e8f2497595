import type { ClusterInfo } from '../../helpers/scenario/cluster-info.ts';
import { timeoutsFor } from '../../helpers/scenario/timeouts.ts';

/**
 * What the gating tests decide on: a ClusterInfo as the run builds it for a
 * one-node thin testbed, with the profile and nodes each test gives (and
 * anything else it overrides).
 */
export function unitCluster(over: Pick<ClusterInfo, 'profile' | 'nodes'> & Partial<ClusterInfo>): ClusterInfo {
  return {
    concurrency: 8,
    kubeconfig: '/dev/null',
    provider: 'local',
    runId: 'unit',
    profileName: 'local',
    mode: 'full',
    strict: false,
    keep: false,
    tests: [],
    reportDir: '/tmp',
    timeouts: timeoutsFor('local'),
    serverVersion: 'v1.34.4',
    multus: { daemonSet: 'kube-system/kube-multus-ds', desired: 1, ready: 1, flavor: 'thin', crdServed: true, installedBySuite: false, carvelPackaging: false },
    tokenMarginSeconds: 86400,
    ...over,
  };
}
