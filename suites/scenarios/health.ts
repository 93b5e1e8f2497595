import * as k8s from '@kubernetes/client-node';
import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { assertDaemonSetOnEveryNode, assertGroupVersionServed } from '../../helpers/assert/cluster-health.ts';
import { assertOnlyBaseInterfaces } from '../../helpers/assert/interfaces.ts';
import { UsageError } from '../../helpers/errors.ts';
import { detectMultus, servedGroups, NAD_GROUP } from '../../helpers/multus/detect.ts';
import { checkCniConfigOrder, checkPluginBinaries } from '../../helpers/scenario/health-checks.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { checkPackageInstall } from '../../helpers/scenario/tkg.ts';

const cluster = currentCluster();

scenario('health/nad-crd', async (env) => {
  assertGroupVersionServed(await servedGroups(env.kc), NAD_GROUP, 'v1');
});

scenario('health/multus-daemonset', async (env) => {
  // The DaemonSet chosen when the run started (by what it runs, or by multus.daemonSet), read again now.
  const info = await detectMultus(env.kc, cluster.multus.daemonSet).catch((e: unknown) => {
    if (!(e instanceof UsageError)) throw e;
    return { ...cluster.multus, daemonSet: undefined, problem: `${cluster.multus.daemonSet} is gone since the run started` };
  });
  assertDaemonSetOnEveryNode(info, (await env.core.listNode()).items.length);
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
  assertOnlyBaseInterfaces(pod.id, await pod.interfaces());
});
