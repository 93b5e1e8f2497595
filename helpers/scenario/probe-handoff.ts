import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeCapabilities } from '../capabilities/types.ts';
import { runStateDir, writeStateFile } from '../k8s/api-lost.ts';

/**
 * The node probe runs in the main process while vitest starts its worker (the
 * two take about as long); the worker waits here for the result before it
 * registers a single scenario. The result travels through the run's state
 * directory, as every other fact the two sides share.
 */
export type ProbeHandoff =
  | { kind: 'nodes'; nodes: NodeCapabilities[] }
  /** A setting the probe proved wrong (network.master on no node): the run stops, exit 2. */
  | { kind: 'config-error'; message: string }
  /** The probe could not be run at all (not a node's failure: those are in `nodes`). */
  | { kind: 'error'; message: string };

const FILE = 'probe.json';

export function publishProbe(runId: string, result: ProbeHandoff): void {
  writeStateFile(runId, FILE, result);
}

export function readProbe(runId: string): ProbeHandoff | undefined {
  try {
    return JSON.parse(readFileSync(join(runStateDir(runId), FILE), 'utf8')) as ProbeHandoff;
  } catch {
    return undefined;
  }
}

/** Waits (bounded) for the main process to publish the probe's result. */
export async function awaitProbe(runId: string, timeoutMs: number, pollMs = 50): Promise<ProbeHandoff> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = readProbe(runId);
    if (r) return r;
    if (Date.now() >= deadline) return { kind: 'error', message: `the node probe gave no result within ${Math.round(timeoutMs / 1000)}s` };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
