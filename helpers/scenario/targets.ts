import { attachVerdict, sriovVerdict, type NodeVerdict } from '../capabilities/node-verdict.ts';
import { levelIncluded, type ScenarioDef } from './catalog.ts';
import type { ClusterInfo } from './cluster-info.ts';
import { attachSettingsOf, gate, gateAll } from './requirements.ts';

// Which test cases a scenario becomes and whether each runs: shared by the
// test wrapper (scenario.ts, inside vitest) and `list` (outside it).

/** The test case name: id, title and, for per-node scenarios, the node. */
export function caseName(def: ScenarioDef, node: string | undefined): string {
  return `${def.id}: ${def.title}${node ? ` [node=${node}]` : ''}`;
}

/** The scenario's cluster-wide verdict: run mode, then its requirements in order. */
export function scenarioGate(def: ScenarioDef, cluster: ClusterInfo): NodeVerdict {
  if (!levelIncluded(def.level, cluster.mode)) {
    return {
      outcome: 'skip',
      reason: `mode ${cluster.mode} leaves out ${def.level} scenarios (use --mode ${def.level === 'disruptive' ? 'full' : 'non-disruptive'})`,
    };
  }
  return gateAll(def.requires, cluster);
}

/** Why this scenario is skipped or fails on this cluster as a whole, or undefined when it runs. */
export function skipReason(def: ScenarioDef, cluster: ClusterInfo): string | undefined {
  const v = scenarioGate(def, cluster);
  return v.outcome === 'run' ? undefined : v.reason;
}

/** One test case of a scenario: on a node (per-node scenarios) or not, and whether it runs. */
export interface Target {
  node?: string;
  verdict: NodeVerdict;
}

/**
 * The cases of a scenario. A per-node scenario gets one case per node of
 * the cluster, each with its own verdict, so a node that cannot run it shows
 * as its own skipped (or failed) case instead of vanishing. The cluster-wide
 * conditions (mode, Multus, master configured, any SR-IOV node at all)
 * decide first, in one case without a node.
 */
export function targetsOf(def: ScenarioDef, cluster: ClusterInfo): Target[] {
  if (!def.perNode) return [{ verdict: scenarioGate(def, cluster) }];
  const kind = def.perNode;
  // The per-node requirement is decided per node below; here only whether it can apply at all.
  const clusterWide = scenarioGate({ ...def, requires: def.requires.filter((r) => r !== kind) }, cluster);
  const noMaster = kind !== 'sriov' && !cluster.profile.master ? gate(kind, cluster) : undefined;
  const noSriov = kind === 'sriov' ? gate('sriov', cluster) : undefined;
  for (const v of [clusterWide, noMaster, noSriov]) {
    if (v && (v.outcome === 'skip' || v.outcome === 'fail')) return [{ verdict: v }];
  }
  if (cluster.nodes.length === 0) return [{ verdict: { outcome: 'skip', reason: 'the cluster has no nodes' } }];
  const settings = attachSettingsOf(cluster);
  return cluster.nodes.map((n) => {
    const verdict = kind === 'sriov' ? sriovVerdict(n) : attachVerdict(n, kind, settings);
    // `list` only: a node that could run it still waits on what the probe will say.
    return { node: n.name, verdict: verdict.outcome === 'run' ? clusterWide : verdict };
  });
}
