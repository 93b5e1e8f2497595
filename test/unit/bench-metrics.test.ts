import { describe, expect, it } from 'vitest';
import type { ScaleReport } from '../../helpers/scale/report.ts';
import {
  captureSelection,
  cliArgs,
  EIGHT_PODS,
  expectedOutcome,
  figuresOf,
  formatFigure,
  METRICS,
  selectedIds,
  type BaselineFacts,
  type SuiteFacts,
} from '../../scripts/bench/metrics.ts';
import { EXPECTED_LOCAL, TESTBED_HAS_MNP } from '../e2e/expected-local.ts';

const metric = (id: string) => METRICS.find((m) => m.id === id)!;
const serial = (seconds: number, pods = 8): BaselineFacts => ({ kind: 'serial', seconds, pods });
const floor = (seconds: number, pods = 8): BaselineFacts => ({ kind: 'floor', seconds, pods });
const ok = { exitCode: 0, failed: [] };

function scale(over: Partial<ScaleReport> = {}): ScaleReport {
  return {
    pods: 100,
    attachmentsPerPod: 2,
    node: 'mc-node',
    subnet: '192.168.4.0/22',
    ranges: [],
    checked: 100,
    ipamErrors: { count: 0, samples: [] },
    otherNetworkErrors: { count: 0, samples: [] },
    stepsMs: { create: 0, ready: 0, check: 0 },
    ...over,
  };
}

describe('what each metric runs', () => {
  it('selects the 8-pod scenarios, the scale scenario alone, and the default sets', () => {
    expect(selectedIds(EIGHT_PODS)).toEqual([
      'in-pod/macvlan',
      'status/shape',
      'status/matches-live',
      'selection/comma-list',
      'selection/cross-namespace',
      'selection/ifname-suffix',
      'selection/json-form',
      'selection/same-network-twice',
    ]);
    expect(selectedIds({ scale: 32 })).toEqual(['scale/pods']);
    expect(selectedIds({ mode: 'non-disruptive' })).not.toContain('lifecycle/multus-restart');
    // The issue's non-disruptive set: neither negative/ nor lifecycle/; --mode non-disruptive keeps the negatives.
    const issueSet = selectedIds(metric('non-disruptive').selection);
    expect(issueSet.filter((id) => /^(negative|lifecycle)\//.test(id))).toEqual([]);
    expect(issueSet).toContain('ipam/whereabouts-exhausted');
    expect(selectedIds(metric('non-disruptive-mode').selection)).toContain('negative/long-ifname');
    expect(cliArgs(metric('non-disruptive').selection)).toEqual(['--mode', 'non-disruptive', '-t', '!^negative/']);
    expect(selectedIds({})).toContain('lifecycle/multus-restart');
    expect(selectedIds({})).not.toContain('scale/pods');
    expect(cliArgs({ scale: 100 })).toEqual(['--scale', '100']);
    expect(cliArgs({ mode: 'non-disruptive' })).toEqual(['--mode', 'non-disruptive']);
  });

  it('expects exit 1 exactly where the expected table pins a failure', () => {
    // The policy finding is pinned only where the testbed has MultiNetworkPolicy (expected-local.ts).
    const pinned = ['negative/long-ifname', ...(TESTBED_HAS_MNP ? ['policy/pod-selector-namespace'] : [])];
    expect(expectedOutcome(selectedIds({}), EXPECTED_LOCAL)).toEqual({ exitCode: 1, failed: pinned });
    expect(expectedOutcome(selectedIds({ mode: 'non-disruptive' }), EXPECTED_LOCAL)).toEqual({ exitCode: 1, failed: pinned });
    expect(expectedOutcome(selectedIds(EIGHT_PODS), EXPECTED_LOCAL)).toEqual(ok);
    const policyPin = TESTBED_HAS_MNP ? ['policy/pod-selector-namespace'] : [];
    expect(expectedOutcome(selectedIds(metric('non-disruptive').selection), EXPECTED_LOCAL)).toEqual({ exitCode: policyPin.length ? 1 : 0, failed: policyPin });
    expect(expectedOutcome(selectedIds({ scale: 100 }), EXPECTED_LOCAL)).toEqual(ok);
  });

  it('captures the widest default selection once, and nothing wider than a partial bench needs', () => {
    expect(captureSelection(METRICS)).toEqual({});
    expect(captureSelection([metric('selection-8'), metric('non-disruptive')])).toEqual({ mode: 'non-disruptive' });
    expect(captureSelection([metric('non-disruptive-mode')])).toEqual({ mode: 'non-disruptive' });
    expect(captureSelection([metric('selection-8'), metric('scale-32')])).toEqual(EIGHT_PODS);
  });
});

describe('figures', () => {
  it('computes the speed-up over the serial script and compares it with the target', () => {
    const suite: SuiteFacts = { seconds: 8, exitCode: 0, failed: [] };
    const [speedup, info] = figuresOf(metric('selection-8'), suite, ok, serial(20), floor(4));
    expect(speedup).toMatchObject({ name: 'faster than serial kubectl', value: 2.5, met: true });
    expect(info).toMatchObject({ name: 'suite / floor', value: 2, info: true });
    expect(formatFigure(speedup!)).toBe('faster than serial kubectl 2.5× (target ≥ 2×: met)');
    expect(figuresOf(metric('scale-32'), suite, ok, serial(20, 32))[0]).toMatchObject({ value: 2.5, met: false });
  });

  it("shows beside it the speed-up without the serial script's wait for its namespaces to be gone", () => {
    const suite: SuiteFacts = { seconds: 8, exitCode: 0, failed: [] };
    const [speedup, noWait, info] = figuresOf(metric('selection-8'), suite, ok, { ...serial(20), namespaceWaitSeconds: 6 }, floor(4));
    expect(speedup).toMatchObject({ name: 'faster than serial kubectl', value: 2.5, met: true });
    expect(noWait).toMatchObject({ name: 'faster than serial kubectl without its namespace wait', value: 1.75, info: true });
    expect(noWait).not.toHaveProperty('met');
    expect(info).toMatchObject({ name: 'suite / floor' });
    const crashed = figuresOf(metric('scale-32'), { seconds: 3, exitCode: 2, failed: [] }, ok, { ...serial(20, 32), namespaceWaitSeconds: 6 });
    expect(crashed.map((f) => f.refused)).toEqual(['the suite exited 2, the expected table says 0', 'the suite exited 2, the expected table says 0']);
  });

  it('refuses a ratio when the suite exited otherwise than the expected table says', () => {
    const crashed: SuiteFacts = { seconds: 3, exitCode: 2, failed: [] };
    const [f] = figuresOf(metric('selection-8'), crashed, ok, serial(20));
    expect(f!.value).toBeUndefined();
    expect(f!.refused).toBe('the suite exited 2, the expected table says 0');
    expect(formatFigure(f!)).toBe('refused: the suite exited 2, the expected table says 0');
  });

  it('refuses a ratio when other scenarios failed than the pinned ones, even with the expected exit code', () => {
    const expected = { exitCode: 1, failed: ['negative/long-ifname'] };
    const [f] = figuresOf(metric('full'), { seconds: 60, exitCode: 1, failed: ['traffic/same-node'] }, expected, floor(10, 20));
    expect(f!.refused).toBe('failed traffic/same-node, the expected table pins negative/long-ifname');
    const [g] = figuresOf(metric('full'), { seconds: 60, exitCode: 1, failed: ['negative/long-ifname'] }, expected, floor(15, 20));
    expect(g).toMatchObject({ value: 4, met: true });
  });

  it('refuses a ratio against a baseline that failed', () => {
    const [f] = figuresOf(metric('non-disruptive'), { seconds: 30, exitCode: 1, failed: ['negative/long-ifname'] }, { exitCode: 1, failed: ['negative/long-ifname'] }, { ...floor(0), error: 'pod x: timed out' });
    expect(f!.refused).toBe('the floor failed: pod x: timed out');
  });

  it('--mode non-disruptive (negatives included) is information, with no target', () => {
    const expected = { exitCode: 1, failed: ['negative/long-ifname'] };
    const [f] = figuresOf(metric('non-disruptive-mode'), { seconds: 40, exitCode: 1, failed: ['negative/long-ifname'] }, expected, floor(10, 46));
    expect(f).toEqual({ name: 'suite / floor', unit: 'ratio', target: '(information)', value: 4, info: true });
  });

  it('fixed overhead is the whole process against 5 s', () => {
    expect(figuresOf(metric('fixed-overhead'), { seconds: 11.6, exitCode: 0, failed: [] }, ok)).toEqual([
      { name: 'whole process', unit: 's', target: '≤ 5 s', value: 11.6, met: false },
    ]);
  });

  it('scale-100: complete only with every pod checked and no network error; ratio and per-pod overhead', () => {
    const suite: SuiteFacts = { seconds: 45, exitCode: 0, failed: [], scale: scale() };
    const [complete, ratio, perPod] = figuresOf(metric('scale-100'), suite, ok, floor(35, 100));
    expect(complete).toMatchObject({ value: 1, met: true });
    expect(ratio).toMatchObject({ value: 1.29, met: true });
    expect(perPod).toMatchObject({ value: 0.1, met: true });
    const withErrors = { ...suite, scale: scale({ ipamErrors: { count: 2, samples: [] } }) };
    expect(figuresOf(metric('scale-100'), withErrors, ok, floor(35, 100))[0]).toMatchObject({ value: 0, met: false });
    const unchecked = { ...suite, scale: scale({ checked: 99 }) };
    expect(figuresOf(metric('scale-100'), unchecked, ok, floor(35, 100))[0]).toMatchObject({ value: 0, met: false });
    expect(figuresOf(metric('scale-100'), suite, ok, floor(30, 100))[2]).toMatchObject({ value: 0.15, met: false });
  });
});
