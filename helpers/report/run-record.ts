import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MultusInfo, NodeCapabilities } from '../capabilities/types.ts';
import type { MultusPodRecord } from '../multus/pods.ts';
import { runStateDir, writeStateFile } from '../k8s/api-lost.ts';
import type { AppliedNad } from './results.ts';

/**
 * What a run ran against, recorded in its JSON report so that `compare` can
 * say what changed between two runs besides the verdicts: the Kubernetes
 * version, the Multus DaemonSet (image, flavor), each node's CNI plugin
 * binaries (sha256, from the node probe) and the NADs the scenarios applied
 * (name and a hash of their config). The Multus pods and their restart
 * counts let a later run (`--baseline`) tell restarts since this one
 * (health/multus-pods).
 */
export interface RunTarget {
  kubernetesVersion: string;
  multus: {
    daemonSet?: string;
    image?: string;
    flavor: MultusInfo['flavor'];
    ready: number;
    desired: number;
    /** Its pods when the run started; absent in reports written before they were recorded. */
    pods?: MultusPodRecord[];
  };
  nodes: TargetNode[];
  nads: AppliedNad[];
}

export interface TargetNode {
  name: string;
  /** sha256 of each file in /opt/cni/bin; absent when the probe did not run. */
  cniBinaries?: Record<string, string>;
  /** Why the probe did not give the binaries. */
  probeError?: string;
}

/** Who ran what, when, with which settings; the exit code once decided. */
export interface RunIdentity {
  runId: string;
  provider: string;
  profile: string;
  mode: string;
  strict: boolean;
  /** --test patterns. */
  tests: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** multus-conformance version (package.json). */
  version: string;
  knownFailuresFile?: string;
  baselineFile?: string;
  exitCode: number;
}

const FILE = 'target.json';

/** The cluster side of the record, from what the global setup found. */
export function runTargetFrom(facts: { serverVersion: string; multus: MultusInfo; nodes: readonly NodeCapabilities[] }): Omit<RunTarget, 'nads'> {
  const m = facts.multus;
  return {
    kubernetesVersion: facts.serverVersion,
    multus: {
      ...(m.daemonSet ? { daemonSet: m.daemonSet } : {}),
      ...(m.image ? { image: m.image } : {}),
      flavor: m.flavor,
      ready: m.ready,
      desired: m.desired,
      ...(m.pods ? { pods: m.pods.map((p) => ({ ...p, restarts: { ...p.restarts } })) } : {}),
    },
    nodes: facts.nodes.map((n) => ({
      name: n.name,
      ...(n.probe ? { cniBinaries: { ...n.probe.cniBinaries } } : {}),
      ...(n.probeError ? { probeError: n.probeError } : {}),
    })),
  };
}

/** Written by the global setup (inside vitest) for `run` (outside it), through the run's state directory. */
export function recordRunTarget(runId: string, target: Omit<RunTarget, 'nads'>): void {
  writeStateFile(runId, FILE, target);
}

/** What the global setup recorded; undefined when the run stopped before it reached the cluster. */
export function readRunTarget(runId: string): Omit<RunTarget, 'nads'> | undefined {
  try {
    return JSON.parse(readFileSync(join(runStateDir(runId), FILE), 'utf8')) as Omit<RunTarget, 'nads'>;
  } catch {
    return undefined;
  }
}
