import { ConformanceFailure } from '../errors.ts';

/**
 * Cluster-level health checks: no pod or interface is involved, so the
 * failure names the cluster object in the pod slot.
 */

/** The API group serves the version (the NAD CRD at k8s.cni.cncf.io/v1, NPWG §3). */
export function assertGroupVersionServed(groups: ReadonlyMap<string, readonly string[]>, group: string, version: string): void {
  const versions = groups.get(group) ?? [];
  if (!versions.includes(version)) {
    throw new ConformanceFailure({
      pod: '(cluster)',
      check: `API group ${group}`,
      expected: `version ${version} served`,
      actual: versions.length ? `versions ${versions.join(', ')}` : 'group not served',
    });
  }
}

export interface DaemonSetCounts {
  /** `namespace/name`, undefined when none was found. */
  daemonSet?: string | undefined;
  /** status.desiredNumberScheduled */
  desired: number;
  /** status.numberReady */
  ready: number;
  /** Why none was found (several candidates, the chosen one gone), when known. */
  problem?: string | undefined;
}

/**
 * The Multus DaemonSet exists, is scheduled on every node and every pod of
 * it is ready: a node without a ready Multus pod cannot attach networks.
 */
export function assertDaemonSetOnEveryNode(ds: DaemonSetCounts, nodes: number): void {
  if (!ds.daemonSet) {
    throw new ConformanceFailure({
      pod: '(cluster)',
      check: 'Multus DaemonSet',
      expected: 'a DaemonSet running Multus (thin_entrypoint, multus-daemon, install_multus, v3 entrypoint.sh or the multus-cni image)',
      actual: ds.problem ?? 'none found',
    });
  }
  if (ds.desired !== nodes || ds.ready !== ds.desired) {
    throw new ConformanceFailure({
      pod: ds.daemonSet,
      check: 'Multus DaemonSet pods ready on every node',
      expected: `${nodes}/${nodes} (one per node)`,
      actual: `${ds.ready}/${ds.desired} ready/scheduled`,
    });
  }
}
