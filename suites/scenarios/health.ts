import * as k8s from '@kubernetes/client-node';
import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { assertDaemonSetOnEveryNode, assertGroupVersionServed } from '../../helpers/assert/cluster-health.ts';
import { assertOnlyBaseInterfaces } from '../../helpers/assert/interfaces.ts';
import { assertConfigFollowsMultus, assertConfigMatchesFlavor, assertDelegateConfig } from '../../helpers/assert/multus-config.ts';
import { assertNoRestartsSince, assertNotOomKilled, describeMultusPods } from '../../helpers/assert/multus-pods.ts';
import { ConformanceFailure } from '../../helpers/errors.ts';
import { multusConfFiles } from '../../helpers/multus/config-files.ts';
import { servedGroups, NAD_GROUP } from '../../helpers/multus/detect.ts';
import { readMultusPods } from '../../helpers/multus/pods.ts';
import { checkCniConfigOrder, checkPluginBinaries } from '../../helpers/scenario/health-checks.ts';
import { confDirs, multusNow, thinTokenVerdicts } from '../../helpers/scenario/multus-health.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { SkipScenario } from '../../helpers/scenario/skip.ts';
import { checkPackageInstall } from '../../helpers/scenario/tkg.ts';

const cluster = currentCluster();

scenario('health/nad-crd', async (env) => {
  assertGroupVersionServed(await servedGroups(env.kc), NAD_GROUP, 'v1');
});

scenario('health/multus-daemonset', async (env) => {
  // The DaemonSet chosen when the run started (by what it runs, or by multus.daemonSet), read again now.
  assertDaemonSetOnEveryNode(await multusNow(env.kc, cluster.multus), (await env.core.listNode()).items.length);
});

// Runs with or without Multus: a config left behind by a removed Multus is exactly what it looks for.
scenario('health/stale-config', async (env) => {
  const { dirs, notes } = confDirs(cluster.nodes, false);
  notes.forEach((n) => env.note(n));
  const multus = await multusNow(env.kc, cluster.multus);
  const pods = multus.daemonSet ? await readMultusPods(env.kc, multus) : [];
  for (const line of assertConfigFollowsMultus(dirs, { daemonSet: multus.daemonSet, problem: multus.problem, pods })) env.note(line);
});

scenario('health/config-flavor', async (env) => {
  const { dirs, notes } = confDirs(cluster.nodes, true);
  notes.forEach((n) => env.note(n));
  const flavor = cluster.multus.flavor === 'thick' ? 'thick' : 'thin';
  for (const d of dirs) assertConfigMatchesFlavor(d, flavor, cluster.multus.daemonSet ?? '(none)');
  const checked = dirs.filter((d) => multusConfFiles(d.files).length > 0);
  if (checked.length === 0) throw new SkipScenario('no node has a Multus config (00-multus.conf*) to check: health/stale-config says why');
  env.note(`${flavor} config on ${checked.map((d) => d.node).join(', ')}`);
});

scenario('health/delegate-config', async (env) => {
  const { dirs, notes } = confDirs(cluster.nodes, true);
  notes.forEach((n) => env.note(n));
  // A node without Multus' config has nothing that delegates: health/stale-config judges that.
  const withMultus = dirs.filter((d) => multusConfFiles(d.files).length > 0);
  if (withMultus.length === 0) throw new SkipScenario('no node has a Multus config (00-multus.conf*) that delegates: health/stale-config says why');
  const verdicts = withMultus.map(assertDelegateConfig);
  verdicts.forEach((v) => env.note(v.note));
  // Every node's target outside what the probe reads: nothing was checked, which is no pass.
  if (!verdicts.some((v) => v.checked)) throw new SkipScenario(verdicts.map((v) => v.note).join('; '));
});

scenario('health/thin-kubeconfig', async (env) => {
  const { dirs, notes } = confDirs(cluster.nodes, true);
  notes.forEach((n) => env.note(n));
  const { verdicts, notes: more } = await thinTokenVerdicts(env.kc, cluster, dirs);
  more.forEach((n) => env.note(n));
  for (const v of verdicts) env.note(v.verdict === 'pass' ? v.note : `not checked: ${v.reason}`);
  if (!verdicts.some((v) => v.verdict === 'pass')) {
    throw new SkipScenario(verdicts.map((v) => (v.verdict === 'skip' ? v.reason : '')).filter(Boolean).join('; ') || 'no node has a thin Multus config with a kubeconfig');
  }
});

scenario('health/multus-pods', async (env) => {
  const multus = await multusNow(env.kc, cluster.multus);
  const pods = multus.daemonSet ? await readMultusPods(env.kc, multus) : [];
  if (pods.length === 0) {
    throw new ConformanceFailure({ pod: `(DaemonSet ${cluster.multus.daemonSet})`, check: 'Multus pods', expected: 'a pod per node', actual: multus.problem ?? 'none' });
  }
  for (const line of describeMultusPods(pods)) env.note(line);
  assertNotOomKilled(pods);
  const baseline = cluster.baselineMultusPods;
  if (!baseline) env.note('no --baseline: restarts are reported, not compared');
  else if ('missing' in baseline) env.note(`the baseline ${baseline.file}: ${baseline.missing}; restarts not compared`);
  else for (const n of assertNoRestartsSince(baseline, pods)) env.note(n);
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
