import * as k8s from '@kubernetes/client-node';
import { inject } from 'vitest';
import { ConformanceFailure, UsageError } from '../helpers/errors.ts';
import { detectMultus, servedGroups, NAD_GROUP } from '../helpers/multus/detect.ts';
import { checkCniConfigOrder, checkPluginBinaries } from '../helpers/scenario/health-checks.ts';
import { scenario } from '../helpers/scenario/scenario.ts';
import { checkPackageInstall } from '../helpers/scenario/tkg.ts';

const cluster = inject('cluster');

scenario('health/nad-crd', async (env) => {
  const groups = await servedGroups(env.kc);
  const versions = groups.get(NAD_GROUP) ?? [];
  if (!versions.includes('v1')) {
    throw new ConformanceFailure({
      pod: '(cluster)',
      check: `API group ${NAD_GROUP}`,
      expected: 'version v1 served',
      actual: versions.length ? `versions ${versions.join(', ')}` : 'group not served',
    });
  }
});

scenario('health/multus-daemonset', async (env) => {
  // The DaemonSet chosen when the run started (by what it runs, or by multus.daemonSet), read again now.
  const info = await detectMultus(env.kc, cluster.multus.daemonSet).catch((e: unknown) => {
    if (!(e instanceof UsageError)) throw e;
    return { ...cluster.multus, daemonSet: undefined, problem: `${cluster.multus.daemonSet} is gone since the run started` };
  });
  if (!info.daemonSet) {
    throw new ConformanceFailure({
      pod: '(cluster)',
      check: 'Multus DaemonSet',
      expected: 'a DaemonSet running Multus (thin_entrypoint, multus-daemon, install_multus, v3 entrypoint.sh or the multus-cni image)',
      actual: info.problem ?? 'none found',
    });
  }
  const nodes = (await env.core.listNode()).items.length;
  if (info.desired !== nodes || info.ready !== info.desired) {
    throw new ConformanceFailure({
      pod: info.daemonSet,
      check: 'Multus DaemonSet pods ready',
      expected: `${nodes}/${nodes} (one per node)`,
      actual: `${info.ready}/${info.desired}`,
    });
  }
});

scenario('health/cni-config-order', async () => {
  checkCniConfigOrder(cluster.nodes);
});

scenario('health/plugin-binaries', async () => {
  // The thin plugin installs `multus`, the thick one the `multus-shim` that talks to its daemon.
  const multusBinary = cluster.multus.flavor === 'thick' ? 'multus-shim' : 'multus';
  checkPluginBinaries(cluster.nodes, [multusBinary, 'macvlan', 'ipvlan', 'host-local', 'static', 'tuning']);
});

scenario('health/tkg-package', async (env) => {
  const custom = env.kc.makeApiClient(k8s.CustomObjectsApi);
  const list = (await custom.listClusterCustomObject({ group: 'packaging.carvel.dev', version: 'v1alpha1', plural: 'packageinstalls' })) as {
    items?: unknown[];
  };
  checkPackageInstall(list.items ?? []);
});

scenario('health/plain-pod', async (env) => {
  const pod = await env.pod('plain');
  const live = await pod.interfaces();
  const names = live.map((i) => i.name).sort();
  if (names.join(',') !== 'eth0,lo') {
    throw new ConformanceFailure({ pod: pod.id, check: 'interfaces of a pod without annotations', expected: 'eth0, lo', actual: names.join(', ') });
  }
});
