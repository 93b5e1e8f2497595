import { readFileSync } from 'node:fs';

/** Busy and all CPU ticks of the whole machine since boot (/proc/stat; idle and iowait are not busy). */
export function cpuTicks(): { busy: number; all: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = fields.reduce((a, b) => a + b, 0);
  return { busy: all - (fields[3] ?? 0) - (fields[4] ?? 0), all };
}

// USER_HZ: the unit of /proc/stat; 100 on every Linux architecture Node runs on.
const TICKS_PER_SECOND = 100;

/**
 * Runs `fn`, then `settled` (the machine back to rest), and says how much
 * CPU the whole machine spent meanwhile, in core-seconds: the suite's
 * process, the API server, the kubelet, the runtime, every CNI plugin they
 * started, and the teardown after. On a machine whose cores a run keeps
 * busy, this work, not the waits, is what bounds its wall time.
 */
export async function withMachineCpu<T>(settled: () => Promise<void>, fn: () => Promise<T>): Promise<{ value: T; coreSeconds: number }> {
  const before = cpuTicks();
  const value = await fn();
  await settled();
  return { value, coreSeconds: (cpuTicks().busy - before.busy) / TICKS_PER_SECOND };
}
