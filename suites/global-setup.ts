import { resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { TestProject } from 'vitest/node';
import { settingsFromEnv } from '../helpers/config/env.ts';
import type { RunSettings } from '../helpers/config/settings.ts';
import { CoreV1Api } from '@kubernetes/client-node';
import { nodeFacts, probeNodes } from '../helpers/capabilities/discover.ts';
import type { NodeCapabilities } from '../helpers/capabilities/types.ts';
import { publishProbe } from '../helpers/scenario/probe-handoff.ts';
import { loadProfile } from '../helpers/fixtures/profile.ts';
import { checkReachable, firstLine, loadKubeConfig } from '../helpers/k8s/client.ts';
import { ensureMultus, DEFAULT_MULTUS_IMAGE } from '../helpers/multus/install.ts';
import { installWhereabouts } from '../helpers/whereabouts/install.ts';
import { podRecord, readMultusPods } from '../helpers/multus/pods.ts';
import { baselineMultusPods } from '../helpers/scenario/multus-health.ts';
import { guardContext } from '../helpers/providers/guard.ts';
import { existingProvider } from '../helpers/providers/existing.ts';
import { kindProvider } from '../helpers/providers/kind.ts';
import { localProvider } from '../helpers/providers/local.ts';
import type { Provider } from '../helpers/providers/types.ts';
import { buildClusterInfo } from '../helpers/scenario/cluster-info.ts';
import { recordRunTarget, runTargetFrom } from '../helpers/report/run-record.ts';
import { timeoutsFor, type Timeouts } from '../helpers/scenario/timeouts.ts';
import { apiGate } from '../helpers/scenario/api-gate.ts';
import { recordPhase, recordRunCluster, recordSetupEnd, recordTeardown, timedPhase, type TeardownRecord } from '../helpers/scenario/run-state.ts';
import { VITEST_START_ENV } from '../helpers/timing/run-phases.ts';
import { readApiLost, startApiMonitor, watchApiLostFor } from '../helpers/k8s/api-lost.ts';
import { DisruptionLock } from '../helpers/scenario/disruption.ts';
import { namespaceSelector, sweep, waitForNamespacesReleased } from '../cli/sweep.ts';
import { masterConfigProblem } from '../helpers/capabilities/config-check.ts';
import { selectionNeedsMaster, selectionNeedsProbe } from '../helpers/scenario/list.ts';
import { attachVerdicts } from '../helpers/scenario/requirements.ts';
import type { ClusterInfo } from '../helpers/scenario/cluster-info.ts';

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

/** Which nodes the attachment scenarios leave out, and how, for the run's first line (each has its own case too). */
function scopeNote(info: ClusterInfo): string {
  if (!info.profile.master) return '';
  const verdicts = attachVerdicts(info, 'macvlan');
  const unselected = info.nodes.filter((n) => !n.selected).length;
  const named = (outcome: string): string[] =>
    verdicts.filter((v) => v.verdict.outcome === outcome && info.nodes.find((n) => n.name === v.node)?.selected).map((v) => v.node);
  const parts = [
    ...(named('skip').length ? [`skipped on ${named('skip').join(', ')}`] : []),
    ...(named('fail').length ? [`failing on ${named('fail').join(', ')}`] : []),
    ...(unselected ? [`${unselected} node(s) outside network.nodeSelector`] : []),
  ];
  return parts.length ? ` (macvlan on ${info.profile.master}: ${parts.join('; ')})` : '';
}

/**
 * Brings up or selects the cluster once per run, makes sure Multus is there,
 * discovers what each node can do and provides it all to the test files.
 * The teardown sweeps everything labelled with this run's id.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const settings = settingsFromEnv();
  // Both conformance projects (the disruptive one runs after the other) name
  // this setup; vitest calls it once per project, in one process. The first
  // call does the work; the other gets the same cluster and no teardown.
  const runs = ((globalThis as { [SHARED]?: Map<string, Promise<SetupResult>> })[SHARED] ??= new Map());
  const first = runs.get(settings.runId);
  if (first) {
    project.provide('cluster', (await first).info);
    return async () => undefined;
  }
  const result = setupOnce(settings);
  runs.set(settings.runId, result);
  const { info, teardown } = await result;
  project.provide('cluster', info);
  return teardown;
}

const SHARED = Symbol.for('multus-conformance.global-setup');

interface SetupResult {
  info: ClusterInfo;
  teardown: () => Promise<void>;
}

async function setupOnce(settings: RunSettings): Promise<SetupResult> {
  const setupStart = Date.now();
  const vitestStart = Number(process.env[VITEST_START_ENV]);
  if (Number.isFinite(vitestStart) && vitestStart > 0) recordPhase(settings.runId, 'vitest start', vitestStart, setupStart);
  const provider = providerFor(settings);
  const { handle, kc, serverVersion } = await timedPhase(settings.runId, 'provider and testbed check', async () => {
    const handle = await provider.ensureCluster(settings);
    const kc = loadKubeConfig({ kubeconfig: handle.kubeconfig, context: handle.context });
    guardContext(settings, kc);
    // For the `cleanup --run-id` command `run` prints when something may be left.
    recordRunCluster(settings.runId, { kubeconfig: resolve(handle.kubeconfig), ...(handle.context ? { context: handle.context } : {}) });
    return { handle, kc, serverVersion: await checkReachable(kc) };
  });
  const profile = loadProfile(settings);
  // A peer container must start on the daemon the kind nodes run on.
  if (profile.externalPeer?.dockerNetwork && handle.dockerHost) profile.externalPeer = { ...profile.externalPeer, dockerHost: handle.dockerHost };
  const timeouts = timeoutsFor(settings.profile);
  // From here a cluster that stops answering for timeouts.apiLost is lost (helpers/k8s/api-lost.ts).
  watchApiLostFor(settings.runId);
  const stopMonitor = startApiMonitor(kc, { runId: settings.runId, lostAfterMs: timeouts.apiLost });
  let multus: Awaited<ReturnType<typeof ensureMultus>>;
  let facts: NodeCapabilities[];
  try {
    const multusImage = handle.multusImage ?? (settings.provider === 'local' ? LOCAL_MULTUS_IMAGE : DEFAULT_MULTUS_IMAGE);
    const whereaboutsImage = handle.whereaboutsImage;
    multus = await timedPhase(settings.runId, 'Multus detect/install', async () => {
      // whereabouts (offline kind) first: detecting Multus also notes whether its API is served.
      if (handle.created && whereaboutsImage) await installWhereabouts(kc, whereaboutsImage, timeouts.multusReady);
      const info = await ensureMultus(kc, settings, handle.created, { image: multusImage, timeoutMs: timeouts.multusReady });
      // Recorded with the run (restart counts): a later run with --baseline compares (health/multus-pods).
      return info.daemonSet ? { ...info, pods: (await readMultusPods(kc, info)).map(podRecord) } : info;
    });
    // What the node objects tell, now: a node selector that matches nothing stops the run here.
    facts = nodeFacts((await kc.makeApiClient(CoreV1Api).listNode()).items, { sriovResource: profile.sriovResource, nodeSelector: settings.network.nodeSelector });
  } catch (e) {
    stopMonitor();
    throw e;
  }
  const facts0 = {
    ...buildClusterInfo(settings, { kubeconfig: handle.kubeconfig, context: handle.context, profile, serverVersion, multus, nodes: facts }),
    // `run` has read it already (a bad one stopped the run before vitest): this only takes what the pods check needs.
    ...(settings.baseline ? { baselineMultusPods: baselineMultusPods(settings.baseline) } : {}),
  };
  const needsProbe = selectionNeedsProbe(settings);
  const info: ClusterInfo = needsProbe ? { ...facts0, probePending: true } : facts0;
  const announce = (done: ClusterInfo): void => {
    // What the run ran against, for its reports and for `compare` (helpers/report/run-record.ts).
    recordRunTarget(settings.runId, runTargetFrom(done));
    process.stderr.write(
      `multus-conformance: run ${settings.runId} on ${settings.provider} (${serverVersion}), Multus ${multus.daemonSet ?? 'not found'} ` +
        `${multus.ready}/${multus.desired} ready, ${done.nodes.length} node(s)${scopeNote(done)}, mode ${settings.mode}\n`,
    );
  };
  // The probe runs while vitest starts its worker; the worker waits for its
  // result before registering any scenario (helpers/scenario/probe-handoff.ts).
  const probing = needsProbe
    ? timedPhase(settings.runId, 'capability probe', () =>
        probeNodes(kc, facts, { runId: settings.runId, image: profile.testImage, timeoutMs: timeouts.probe }),
      ).then(
        (nodes) => {
          // A master that exists on no node would skip every attachment scenario: a green run that checked nothing.
          const wrongMaster = selectionNeedsMaster(settings) ? masterConfigProblem(nodes, profile.master, settings.network.nodeSelector) : undefined;
          if (wrongMaster) return publishProbe(settings.runId, { kind: 'config-error', message: wrongMaster });
          publishProbe(settings.runId, { kind: 'nodes', nodes });
          announce({ ...info, nodes, probePending: false });
        },
        (e: unknown) => publishProbe(settings.runId, { kind: 'error', message: `the node probe could not run: ${firstLine(e)}` }),
      )
    : Promise.resolve(announce(info));

  // Never throws: what went wrong goes to the run's state for `run` to report
  // (an error thrown here would reach the user as a stack trace).
  recordSetupEnd(settings.runId);
  const teardown = async (): Promise<void> => {
    // The probe's namespace must have been asked to go before the sweep looks.
    await probing;
    const sweepStart = Date.now();
    DisruptionLock.remove(settings.runId);
    const record: TeardownRecord = { leftovers: [] };
    try {
      await sweepRun(kc, settings, timeouts, record).catch((e: unknown) => {
        record.sweepError = firstLine(e);
      });
      if (settings.teardown) {
        try {
          await provider.teardown(settings);
        } catch (e) {
          record.teardownError = firstLine(e);
        }
      }
    } finally {
      stopMonitor();
      recordPhase(settings.runId, 'sweep', sweepStart);
      recordTeardown(settings.runId, record);
    }
  };
  return { info, teardown };
}

/** Deletes what the run created and waits, bounded, until its pods are gone (cli/sweep.ts); fills in what is left. */
async function sweepRun(kc: KubeConfig, settings: RunSettings, timeouts: Timeouts, record: TeardownRecord): Promise<void> {
  if (settings.keep) {
    record.sweepSkipped = '--keep';
    return;
  }
  // Wait out a short outage first; after a loss, `run` prints the cleanup command instead.
  const lost = await apiGate(kc, settings.runId, timeouts.apiLost).beforeStart();
  if (lost) {
    record.sweepSkipped = 'the cluster was lost';
    return;
  }
  try {
    // A run writes only inside its own namespaces (README, "What the suite writes").
    const swept = await sweep(kc, settings.runId, { clusterScoped: false });
    const wait = settings.sweepWaitSeconds === undefined ? timeouts.namespaceGone : settings.sweepWaitSeconds * 1000;
    const released = await waitForNamespacesReleased(kc, swept.namespaces, namespaceSelector(settings.runId), wait);
    record.leftovers = released.left;
    record.terminating = released.terminating;
  } catch (e) {
    if (readApiLost(settings.runId)) record.sweepSkipped = 'the cluster was lost';
    else record.sweepError = firstLine(e);
  }
}
