import { ConformanceFailure } from '../errors.ts';

interface PackageInstallLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { packageRef?: { refName?: string } };
  status?: { conditions?: { type?: string; status?: string }[]; usefulErrorMessage?: string; friendlyDescription?: string };
}

/** The PackageInstall of multus-cni.tanzu.vmware.com reconciled, with no error message. */
export function checkPackageInstall(items: readonly unknown[]): void {
  const pkgs = items as PackageInstallLike[];
  const multus = pkgs.find((p) => p.spec?.packageRef?.refName === 'multus-cni.tanzu.vmware.com' || p.metadata?.name === 'multus-cni');
  if (!multus) {
    throw new ConformanceFailure({
      pod: '(cluster)',
      check: 'PackageInstall for multus-cni.tanzu.vmware.com',
      expected: 'one PackageInstall',
      actual: `none among ${pkgs.length} PackageInstall(s)`,
    });
  }
  const id = `packageinstall ${multus.metadata?.namespace}/${multus.metadata?.name}`;
  const conds = multus.status?.conditions ?? [];
  const ok = conds.some((c) => c.type === 'ReconcileSucceeded' && c.status === 'True');
  if (!ok) {
    throw new ConformanceFailure({
      pod: id,
      check: 'PackageInstall condition',
      expected: 'ReconcileSucceeded=True',
      actual: conds.map((c) => `${c.type}=${c.status}`).join(', ') || multus.status?.friendlyDescription || 'no conditions',
    });
  }
  const err = multus.status?.usefulErrorMessage?.trim();
  if (err) throw new ConformanceFailure({ pod: id, check: 'PackageInstall usefulErrorMessage', expected: 'empty', actual: err });
}
