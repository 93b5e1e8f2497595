import { describe, expect, it } from 'vitest';
import type { OwnedPod } from '../../helpers/assert/restart-scope.ts';
import { RestartObserver, type ObservedPod } from '../../helpers/multus/restart-observer.ts';

const ds = { namespace: 'kube-system', name: 'kube-multus-ds', uid: 'ds-uid' };
const old: OwnedPod[] = [
  { namespace: 'kube-system', name: 'kube-multus-ds-a', uid: 'old-a', node: 'node-a' },
  { namespace: 'kube-system', name: 'kube-multus-ds-b', uid: 'old-b', node: 'node-b' },
];

function pod(name: string, uid: string, opts: { node?: string; ready?: boolean; owner?: string } = {}): ObservedPod {
  return {
    metadata: { namespace: 'kube-system', name, uid, ownerReferences: [{ kind: 'DaemonSet', name: 'x', uid: opts.owner ?? 'ds-uid', controller: true }] },
    ...(opts.node ? { spec: { nodeName: opts.node } } : {}),
    status: { conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False' }] },
  };
}

describe('RestartObserver: the restart window from watch events', () => {
  it('opens when the old pod is gone and closes when its replacement is Ready', () => {
    const o = new RestartObserver(ds, old);
    o.observe('MODIFIED', pod('kube-multus-ds-a', 'old-a', { node: 'node-a', ready: true }), 100);
    expect(o.openWindow()).toBeUndefined();
    o.observe('DELETED', pod('kube-multus-ds-a', 'old-a', { node: 'node-a' }), 2000);
    expect(o.firstGone()).toBe('node-a');
    expect(o.openWindow()).toBe('node-a');
    // The DaemonSet creates the replacement unscheduled, then it is bound and starts.
    o.observe('ADDED', pod('kube-multus-ds-c', 'new-c'), 2100);
    o.observe('MODIFIED', pod('kube-multus-ds-c', 'new-c', { node: 'node-a' }), 2200);
    expect(o.openWindow()).toBe('node-a');
    o.observe('MODIFIED', pod('kube-multus-ds-c', 'new-c', { node: 'node-a', ready: true }), 4500);
    expect(o.readyOn('node-a')).toBe(4500);
    expect(o.goneOn('node-a')).toBe(2000);
    expect(o.openWindow()).toBeUndefined();
    expect(o.replaced()).toBe(false);
    o.observe('DELETED', pod('kube-multus-ds-b', 'old-b', { node: 'node-b' }), 2500);
    o.observe('MODIFIED', pod('kube-multus-ds-d', 'new-d', { node: 'node-b', ready: true }), 5000);
    expect(o.replaced()).toBe(true);
    expect(o.describe()).toBe(
      'node node-a: old kube-multus-ds-a gone +2.0s, new kube-multus-ds-c Ready +4.5s; node node-b: old kube-multus-ds-b gone +2.5s, new kube-multus-ds-d Ready +5.0s',
    );
  });

  it('ignores pods another controller owns, even under the same labels', () => {
    const o = new RestartObserver(ds, old);
    o.observe('DELETED', pod('kube-multus-ds-a', 'old-a'), 1000);
    o.observe('ADDED', pod('decoy', 'decoy-uid', { node: 'node-a', ready: true, owner: 'other-ds' }), 1100);
    expect(o.readyOn('node-a')).toBeUndefined();
    expect(o.openWindow()).toBe('node-a');
  });

  it('is not replaced while an old pod is still there, even with Ready new pods', () => {
    const o = new RestartObserver(ds, old.slice(0, 1));
    o.observe('ADDED', pod('kube-multus-ds-c', 'new-c', { node: 'node-a', ready: true }), 100);
    expect(o.replaced()).toBe(false);
    expect(o.openWindow()).toBeUndefined();
  });

  it('takes a list when the watch dropped: absent old pods are gone, present new ones counted', () => {
    const o = new RestartObserver(ds, old);
    o.observeList([pod('kube-multus-ds-b', 'old-b', { node: 'node-b', ready: true }), pod('kube-multus-ds-c', 'new-c', { node: 'node-a' })], 3000);
    expect(o.goneOn('node-a')).toBe(3000);
    expect(o.goneOn('node-b')).toBeUndefined();
    expect(o.openWindow()).toBe('node-a');
    o.observeList([pod('kube-multus-ds-c', 'new-c', { node: 'node-a', ready: true })], 6000);
    expect(o.readyOn('node-a')).toBe(6000);
    expect(o.goneOn('node-b')).toBe(6000);
  });
});
