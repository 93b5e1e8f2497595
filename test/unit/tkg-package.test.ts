import { describe, expect, it } from 'vitest';
import { checkPackageInstall } from '../../helpers/scenario/tkg.ts';
import { expectFailure } from './expect-failure.ts';

// Shaped like `kubectl get packageinstall -A -o json` items on a TKG cluster.
const healthy = {
  metadata: { name: 'multus-cni', namespace: 'tanzu-cli-managed-packages' },
  spec: { packageRef: { refName: 'multus-cni.tanzu.vmware.com' } },
  status: { conditions: [{ type: 'ReconcileSucceeded', status: 'True' }], usefulErrorMessage: '', friendlyDescription: 'Reconcile succeeded' },
};
const POD = 'packageinstall tanzu-cli-managed-packages/multus-cni';

describe('TKG PackageInstall check', () => {
  it('passes a reconciled multus-cni package', () => {
    expect(() => checkPackageInstall([healthy])).not.toThrow();
  });

  it('fails when there is no multus-cni PackageInstall', () => {
    expectFailure(() => checkPackageInstall([{ ...healthy, metadata: { name: 'cert-manager' }, spec: { packageRef: { refName: 'cert-manager.tanzu.vmware.com' } } }]), {
      expected: 'one PackageInstall',
      actual: 'none among 1',
    }, '(cluster)');
  });

  it('fails when reconciliation failed, showing the conditions', () => {
    const failed = { ...healthy, status: { conditions: [{ type: 'ReconcileFailed', status: 'True' }] } };
    expectFailure(() => checkPackageInstall([failed]), { expected: 'ReconcileSucceeded=True', actual: 'ReconcileFailed=True' }, POD);
  });

  it('fails on a usefulErrorMessage even when a condition says succeeded', () => {
    const noisy = { ...healthy, status: { ...healthy.status, usefulErrorMessage: 'kapp: Error: waiting on reconcile daemonset/kube-multus-ds' } };
    expectFailure(() => checkPackageInstall([noisy]), { expected: 'empty', actual: 'waiting on reconcile daemonset/kube-multus-ds' }, POD);
  });
});
