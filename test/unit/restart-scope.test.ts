import { describe, expect, it } from 'vitest';
import { assertRestartScope, assertSameDaemonSet, controlledBy, type PodLike } from '../../helpers/assert/restart-scope.ts';
import { expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// The Multus pod recorded on the testbed (test/payloads/README.md) and its DaemonSet.
const multusPod = JSON.parse(payload('daemonsets/testbed-thin-pod.json')) as PodLike;
const ds = { namespace: 'kube-system', name: 'kube-multus-ds', uid: 'bb28700e-4186-4901-ad5c-ece49aca39c0' };
const SELECTOR = 'name in (multus)';

const bystander: PodLike = { metadata: { namespace: 'kube-system', name: 'bystander', uid: 'c0ffee00-0000-4000-8000-000000000001' } };
const decoyPod: PodLike = {
  metadata: {
    namespace: 'kube-system',
    name: 'multus-dynamic-networks-controller-x7k2p',
    uid: 'c0ffee00-0000-4000-8000-000000000002',
    ownerReferences: [{ kind: 'DaemonSet', name: 'multus-dynamic-networks-controller', uid: 'ad5a3b46-8e1c-4b9d-af40-5b6c7d8e9f99', controller: true }],
  },
};
// Same owner UID but not as controller: an owner reference alone proves nothing.
const notController: PodLike = {
  metadata: {
    namespace: 'kube-system',
    name: 'adopted',
    uid: 'c0ffee00-0000-4000-8000-000000000003',
    ownerReferences: [{ kind: 'DaemonSet', name: 'kube-multus-ds', uid: ds.uid }],
  },
};

describe('assertRestartScope', () => {
  it('returns the DaemonSet’s own pods with the UID each delete is preconditioned on', () => {
    expect(assertRestartScope(ds, SELECTOR, [multusPod])).toEqual([
      { namespace: 'kube-system', name: 'kube-multus-ds-ztxp4', uid: multusPod.metadata!.uid, node: 'mc-node' },
    ]);
  });

  it('refuses when the selector also lists a pod nobody controls', () => {
    expectFailure(
      () => assertRestartScope(ds, SELECTOR, [multusPod, bystander]),
      { expected: `controller DaemonSet kube-system/kube-multus-ds (uid ${ds.uid})`, actual: 'no controller' },
      'kube-system/bystander',
    );
  });

  it('refuses when it lists another DaemonSet’s pod, naming its owner and every other foreign pod', () => {
    const f = expectFailure(
      () => assertRestartScope(ds, SELECTOR, [decoyPod, multusPod, bystander]),
      { expected: 'controller DaemonSet kube-system/kube-multus-ds', actual: 'controller DaemonSet multus-dynamic-networks-controller (uid ad5a3b46-8e1c-4b9d-af40-5b6c7d8e9f99); also kube-system/bystander' },
      'kube-system/multus-dynamic-networks-controller-x7k2p',
    );
    expect(f.message).toContain('every pod selected by "name in (multus)" is controlled by DaemonSet kube-system/kube-multus-ds (nothing was deleted)');
  });

  it('refuses a pod that names the DaemonSet as owner but not as controller', () => {
    expectFailure(() => assertRestartScope(ds, SELECTOR, [notController]), { expected: ds.uid, actual: 'no controller' }, 'kube-system/adopted');
  });

  it('recognises replacements by their controller', () => {
    expect(controlledBy(ds, multusPod)).toBe(true);
    expect(controlledBy(ds, decoyPod)).toBe(false);
    expect(controlledBy(ds, notController)).toBe(false);
  });
});

describe('assertSameDaemonSet', () => {
  it('passes on the DaemonSet detected at the start', () => {
    expect(() => assertSameDaemonSet(ds, { metadata: { uid: ds.uid } })).not.toThrow();
  });

  it('refuses one re-created since (another UID)', () => {
    expectFailure(
      () => assertSameDaemonSet(ds, { metadata: { uid: '11111111-2222-4333-8444-555555555555' } }),
      { expected: `uid ${ds.uid}`, actual: 'uid 11111111-2222-4333-8444-555555555555: it was replaced during the run; nothing was deleted' },
      '(DaemonSet kube-system/kube-multus-ds)',
    );
  });
});
