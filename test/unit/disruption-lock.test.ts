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

  it('lets the disruptive scenarios of one worker hold it together (they share one restart), still holding ordinary ones back', async () => {
    const runId = `unit3-${process.pid}-${Date.now()}`;
    const lock = new DisruptionLock(runId);
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    // Each disruptive job waits for the other to have started: held one after the other, they never would.
    const started = new Set<string>();
    const disruptive = (name: string) => async (): Promise<void> => {
      log.push(`${name} start`);
      started.add(name);
      if (started.size === 2) release();
      await Promise.race([gate, tick(3000)]);
      log.push(`${name} end`);
    };
    const d1 = lock.exclusive(disruptive('d1'));
    const d2 = lock.exclusive(disruptive('d2'));
    await tick(100);
    const b = lock.shared('b', async () => void log.push('b start'));
    await Promise.all([d1, d2, b]);
    DisruptionLock.remove(runId);
    expect(log).toEqual(['d1 start', 'd2 start', 'd1 end', 'd2 end', 'b start']);
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
