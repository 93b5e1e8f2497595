import { existsSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import type { RunSettings } from '../config/settings.ts';
import { compileSelection, isSelected } from '../config/selection.ts';
import { sriovResourcesOf } from '../capabilities/discover.ts';
import { loadProfile } from '../fixtures/profile.ts';
import { checkReachable, loadKubeConfig } from '../k8s/client.ts';
import { UsageError } from '../errors.ts';
import { detectMultus } from '../multus/detect.ts';
import { kubeconfigPath } from '../providers/existing.ts';
import { kindContext, kindKubeconfigPath } from '../providers/kind.ts';
import { CATALOG, levelIncluded } from './catalog.ts';
import { buildClusterInfo, type ClusterInfo } from './cluster-info.ts';
import { unmet, type Requirement } from './requirements.ts';

/** Where the local testbed writes its kubeconfig (scripts/testbed/lib.sh). */
const LOCAL_KUBECONFIG = '/var/lib/multus-conformance/admin.conf';

export interface ListedScenario {
  id: string;
  title: string;
  area: string;
  status: 'run' | 'skip' | 'excluded';
  reason?: string;
}

// Node facts only a probe pod can tell; `list` creates nothing, so these are
// decided when the run starts.
const PROBED: ReadonlySet<Requirement> = new Set(['macvlan', 'ipvlan', 'static-ipam', 'whereabouts', 'two-nodes']);

/**
 * What a run with these settings would do: each catalog scenario as run,
 * skip (with the reason) or excluded (by --test). With cluster facts read
 * without probing, requirements that need no probe are evaluated too.
 */
export function listScenariosFor(settings: RunSettings, cluster: ClusterInfo | undefined): ListedScenario[] {
  const selection = compileSelection(settings.tests);
  return CATALOG.map((def): ListedScenario => {
    const base = { id: def.id, title: def.title, area: def.area };
    if (!isSelected(selection, def.id, `${def.id}: ${def.title}`)) return { ...base, status: 'excluded', reason: 'not selected by --test' };
    if (!levelIncluded(def.level, settings.mode)) {
      return { ...base, status: 'skip', reason: `mode ${settings.mode} leaves out ${def.level} scenarios` };
    }
    if (!cluster) {
      return def.requires.length > 0
        ? { ...base, status: 'run', reason: 'cluster not readable now: requirements are checked when the run starts' }
        : { ...base, status: 'run' };
    }
    const deferred: string[] = [];
    for (const req of def.requires) {
      if (PROBED.has(req)) {
        deferred.push(req);
        continue;
      }
      const reason = unmet(req, cluster);
      if (reason) return { ...base, status: 'skip', reason };
    }
    return deferred.length > 0
      ? { ...base, status: 'run', reason: `${deferred.join(', ')}: checked on each node by a probe pod when the run starts` }
      : { ...base, status: 'run' };
  });
}

/** `list`: reads the cluster the settings point at when it can, then lists. */
export async function listScenarios(settings: RunSettings): Promise<ListedScenario[]> {
  // A multus.daemonSet that names no DaemonSet is the user's error, not an unreadable cluster.
  const cluster = await readOnlyCluster(settings).catch((e: unknown) => {
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
  const nodes = (await kc.makeApiClient(k8s.CoreV1Api).listNode()).items.map((n) => ({
    name: n.metadata?.name ?? '',
    ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    probeError: 'not probed by list',
    sriovResources: sriovResourcesOf(n.status?.allocatable ?? {}, profile.sriovResource),
  }));
  return buildClusterInfo(settings, { kubeconfig, context, profile, serverVersion, multus, nodes });
}

/**
 * The suite files holding at least one selected scenario (suites/<area>.test.ts).
 * Vitest fails a file that registers no test, so a run only loads these.
 */
export function selectedSuiteFiles(settings: Pick<RunSettings, 'tests'>): string[] {
  const selection = compileSelection(settings.tests);
  const areas = new Set(CATALOG.filter((d) => isSelected(selection, d.id, `${d.id}: ${d.title}`)).map((d) => d.area));
  return [...areas].map((a) => `suites/${a}.test.ts`);
}
