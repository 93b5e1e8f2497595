import { describe, expect, it } from 'vitest';
import { assertDaemonSetOnEveryNode, assertGroupVersionServed } from '../../helpers/assert/cluster-health.ts';
import { expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// `kubectl get --raw /apis` and the Multus DaemonSet's status, recorded on the testbed (1 node).
const apis = JSON.parse(payload('cluster/apis.json')) as { groups: { name: string; versions: { version: string }[] }[] };
const groups = new Map(apis.groups.map((g) => [g.name, g.versions.map((v) => v.version)]));
const ds = JSON.parse(payload('cluster/multus-daemonset.json')) as {
  metadata: { name: string; namespace: string };
  status: { desiredNumberScheduled: number; numberReady: number };
};
const counts = { daemonSet: `${ds.metadata.namespace}/${ds.metadata.name}`, desired: ds.status.desiredNumberScheduled, ready: ds.status.numberReady };
const CLUSTER = '(cluster)';

describe('assertGroupVersionServed', () => {
  it('passes: the testbed serves k8s.cni.cncf.io/v1', () => {
    expect(() => assertGroupVersionServed(groups, 'k8s.cni.cncf.io', 'v1')).not.toThrow();
  });
  it('fails when the group serves other versions only', () => {
    expectFailure(() => assertGroupVersionServed(groups, 'autoscaling', 'v1beta1'), { expected: 'version v1beta1 served', actual: 'versions v2, v1' }, CLUSTER);
  });
  it('fails when the group is not served (no NAD CRD)', () => {
    const without = new Map([...groups].filter(([g]) => g !== 'k8s.cni.cncf.io'));
    expectFailure(() => assertGroupVersionServed(without, 'k8s.cni.cncf.io', 'v1'), { expected: 'version v1 served', actual: 'group not served' }, CLUSTER);
  });
});

describe('assertDaemonSetOnEveryNode', () => {
  it('passes on the recorded DaemonSet on the 1-node testbed', () => {
    expect(() => assertDaemonSetOnEveryNode(counts, 1)).not.toThrow();
  });
  it('fails when it is scheduled on fewer nodes than the cluster has', () => {
    expectFailure(() => assertDaemonSetOnEveryNode(counts, 3), { expected: '3/3 (one per node)', actual: '1/1 ready/scheduled' }, 'kube-system/kube-multus-ds');
  });
  it('fails when a pod is not ready', () => {
    expectFailure(() => assertDaemonSetOnEveryNode({ ...counts, ready: 0 }, 1), { expected: '1/1', actual: '0/1' }, 'kube-system/kube-multus-ds');
  });
  it('fails when no DaemonSet was found', () => {
    expectFailure(() => assertDaemonSetOnEveryNode({ desired: 0, ready: 0 }, 1), { expected: 'a DaemonSet running Multus', actual: 'none found' }, CLUSTER);
  });
  it('says why none was found when detection knows', () => {
    const problem = 'kube-system/kube-multus-ds is gone since the run started';
    expectFailure(() => assertDaemonSetOnEveryNode({ desired: 0, ready: 0, problem }, 1), { expected: 'a DaemonSet running Multus', actual: problem }, CLUSTER);
  });
});
