import { existsSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import type { RunSettings } from '../config/settings.ts';
import { SCALE_LEVEL, scenarioSelected, selectionOf } from '../config/selection.ts';
import { nodeFacts } from '../capabilities/discover.ts';
import { UsageError } from '../errors.ts';
import { loadProfile } from '../fixtures/profile.ts';
import { checkReachable, loadKubeConfig } from '../k8s/client.ts';
import { detectMultus } from '../multus/detect.ts';
import { kubeconfigPath } from '../providers/existing.ts';
import { kindContext, kindKubeconfigPath } from '../providers/kind.ts';
import { groupFiles } from './groups.ts';
import { CATALOG, levelIncluded } from './catalog.ts';
import { buildClusterInfo, type ClusterInfo } from './cluster-info.ts';
import type { Requirement } from './requirements.ts';
import { caseName, targetsOf } from './targets.ts';

/** Where the local testbed writes its kubeconfig (scripts/testbed/lib.sh). */
const LOCAL_KUBECONFIG = '/var/lib/multus-conformance/admin.conf';

export interface ListedScenario {
  id: string;
  title: string;
  area: string;
  /** Per-node scenarios: one row per node. */
  node?: string;
  /** `fail`: the run would fail this case before it starts (what is wrong is in the reason). */
  status: 'run' | 'skip' | 'fail' | 'excluded';
  reason?: string;
}

/**
 * What a run with these settings would do: each catalog scenario (per-node
 * ones once per node) as run, skip or fail (with the reason) or excluded (by
 * --test). With cluster facts read without probing, everything that needs
 * no probe pod is decided the way the run decides it (targets.ts); what only
 * the probe can tell is marked run, with a reason saying what the run checks
 * first.
 */
export function listScenariosFor(settings: RunSettings, cluster: ClusterInfo | undefined): ListedScenario[] {
  const selection = selectionOf(settings);
  return CATALOG.flatMap((def): ListedScenario[] => {
    const base = { id: def.id, title: def.title, area: def.area };
    if (!scenarioSelected(selection, def)) {
      const reason =
        def.level === SCALE_LEVEL
          ? settings.scale === undefined
            ? 'runs only with --scale N'
            : 'not selected by --test'
          : settings.scale !== undefined && selection.include.length === 0
            ? 'not selected: --scale runs scale/pods only (add -t to run more)'
            : 'not selected by --test';
      return [{ ...base, status: 'excluded', reason }];
    }
    if (!cluster) {
      if (!levelIncluded(def.level, settings.mode)) return [{ ...base, status: 'skip', reason: `mode ${settings.mode} leaves out ${def.level} scenarios` }];
      return def.requires.length > 0
        ? [{ ...base, status: 'run', reason: 'cluster not readable now: requirements are checked when the run starts' }]
        : [{ ...base, status: 'run' }];
    }
    return targetsOf(def, cluster).map(({ node, verdict }): ListedScenario => {
      const row = { ...base, ...(node ? { node } : {}) };
      switch (verdict.outcome) {
        case 'run':
          return { ...row, status: 'run' };
        case 'unprobed':
          return { ...row, status: 'run', reason: verdict.reason };
        case 'skip':
        case 'fail':
          return { ...row, status: verdict.outcome, reason: verdict.reason };
      }
    });
  });
}

/** `list`: reads the cluster the settings point at when it can, then lists. */
export async function listScenarios(settings: RunSettings): Promise<ListedScenario[]> {
  const cluster = await readOnlyCluster(settings).catch((e: unknown) => {
    // A cluster that cannot be read is listed without its facts; a setting its facts prove wrong is an error, as in `run`.
    if (e instanceof UsageError) throw e;
    return undefined;
  });
  return listScenariosFor(settings, cluster);
}

async function readOnlyCluster(settings: RunSettings): Promise<ClusterInfo | undefined> {
  const kubeconfig =
    settings.provider === 'local'
      ? LOCAL_KUBECONFIG
      : settings.provider === 'kind'
        ? kindKubeconfigPath(settings)
        : kubeconfigPath(settings.kubeconfig, process.env);
  if (!existsSync(kubeconfig)) return undefined;
  const context = settings.provider === 'kind' ? kindContext(settings.kind.clusterName) : settings.context;
  const kc = loadKubeConfig({ kubeconfig, context });
  const serverVersion = await checkReachable(kc);
  const multus = await detectMultus(kc, settings.multus.daemonSet);
  const profile = loadProfile(settings);
  const nodes = nodeFacts((await kc.makeApiClient(k8s.CoreV1Api).listNode()).items, {
    sriovResource: profile.sriovResource,
    nodeSelector: settings.network.nodeSelector,
  });
  return buildClusterInfo(settings, { kubeconfig, context, profile, serverVersion, multus, nodes });
}

/** The entry files of the groups that hold a selected scenario (helpers/scenario/groups.ts); --scale counts. */
export function selectedSuiteFiles(settings: Pick<RunSettings, 'tests' | 'scale'>): string[] {
  return groupFiles(settings);
}

const NEEDS_MASTER: ReadonlySet<Requirement> = new Set(['macvlan', 'ipvlan', 'two-nodes']);

// What only the node probe tells: link support, plugins, the master (requirements),
// and what the health checks read of each node (CNI files, plugin hashes, Multus config, the thin token).
const NEEDS_PROBE: ReadonlySet<Requirement> = new Set([
  'macvlan', 'ipvlan', 'static-ipam', 'whereabouts', 'two-nodes', 'ipv6-node',
  // plugins/*: the plugin binaries on the nodes.
  'plugin-bridge', 'plugin-host-device', 'plugin-tuning', 'plugin-vlan',
]);
const READS_PROBE = new Set([
  'health/cni-config-order',
  'health/plugin-binaries',
  'health/stale-config',
  'health/config-flavor',
  'health/delegate-config',
  'health/thin-kubeconfig',
]);

/**
 * Whether a scenario this run selects (by --test, --scale and mode) needs the node
 * probe. When none does (a health check of the API, an audit), no probe pod is
 * started: nothing is created on the nodes, and no namespace has to go.
 */
export function selectionNeedsProbe(settings: Pick<RunSettings, 'tests' | 'mode' | 'scale'>): boolean {
  const selection = selectionOf(settings);
  return CATALOG.some(
    (d) => scenarioSelected(selection, d) && levelIncluded(d.level, settings.mode) && (READS_PROBE.has(d.id) || d.requires.some((r) => NEEDS_PROBE.has(r))),
  );
}

/** Whether a scenario this run selects (by --test, --scale and mode) attaches links to network.master. */
export function selectionNeedsMaster(settings: Pick<RunSettings, 'tests' | 'mode' | 'scale'>): boolean {
  const selection = selectionOf(settings);
  return CATALOG.some(
    (d) => scenarioSelected(selection, d) && levelIncluded(d.level, settings.mode) && d.requires.some((r) => NEEDS_MASTER.has(r)),
  );
}
