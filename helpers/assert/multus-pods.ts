import { ConformanceFailure } from '../errors.ts';
import type { MultusContainer, MultusPod, MultusPodRecord } from '../multus/pods.ts';

/**
 * The Multus pods themselves: a daemon killed for memory, or restarting,
 * leaves pods without their networks or stuck ContainerCreating while it is
 * down (multus-cni#1346, #1416, #1160).
 */

const ISSUES = 'multus-cni#1346, #1416, #1160';
const podId = (p: MultusPod): string => `${p.namespace}/${p.name}`;
const kind = (c: MultusContainer): string => (c.init ? 'init container' : 'container');

function limitsOf(c: MultusContainer): string {
  const l = Object.entries(c.limits);
  return l.length ? l.map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
}

/** No container of a Multus pod was killed for memory: not in its last state, not now. */
export function assertNotOomKilled(pods: readonly MultusPod[]): void {
  for (const p of pods) {
    for (const c of p.containers) {
      const t = [c.terminated, c.lastTerminated].find((x) => x?.reason === 'OOMKilled');
      if (!t) continue;
      throw new ConformanceFailure({
        pod: podId(p),
        check: `${kind(c)} ${c.name} on node ${p.node}: last termination`,
        expected: 'never OOMKilled',
        actual:
          `OOMKilled (exit code ${t.exitCode}${t.finishedAt ? `, ${t.finishedAt}` : ''}), memory limit ${c.limits.memory ?? 'none'}, ${c.restarts} restart(s): ` +
          `while it is down, pods on ${p.node} cannot get their networks (${ISSUES})`,
      });
    }
  }
}

/** What the baseline run recorded of the Multus pods, or why there is nothing to compare with. */
export type BaselinePods = { file: string; pods: readonly MultusPodRecord[] } | { file: string; missing: string };

/**
 * No Multus container restarted since the baseline run. A pod the baseline
 * saw (same UID) must have the restart counts it had; a pod that replaced it
 * since (a rollout, a node reboot) must not have restarted at all. Returns
 * what is worth a note (pods replaced, nodes the baseline did not have).
 */
export function assertNoRestartsSince(baseline: Extract<BaselinePods, { pods: unknown }>, pods: readonly MultusPod[]): string[] {
  const notes: string[] = [];
  for (const p of pods) {
    const before = baseline.pods.find((b) => b.uid === p.uid) ?? baseline.pods.find((b) => b.node === p.node);
    if (!before) {
      notes.push(`${podId(p)} on ${p.node}: the baseline recorded no Multus pod on that node`);
      continue;
    }
    const same = before.uid === p.uid;
    if (!same) notes.push(`${podId(p)} on ${p.node} replaced ${before.name} since the baseline`);
    for (const c of p.containers) {
      const was = same ? (before.restarts[c.name] ?? 0) : 0;
      if (c.restarts <= was) continue;
      const last = c.lastTerminated ? `; last ended ${c.lastTerminated.reason} (exit code ${c.lastTerminated.exitCode}${c.lastTerminated.finishedAt ? `, ${c.lastTerminated.finishedAt}` : ''})` : '';
      throw new ConformanceFailure({
        pod: podId(p),
        check: `${kind(c)} ${c.name} on node ${p.node}: restarts since the baseline run (${baseline.file})`,
        expected: same ? `${was} restart(s), as in the baseline` : `0 restarts (the pod is new since the baseline, which had ${before.name})`,
        actual: `${c.restarts} restart(s)${last} (${ISSUES})`,
      });
    }
  }
  return notes;
}

/**
 * What the report says of the Multus pods, failures aside: restart counts,
 * memory and CPU limits, and whether one image runs on every node.
 */
export function describeMultusPods(pods: readonly MultusPod[]): string[] {
  const lines = pods.map(
    (p) =>
      `${podId(p)} on ${p.node}${p.ready ? '' : ' (not ready)'}: ` +
      p.containers.map((c) => `${kind(c)} ${c.name}: ${c.restarts} restart(s), limits ${limitsOf(c)}`).join('; '),
  );
  const images = new Map<string, string[]>();
  for (const p of pods) {
    // What runs, by digest where the kubelet reported one: a tag can name different builds on different nodes.
    const key = p.containers
      .filter((c) => !c.init)
      .map((c) => `${c.image}${c.imageID ? ` (${c.imageID.replace(/^.*@/, '')})` : ''}`)
      .join(' + ');
    images.set(key, [...(images.get(key) ?? []), p.node]);
  }
  if (images.size === 1) lines.push(`one image on all ${pods.length} node(s): ${[...images.keys()][0]}`);
  else if (images.size > 1) lines.push(`${images.size} different images: ${[...images].map(([img, nodes]) => `${img} on ${nodes.join(', ')}`).join('; ')}`);
  return lines;
}
