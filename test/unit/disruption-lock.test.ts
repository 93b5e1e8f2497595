import { describe, expect, it } from 'vitest';
import { DisruptionLock } from '../../helpers/scenario/disruption.ts';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('disruption lock', () => {
  it('runs a disruptive scenario only when no other scenario runs, and holds new ones back meanwhile', async () => {
    const runId = `unit-${process.pid}-${Date.now()}`;
    const lock = new DisruptionLock(runId);
    const log: string[] = [];
    const job = (name: string, ms: number) => async (): Promise<void> => {
      log.push(`${name} start`);
      await tick(ms);
      log.push(`${name} end`);
    };
    const a = lock.shared('a', job('a', 1200));
    await tick(100);
    const d = lock.exclusive(job('disruptive', 300));
    await tick(100);
    const b = lock.shared('b', job('b', 100));
    await Promise.all([a, d, b]);
    DisruptionLock.remove(runId);
    expect(log).toEqual(['a start', 'a end', 'disruptive start', 'disruptive end', 'b start', 'b end']);
  }, 20_000);

  it('lets ordinary scenarios run side by side', async () => {
    const runId = `unit2-${process.pid}-${Date.now()}`;
    const lock = new DisruptionLock(runId);
    let running = 0;
    let peak = 0;
    const job = async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await tick(200);
      running--;
    };
    await Promise.all([lock.shared('x', job), lock.shared('y', job), lock.shared('z', job)]);
    DisruptionLock.remove(runId);
    expect(peak).toBe(3);
  });
});
