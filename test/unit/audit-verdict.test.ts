import { describe, expect, it } from 'vitest';
import type { PodAudit } from '../../cli/audit/audit-pod.ts';
import { auditExitCode, nothingComparedMessage, scenarioOutcome, summarize } from '../../cli/audit/verdict.ts';
import { ConformanceFailure } from '../../helpers/errors.ts';

const correctByExec: PodAudit = { pod: 'ns/a', verdict: 'correct', readBy: 'exec', findings: [], notes: [] };
const correctByProbe: PodAudit = { pod: 'ns/pause', verdict: 'correct', readBy: 'node-probe', findings: [], notes: [] };
const wrong: PodAudit = {
  pod: 'ns/bad',
  verdict: 'wrong',
  readBy: 'node-probe',
  findings: [{ pod: 'ns/bad', iface: 'net1', check: 'network-status ips match the interface', expected: '192.168.1.248 (network-status)', actual: '192.168.1.241 (inside the pod)' }],
  notes: [],
};
const pending: PodAudit = { pod: 'ns/pending', verdict: 'not-checked', findings: [], why: 'not running (phase Pending)', notes: [] };
const probeOff: PodAudit = { pod: 'ns/pause', verdict: 'not-checked', findings: [], why: 'no ip in container pause; reading from the node is off (--no-node-probe)', notes: [] };
const probeFailed: PodAudit = { pod: 'ns/pause', verdict: 'not-checked', findings: [], why: 'no ip in container pause; node probe on n failed: ErrImageNeverPull', readFailed: true, notes: [] };
const missingNad: PodAudit = {
  pod: 'ns/orphan',
  verdict: 'wrong',
  findings: [{ pod: 'ns/orphan', iface: 'net1', check: 'NetworkAttachmentDefinition the pod uses exists', expected: 'NAD ns/gone', actual: 'not found' }],
  why: 'no ip in container pause; reading from the node is off (--no-node-probe)',
  notes: [],
};

const CI = { failOnUnchecked: true };
const DEFAULT = { failOnUnchecked: false };

describe('summarize: one verdict per pod', () => {
  it('counts compared pods, and those read from the node', () => {
    expect(summarize([correctByExec, correctByProbe, wrong, pending])).toEqual({
      pods: 4,
      correct: 2,
      wrong: 1,
      notChecked: 1,
      compared: 3,
      viaNodeProbe: 2,
      readFailed: 0,
      findings: 1,
    });
  });
});

describe('auditExitCode', () => {
  it.each<[string, PodAudit[], { failOnUnchecked: boolean }, number]>([
    ['all correct', [correctByExec, correctByProbe], DEFAULT, 0],
    ['all correct, CI flag', [correctByExec, correctByProbe], CI, 0],
    ['a finding', [correctByExec, wrong], DEFAULT, 1],
    ['a missing NAD on a pod not compared', [missingNad], DEFAULT, 1],
    ['a pod the node probe failed to read', [correctByExec, probeFailed], DEFAULT, 1],
    ['a pending pod next to a compared one', [correctByExec, pending], DEFAULT, 0],
    ['a pending pod next to a compared one, CI flag', [correctByExec, pending], CI, 1],
    ['nothing compared (node probe off)', [probeOff], DEFAULT, 0],
    ['nothing compared (node probe off), CI flag', [probeOff], CI, 1],
    ['no pods at all', [], DEFAULT, 0],
    ['no pods at all, CI flag', [], CI, 1],
  ])('%s → %i', (_name, audits, opts, code) => {
    expect(auditExitCode(summarize(audits), opts)).toBe(code);
  });
});

describe('nothingComparedMessage', () => {
  it('is silent when a pod was compared', () => {
    expect(nothingComparedMessage([correctByProbe, pending], 'in namespace ns')).toBeUndefined();
  });

  it('says plainly that nothing was compared, and why, pod by pod', () => {
    expect(nothingComparedMessage([pending, probeOff], 'in namespace ns')).toBe(
      'Nothing was compared: none of the 2 pod(s) in namespace ns had its live interfaces read ' +
        '(ns/pending: not running (phase Pending); ns/pause: no ip in container pause; reading from the node is off (--no-node-probe)).',
    );
    expect(nothingComparedMessage([], 'in namespace ns')).toBe('Nothing was compared: no pod with network annotations in namespace ns.');
  });

  it('counts findings found without a live comparison, and shortens long lists', () => {
    const many = [missingNad, ...Array.from({ length: 5 }, (_, i) => ({ ...pending, pod: `ns/p${i}` }))];
    const m = nothingComparedMessage(many, 'in any namespace')!;
    expect(m).toContain('1 with findings from the annotations and NADs alone');
    expect(m).toContain('ns/p2: not running (phase Pending); and 2 more');
  });
});

describe('scenarioOutcome (audit/workload-pods)', () => {
  it('fails on a finding, naming pod, interface, expected and actual, with the count', () => {
    const o = scenarioOutcome([correctByExec, wrong], 'outside');
    expect(o.kind).toBe('fail');
    if (o.kind !== 'fail') return;
    expect(o.error).toBeInstanceOf(ConformanceFailure);
    expect(o.error.message).toBe(
      'pod ns/bad, interface net1: network-status ips match the interface (1 finding(s) across 1 of 2 pod(s); run `multus-conformance audit` for all): ' +
        'expected 192.168.1.248 (network-status), got 192.168.1.241 (inside the pod)',
    );
  });

  it('fails when the node probe failed, even if other pods were compared', () => {
    const o = scenarioOutcome([correctByExec, probeFailed], 'outside');
    expect(o.kind).toBe('fail');
    if (o.kind === 'fail') expect(o.error.message).toMatch(/^audit of pod ns\/pause failed \(1 pod\(s\) not read\): .*ErrImageNeverPull/);
  });

  it('skips with the reason when nothing was compared', () => {
    expect(scenarioOutcome([pending], 'outside the suite')).toEqual({
      kind: 'skip',
      reason: 'Nothing was compared: none of the 1 pod(s) outside the suite had its live interfaces read (ns/pending: not running (phase Pending)).',
    });
    expect(scenarioOutcome([], 'outside the suite')).toMatchObject({ kind: 'skip', reason: expect.stringContaining('no pod with network annotations') });
  });

  it('passes when something was compared and nothing was wrong, noting what was not checked', () => {
    expect(scenarioOutcome([correctByProbe, pending], 'outside')).toEqual({
      kind: 'pass',
      note: '1 pod(s) compared with their live interfaces (1 from the node); 1 not checked (ns/pending: not running (phase Pending))',
    });
  });
});
