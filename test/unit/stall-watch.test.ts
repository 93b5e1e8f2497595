import { describe, expect, it } from 'vitest';
import { DEFAULT_STALL_BOUNDS, describeStall, StallWatch } from '../../helpers/report/stall-watch.ts';
import { PROFILES } from '../../helpers/config/settings.ts';
import { timeoutsFor } from '../../helpers/scenario/timeouts.ts';

const BOUNDS = { idleMs: 300_000, graceMs: 120_000, hookMs: 1_800_000 };
const A = { moduleId: '/repo/test/unit/a.test.ts' };
const B = { moduleId: '/repo/test/unit/b.test.ts' };

function watch(): { w: StallWatch; at: (ms: number) => void } {
  let now = 0;
  const w = new StallWatch(BOUNDS, () => now);
  w.onTestRunStart([A, B]);
  return { w, at: (ms) => void (now = ms) };
}

const testOf = (module: { moduleId: string }, id: string, timeout: number | undefined) => ({ id, fullName: `suite > ${id}`, module, options: { timeout } });
const doing = (w: StallWatch): string[] => w.check().map((s) => `${s.moduleId.split('/').pop()}: ${s.doing} (${s.forMs})`);

describe('StallWatch: which silences are stalls', () => {
  it('a file loading for longer than idleMs (the CI hang: queued in a worker, never collected)', () => {
    const { w, at } = watch();
    w.onTestModuleQueued(A);
    at(300_000);
    expect(w.check()).toEqual([]);
    at(300_001);
    expect(doing(w)).toEqual(['a.test.ts: loading (imports and collection) (300001)']);
  });

  it('a file between its tests for longer than idleMs; every event restarts its clock', () => {
    const { w, at } = watch();
    w.onTestModuleQueued(A);
    at(200_000);
    w.onTestModuleCollected(A);
    at(450_000);
    expect(w.check()).toEqual([]);
    const t = testOf(A, 't1', 60_000);
    w.onTestCaseReady(t);
    at(500_000);
    w.onTestCaseResult(t);
    at(800_001);
    expect(doing(w)).toEqual(['a.test.ts: between its tests and hooks (300001)']);
  });

  it('a test past its own timeout plus the grace (its worker cannot fire the timeout)', () => {
    const { w, at } = watch();
    w.onTestModuleQueued(A);
    w.onTestModuleCollected(A);
    w.onTestCaseReady(testOf(A, 't1', 60_000));
    at(180_000);
    expect(w.check()).toEqual([]);
    at(180_001);
    expect(doing(w)).toEqual(['a.test.ts: running "suite > t1", its timeout 60s (180001)']);
  });

  it('a long test within its timeout is no stall, however long the file is silent', () => {
    const { w, at } = watch();
    w.onTestModuleQueued(A);
    w.onTestModuleCollected(A);
    w.onTestCaseReady(testOf(A, 't1', 1_500_000));
    at(1_600_000);
    expect(w.check()).toEqual([]);
  });

  it('a test without a timeout (0 or none) gets the hook bound', () => {
    const { w, at } = watch();
    w.onTestModuleQueued(A);
    w.onTestCaseReady(testOf(A, 't0', 0));
    at(1_900_000);
    expect(w.check()).toEqual([]);
    at(1_920_001);
    expect(doing(w)).toEqual(['a.test.ts: running "suite > t0" (1920001)']);
  });

  it('a hook for longer than hookMs; hooks of a suite and of a test are told apart', () => {
    const { w, at } = watch();
    w.onTestModuleQueued(A);
    const suiteHook = { name: 'beforeAll', entity: { id: 's1', type: 'suite', module: A } };
    const moduleHook = { name: 'afterAll', entity: { id: 'm', type: 'module', moduleId: A.moduleId } };
    w.onHookStart(suiteHook);
    w.onHookStart(moduleHook);
    w.onHookEnd(moduleHook);
    at(1_800_001);
    expect(doing(w)).toEqual(['a.test.ts: in a beforeAll hook (1800001)']);
    w.onHookEnd(suiteHook);
    expect(w.check()).toEqual([]);
  });

  it('no file running while files remain: the next one waits for a worker', () => {
    const { w, at } = watch();
    w.onTestModuleQueued(A);
    at(10_000);
    w.onTestModuleEnd(A);
    at(310_001);
    expect(doing(w)).toEqual(['b.test.ts: waiting for a worker to start it (1 file(s) not run) (300001)']);
    w.resetIdle();
    expect(w.check()).toEqual([]);
  });

  it('says nothing before the first file is queued (the global setup has its own bounds) or once all ended', () => {
    const { w, at } = watch();
    at(3_000_000);
    expect(w.check()).toEqual([]);
    w.onTestModuleQueued(A);
    w.onTestModuleEnd(A);
    w.onTestModuleQueued(B);
    w.onTestModuleEnd(B);
    at(9_000_000);
    expect(w.check()).toEqual([]);
  });

  it('a forgotten file (its worker stopped) is no longer running nor waited for', () => {
    const { w, at } = watch();
    w.onTestModuleQueued(A);
    w.onTestModuleQueued(B);
    expect(w.running()).toEqual([A.moduleId, B.moduleId]);
    at(400_000);
    expect(w.check().map((s) => s.moduleId)).toEqual([A.moduleId, B.moduleId]);
    w.forget(A.moduleId);
    w.forget(B.moduleId);
    expect(w.running()).toEqual([]);
    at(800_000);
    expect(w.check()).toEqual([]);
  });
});

describe('the default bounds', () => {
  it('leave a conformance file’s loading its whole wait for the node probe (the probe timeout plus a minute), on every profile', () => {
    for (const profile of PROFILES) {
      expect(DEFAULT_STALL_BOUNDS.idleMs, profile).toBeGreaterThan(timeoutsFor(profile).probe + 60_000);
    }
  });
});

describe('describeStall', () => {
  it('names the file relative to the root, what it was doing and for how long', () => {
    expect(describeStall({ moduleId: '/repo/test/unit/a.test.ts', doing: 'loading (imports and collection)', forMs: 301_400 }, '/repo')).toBe(
      'test/unit/a.test.ts made no progress for 5m01s while loading (imports and collection)',
    );
    expect(describeStall({ moduleId: '/repo/x.test.ts', doing: 'in a beforeAll hook', forMs: 2_400 }, '/repo')).toBe('x.test.ts made no progress for 2s while in a beforeAll hook');
  });
});
