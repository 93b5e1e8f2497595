import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../helpers/errors.ts';
import { compareRuns, type CompareSide } from '../../helpers/report/compare.ts';
import type { ScenarioResult, Verdict } from '../../helpers/report/results.ts';
import type { RunTarget } from '../../helpers/report/run-record.ts';
import { loadRunReport } from '../../helpers/report/run-report.ts';

const PAYLOADS = join(import.meta.dirname, '../payloads/report');

function c(id: string, verdict: Verdict, extra: Partial<ScenarioResult> = {}): ScenarioResult {
  return { id, title: 't', name: `${id}: t`, verdict, durationMs: 1000, ...(verdict === 'failed' ? { message: `pod x/${id}: boom` } : {}), ...extra };
}
const side = (...scenarios: ScenarioResult[]): CompareSide => ({ scenarios });

describe('compare: one case, before → after', () => {
  const cases: Array<[string, ScenarioResult | undefined, ScenarioResult | undefined, string, boolean]> = [
    ['pass → fail is a regression', c('a/x', 'passed'), c('a/x', 'failed'), 'pass→fail', true],
    ['pass → known failure is still a regression', c('a/x', 'passed'), c('a/x', 'known', { message: 'boom', known: { entry: 0, reason: 'r', pattern: 'b', matched: 'b' } }), 'pass→known', true],
    ['pass → skip: a capability lost', c('a/x', 'passed'), c('a/x', 'skipped', { skipReason: 'node kernel lacks ipvlan' }), 'pass→skip', true],
    ['passed before, gone now', c('a/x', 'passed'), undefined, 'gone', true],
    ['failed before, gone now: it ran, so its loss is a regression', c('a/x', 'failed'), undefined, 'gone', true],
    ['skipped before, gone now: nothing ran, nothing lost', c('a/x', 'skipped'), undefined, 'gone', false],
    ['fail → pass', c('a/x', 'failed'), c('a/x', 'passed'), 'fail→pass', false],
    ['skip → pass', c('a/x', 'skipped'), c('a/x', 'passed'), 'skip→pass', false],
    ['skip → fail: the run itself fails; not a regression against what was never checked', c('a/x', 'skipped'), c('a/x', 'failed'), 'skip→fail', false],
    ['fail → skip', c('a/x', 'failed'), c('a/x', 'skipped'), 'fail→skip', false],
    ['a new case', undefined, c('a/x', 'passed'), 'new', false],
    ['the skip reason changed', c('a/x', 'skipped', { skipReason: 'one' }), c('a/x', 'skipped', { skipReason: 'two' }), 'skip reason changed', false],
    ['much slower', c('a/x', 'passed', { durationMs: 2000 }), c('a/x', 'passed', { durationMs: 9000 }), 'duration', false],
    ['much faster', c('a/x', 'passed', { durationMs: 9000 }), c('a/x', 'passed', { durationMs: 2000 }), 'duration', false],
    ['slower by a factor, but by less than 2 s', c('a/x', 'passed', { durationMs: 100 }), c('a/x', 'passed', { durationMs: 1900 }), 'unchanged', false],
    ['2 s slower, but not by a factor 1.5', c('a/x', 'passed', { durationMs: 20_000 }), c('a/x', 'passed', { durationMs: 23_000 }), 'unchanged', false],
    ['the same', c('a/x', 'passed'), c('a/x', 'passed'), 'unchanged', false],
    ['failed both times', c('a/x', 'failed'), c('a/x', 'failed'), 'unchanged', false],
  ];
  it.each(cases)('%s', (_what, before, after, change, regression) => {
    const cmp = compareRuns(side(...(before ? [before] : [])), side(...(after ? [after] : [])));
    expect(cmp.rows).toHaveLength(1);
    expect(cmp.rows[0]).toMatchObject({ key: 'a/x', change, regression });
    expect(cmp.regressions).toBe(regression ? 1 : 0);
  });

  it('names what a reader acts on: the new failure, the skip reasons', () => {
    const failed = compareRuns(side(c('a/x', 'passed')), side(c('a/x', 'failed', { message: 'pod ns/p, interface net1: operstate: expected UP, got DOWN\nstack' })));
    expect(failed.rows[0]!.detail).toBe('pod ns/p, interface net1: operstate: expected UP, got DOWN');
    const skip = compareRuns(side(c('a/x', 'skipped', { skipReason: 'no SR-IOV' })), side(c('a/x', 'skipped', { skipReason: 'not a TKG cluster' })));
    expect(skip.rows[0]!.detail).toBe('no SR-IOV → not a TKG cluster');
  });

  it('keys per-node cases by node: one node lost is a regression, the other is not touched', () => {
    const before = side(c('in-pod/macvlan', 'passed', { node: 'w1' }), c('in-pod/macvlan', 'passed', { node: 'w2' }));
    const after = side(c('in-pod/macvlan', 'passed', { node: 'w1' }), c('in-pod/macvlan', 'skipped', { node: 'w2', skipReason: 'master ens5 is down' }));
    const cmp = compareRuns(before, after);
    expect(cmp.rows.map((r) => [r.key, r.change, r.regression])).toEqual([
      ['in-pod/macvlan [node=w2]', 'pass→skip', true],
      ['in-pod/macvlan [node=w1]', 'unchanged', false],
    ]);
  });

  it('a per-node case gone, with the scenario now one cluster-wide case, says so', () => {
    const cmp = compareRuns(side(c('in-pod/macvlan', 'passed', { node: 'w1' })), side(c('in-pod/macvlan', 'skipped', { skipReason: 'no master configured' })));
    const gone = cmp.rows.find((r) => r.change === 'gone')!;
    expect(gone).toMatchObject({ key: 'in-pod/macvlan [node=w1]', regression: true });
    expect(gone.detail).toBe('ran before, not in this run (now in-pod/macvlan: skip)');
  });

  it('orders regressions first, then other changes, then unchanged; a test file that failed to load is not compared', () => {
    const cmp = compareRuns(
      side(c('a/same', 'passed'), c('a/fixed', 'failed'), c('a/broke', 'passed')),
      side(c('a/same', 'passed'), c('a/fixed', 'passed'), c('a/broke', 'failed'), c('suites/x.test.ts', 'failed', { loadError: true })),
    );
    expect(cmp.rows.map((r) => r.key)).toEqual(['a/broke', 'a/fixed', 'a/same']);
  });
});

function target(over: Partial<RunTarget> = {}): RunTarget {
  return {
    kubernetesVersion: 'v1.34.4',
    multus: { daemonSet: 'kube-system/kube-multus-ds', image: 'multus:v4.2.3', flavor: 'thin', ready: 1, desired: 1 },
    nodes: [{ name: 'mc-node', cniBinaries: { macvlan: 'a'.repeat(64), tuning: 'b'.repeat(64) } }],
    nads: [{ scenario: 'selection/json-form', name: 'macvlan-static', configSha256: 'c'.repeat(64) }],
    ...over,
  };
}

describe('compare: what the runs ran against', () => {
  const ran = [c('selection/json-form', 'passed')];

  it('the same cluster: nothing to report', () => {
    expect(compareRuns({ scenarios: ran, target: target() }, { scenarios: ran, target: target() }).target).toEqual([]);
  });

  it('names every change: Kubernetes, Multus image and flavor, a plugin binary per node, a NAD config', () => {
    const after = target({
      kubernetesVersion: 'v1.35.0',
      multus: { daemonSet: 'kube-system/kube-multus-ds', image: 'multus:v4.3.0-thick', flavor: 'thick', ready: 1, desired: 1 },
      nodes: [{ name: 'mc-node', cniBinaries: { macvlan: 'a'.repeat(64), tuning: 'd'.repeat(64), whereabouts: 'e'.repeat(64) } }],
      nads: [{ scenario: 'selection/json-form', name: 'macvlan-static', configSha256: 'f'.repeat(64) }],
    });
    expect(compareRuns({ scenarios: ran, target: target() }, { scenarios: ran, target: after }).target).toEqual([
      { subject: 'Kubernetes', before: 'v1.34.4', after: 'v1.35.0' },
      { subject: 'Multus image', before: 'multus:v4.2.3', after: 'multus:v4.3.0-thick' },
      { subject: 'Multus flavor', before: 'thin', after: 'thick' },
      { subject: 'node mc-node: /opt/cni/bin/tuning', before: 'sha256:bbbbbbbbbbbb', after: 'sha256:dddddddddddd' },
      { subject: 'node mc-node: /opt/cni/bin/whereabouts', before: 'none', after: 'sha256:eeeeeeeeeeee' },
      { subject: 'NAD macvlan-static (selection/json-form)', before: 'config sha256:cccccccccccc', after: 'config sha256:ffffffffffff' },
    ]);
  });

  it('a node added; a node whose probe did not run says nothing about its binaries', () => {
    const after = target({ nodes: [{ name: 'mc-node', probeError: 'probe pod failed' }, { name: 'w2', cniBinaries: {} }] });
    expect(compareRuns({ scenarios: ran, target: target() }, { scenarios: ran, target: after }).target).toEqual([{ subject: 'node w2', before: 'none', after: 'present' }]);
  });

  it('a NAD of a scenario that did not run in one of the runs is not a change', () => {
    const before = { scenarios: [c('selection/json-form', 'skipped')], target: target() };
    expect(compareRuns(before, { scenarios: ran, target: target({ nads: [] }) }).target).toEqual([]);
  });

  it('says when a side did not record what it ran against', () => {
    const cmp = compareRuns({ scenarios: ran }, { scenarios: ran, target: target() });
    expect(cmp.target).toEqual([]);
    expect(cmp.targetNote).toMatch(/^the baseline did not record what it ran against/);
  });
});

describe('reading reports for compare', () => {
  it('reads an older vitest JSON report (recorded on the testbed): verdicts and durations by case, run problems left out', () => {
    const r = loadRunReport(join(PAYLOADS, 'run-long-ifname-failed.report.json'), 'compare: BEFORE');
    expect(r.complete).toBe(false);
    expect(r.scenarios.map((s) => [s.id, s.node, s.verdict])).toEqual([
      ['health/nad-crd', undefined, 'passed'],
      ['in-pod/ipvlan', 'mc-node', 'skipped'],
      ['negative/long-ifname', undefined, 'failed'],
      ['selection/json-form', undefined, 'passed'],
    ]);
    expect(r.scenarios[2]!.message).toMatch(/^ConformanceFailure: pod mc-00fe88f5-negative-long-ifname\/negative: delete after a failed attachment/);
  });

  it('reads a report directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-cmp-'));
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ testResults: [] }));
    expect(loadRunReport(dir, 'compare: AFTER').path).toBe(join(dir, 'report.json'));
  });

  const bad: Array<[string, (dir: string) => string, RegExp]> = [
    ['a path that does not exist', (d) => join(d, 'nope'), /^compare: BEFORE .*nope: no such file or directory$/],
    ['a directory without report.json', (d) => d, /^compare: BEFORE .*report\.json: no report\.json in that directory$/],
    ['a file that is not JSON', (d) => file(d, 'junit.xml', '<testsuites/>'), /^compare: BEFORE .*junit\.xml: not JSON: /],
    ['JSON that is not a report', (d) => file(d, 'x.json', '{"a": 1}'), /not a multus-conformance or vitest JSON report \(no testResults\)$/],
    ['a report section with a wrong verdict', (d) => file(d, 'r.json', JSON.stringify({ multusConformance: { schema: 1, scenarios: [{ id: 'a/b', title: '', name: 'a/b', verdict: 'green', durationMs: 1 }] } })), /not a multus-conformance report: multusConformance\.scenarios\.0\.verdict: /],
  ];
  it.each(bad)('refuses %s: one UsageError line naming the side and the file', (_what, make, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-cmp-'));
    let caught: unknown;
    try {
      loadRunReport(make(dir), 'compare: BEFORE');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(message);
  });
});

function file(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
