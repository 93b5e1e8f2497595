import type { TestProject } from 'vitest/node';
import { settingsFromEnv } from '../helpers/config/env.ts';
import type { RunSettings } from '../helpers/config/settings.ts';
import { discoverNodes } from '../helpers/capabilities/discover.ts';
import { loadProfile } from '../helpers/fixtures/profile.ts';
import { checkReachable, loadKubeConfig } from '../helpers/k8s/client.ts';
import { ensureMultus, DEFAULT_MULTUS_IMAGE } from '../helpers/multus/install.ts';
import { guardContext } from '../helpers/providers/guard.ts';
import { existingProvider } from '../helpers/providers/existing.ts';
import { kindProvider } from '../helpers/providers/kind.ts';
import { localProvider } from '../helpers/providers/local.ts';
import type { Provider } from '../helpers/providers/types.ts';
import { buildClusterInfo } from '../helpers/scenario/cluster-info.ts';
import { timeoutsFor } from '../helpers/scenario/timeouts.ts';
import { DisruptionLock } from '../helpers/scenario/disruption.ts';
import { namespaceSelector, sweep, waitForNamespacesGone } from '../cli/sweep.ts';

const LOCAL_MULTUS_IMAGE = 'localhost/multus-conformance/multus:v4.2.3';

function providerFor(settings: RunSettings): Provider {
  switch (settings.provider) {
    case 'local':
      return localProvider;
    case 'kind':
      return kindProvider;
    case 'existing':
      return existingProvider;
  }
}

/**
 * Brings up or selects the cluster once per run, makes sure Multus is there,
 * discovers what each node can do and provides it all to the test files.
 * The teardown sweeps everything labelled with this run's id.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const settings = settingsFromEnv();
  const provider = providerFor(settings);
  const handle = await provider.ensureCluster(settings);
  const kc = loadKubeConfig({ kubeconfig: handle.kubeconfig, context: handle.context });
  guardContext(settings, kc);
  const serverVersion = await checkReachable(kc);
  const profile = loadProfile(settings);
  // A peer container must start on the daemon the kind nodes run on.
  if (profile.externalPeer?.dockerNetwork && handle.dockerHost) profile.externalPeer = { ...profile.externalPeer, dockerHost: handle.dockerHost };
  const timeouts = timeoutsFor(settings.profile);
  const multusImage = handle.multusImage ?? (settings.provider === 'local' ? LOCAL_MULTUS_IMAGE : DEFAULT_MULTUS_IMAGE);
  const multus = await ensureMultus(kc, settings, handle.created, { image: multusImage, timeoutMs: timeouts.multusReady });
  const nodes = await discoverNodes(kc, {
    runId: settings.runId,
    image: profile.testImage,
    sriovResource: profile.sriovResource,
    timeoutMs: timeouts.probe,
  });
  const info = buildClusterInfo(settings, { kubeconfig: handle.kubeconfig, context: handle.context, profile, serverVersion, multus, nodes });
  project.provide('cluster', info);
  process.stderr.write(
    `multus-conformance: run ${settings.runId} on ${settings.provider} (${serverVersion}), Multus ${multus.daemonSet ?? 'not found'} ` +
      `${multus.ready}/${multus.desired} ready, ${nodes.length} node(s), mode ${settings.mode}\n`,
  );

  return async () => {
    DisruptionLock.remove(settings.runId);
    if (!settings.keep) {
      const swept = await sweep(kc, settings.runId);
      await waitForNamespacesGone(kc, swept.namespaces, namespaceSelector(settings.runId), timeouts.namespaceGone).catch((e: unknown) => {
        process.stderr.write(`multus-conformance: ${e instanceof Error ? e.message : String(e)}\n`);
      });
    }
    if (settings.teardown) await provider.teardown(settings);
  };
}
