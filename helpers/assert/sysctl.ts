import { ConformanceFailure } from '../errors.ts';

/** A sysctl the tuning plugin set is what the pod sees (read from /proc/sys inside it). */
export function assertSysctl(pod: string, iface: string, key: string, expected: string, actual: string): void {
  if (actual.trim() !== expected) {
    throw new ConformanceFailure({ pod, iface, check: `sysctl ${key} set by the tuning plugin`, expected, actual: actual.trim() || '(empty)' });
  }
}

/**
 * The node's sysctls read before and after a pod with tuning started are the
 * same: the plugin changed the pod's network namespace and nothing else.
 * `seenBy` names the node pod that read them; `iface` the pod's attachment.
 */
export function assertSysctlsUnchanged(
  seenBy: string,
  cause: { pod: string; iface: string },
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): void {
  for (const [key, was] of Object.entries(before)) {
    const now = after[key];
    if (now === undefined || now.trim() !== was.trim()) {
      throw new ConformanceFailure({
        pod: seenBy,
        check: `node sysctl ${key} untouched by the tuning of pod ${cause.pod}, interface ${cause.iface}`,
        expected: `${was.trim()} (before that pod started)`,
        actual: now === undefined ? 'not read' : now.trim(),
      });
    }
  }
}

/** A value for a sysctl that none of `seen` has, so that finding it proves the plugin wrote it. */
export function unlike(candidates: readonly string[], seen: readonly string[]): string {
  const v = candidates.find((c) => !seen.map((s) => s.trim()).includes(c));
  if (v === undefined) throw new Error(`every candidate value (${candidates.join(', ')}) is already set somewhere (${seen.join(', ')})`);
  return v;
}
