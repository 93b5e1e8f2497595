import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConformanceFailure, UsageError } from '../../helpers/errors.ts';
import { entryStatuses, isExpired, loadKnownFailures, matchKnown, parseKnownFailures, type KnownFailures } from '../../helpers/report/known-failures.ts';
import { CATALOG } from '../../helpers/scenario/catalog.ts';

const IDS = new Set(CATALOG.map((d) => d.id));
const NOW = new Date('2026-11-30T12:00:00Z');

// The failure message the thin testbed really produces (test/payloads/report/run-long-ifname-failed.report.json).
const LONG_IFNAME_FAILURE =
  'pod mc-00fe88f5-negative-long-ifname/negative: delete after a failed attachment of averyveryverylongname0 (teardown, NPWG §7.2): ' +
  'expected pod gone within 15s, got still present, Terminating; last warning FailedKillPod: error killing pod: ... interface name is too long';

const LIST = `
- scenario: negative/long-ifname
  message: 'got still present, Terminating'
  reason: no upstream issue found
  expires: 2026-12-31
- scenario: lifecycle/pod-during-restart
  message: 'got Running with only'
  reason: https://github.com/k8snetworkplumbingwg/multus-cni/issues/1527
- scenario: negative/bad-mac
  message: 'expected the pod refused'
  reason: expired on purpose
  expires: 2026-11-29
`;

function list(text = LIST): KnownFailures {
  return parseKnownFailures(text, 'kf.yaml', IDS);
}

describe('known-failures file', () => {
  it('reads entries with their regex compiled and the expiry as a date', () => {
    const k = list();
    expect(k.entries.map((e) => [e.index, e.scenario, e.expires])).toEqual([
      [0, 'negative/long-ifname', '2026-12-31'],
      [1, 'lifecycle/pod-during-restart', undefined],
      [2, 'negative/bad-mac', '2026-11-29'],
    ]);
    expect(k.entries[0]!.pattern.test(LONG_IFNAME_FAILURE)).toBe(true);
  });

  it('an empty file accepts nothing', () => {
    expect(parseKnownFailures('', 'kf.yaml', IDS).entries).toEqual([]);
  });

  it('ships lists that load against the real catalog', () => {
    for (const f of ['testbed-thin.yaml', 'testbed-thick.yaml']) {
      const k = loadKnownFailures(join(import.meta.dirname, '../../fixtures/known-failures', f), IDS);
      expect(k.entries.length).toBeGreaterThan(0);
    }
    const thin = loadKnownFailures(join(import.meta.dirname, '../../fixtures/known-failures/testbed-thin.yaml'), IDS);
    expect(matchKnown(thin, 'negative/long-ifname', LONG_IFNAME_FAILURE, NOW)).toMatchObject({ known: { entry: 0 } });
    // The failure lifecycle/pod-during-restart throws (suites/lifecycle.test.ts) when a pod runs without net1 on thick.
    const thickFailure = new ConformanceFailure({
      pod: 'mc-1-lifecycle-pod-during-restart/during-1',
      iface: 'net1',
      check: 'pod created during a Multus restart',
      expected: 'net1 attached (or the pod not running)',
      actual: 'Running with only lo, eth0',
    }).message;
    const thick = loadKnownFailures(join(import.meta.dirname, '../../fixtures/known-failures/testbed-thick.yaml'), IDS);
    expect(matchKnown(thick, 'lifecycle/pod-during-restart', thickFailure, NOW)).toMatchObject({ known: { entry: 0 } });
    // The MultiNetworkPolicy finding, on both flavours: the message assertDropped throws (helpers/assert/policy.ts).
    const policyFailure = new ConformanceFailure({
      pod: 'mc-1-policy-pod-selector-namespace/target',
      iface: 'net1',
      check:
        'TCP port 8080 from mc-1-policy-pod-selector-namespace-other/foreign to mc-1-policy-pod-selector-namespace/target at 192.168.1.70 over net1, the podSelector peer selects pods of namespace mc-1-policy-pod-selector-namespace only, so it is denied by MultiNetworkPolicy mc-1-policy-pod-selector-namespace/allow-from-pod',
      expected: 'dropped',
      actual: 'passed: mc-policy-8080 (exit 0)',
    }).message;
    for (const list of [thin, thick]) expect(matchKnown(list, 'policy/pod-selector-namespace', policyFailure, NOW)).toMatchObject({ known: { entry: 1 } });
    // Its enforcement never coming is not the finding.
    expect(matchKnown(thin, 'policy/pod-selector-namespace', 'MultiNetworkPolicy x/allow-from-pod enforced within 60s: …: expected dropped (the policy enforced), got never dropped', NOW)).toMatchObject({
      misses: [{ why: 'message differs' }],
    });
    // Its other failures (a pod that never came up, a wrong address) are not accepted.
    expect(matchKnown(thick, 'lifecycle/pod-during-restart', 'pod mc-1/during-1: waiting for Ready: timed out after 120s', NOW)).toMatchObject({ misses: [{ why: 'message differs' }] });
  });

  const bad: Array<[string, string, RegExp]> = [
    ['not a list', 'scenario: negative/long-ifname', /^--known-failures kf\.yaml: must be a YAML list of entries/],
    ['invalid YAML', '- scenario: [unclosed', /^--known-failures kf\.yaml: invalid YAML: /],
    ['an unknown key', '- {scenario: negative/long-ifname, message: x, reason: r, until: 2027-01-01}', /entry 1 \(negative\/long-ifname\): until: unknown key/],
    ['no reason', '- {scenario: negative/long-ifname, message: x}', /entry 1 \(negative\/long-ifname\): reason: /],
    ['an empty reason', '- {scenario: negative/long-ifname, message: x, reason: "  "}', /entry 1 \(negative\/long-ifname\): reason: must say why/],
    ['a bad regex', '- {scenario: negative/long-ifname, message: "a(b", reason: r}', /entry 1 \(negative\/long-ifname\): message: not a valid regular expression: /],
    ['an empty regex', '- {scenario: negative/long-ifname, message: "", reason: r}', /message: must be a regular expression/],
    ['a date that does not exist', '- {scenario: negative/long-ifname, message: x, reason: r, expires: 2027-02-30}', /expires: must be a date YYYY-MM-DD, got "2027-02-30"/],
    ['a date in another format', '- {scenario: negative/long-ifname, message: x, reason: r, expires: 31.12.2027}', /expires: must be a date YYYY-MM-DD/],
    ['not a scenario id', '- {scenario: long-ifname, message: x, reason: r}', /entry 1 \(long-ifname\): scenario: must be a scenario id/],
    ['a scenario the suite does not have', '- {scenario: negative/long-ifnam, message: x, reason: r}', /entry 1: scenario negative\/long-ifnam does not exist/],
    ['the second entry', '- {scenario: negative/long-ifname, message: x, reason: r}\n- {scenario: negative/bad-mac, reason: r}', /entry 2 \(negative\/bad-mac\): message: /],
  ];
  it.each(bad)('refuses %s: one UsageError line naming the file and entry', (_what, text, message) => {
    let caught: unknown;
    try {
      parseKnownFailures(text, 'kf.yaml', IDS);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('refuses a file that is not there', () => {
    expect(() => loadKnownFailures(join(mkdtempSync(join(tmpdir(), 'mc-kf-')), 'none.yaml'))).toThrow(/--known-failures .*none\.yaml: file not found/);
  });

  it('reads a file from disk', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mc-kf-')), 'kf.yaml');
    writeFileSync(file, LIST);
    expect(loadKnownFailures(file, IDS).entries).toHaveLength(3);
  });
});

describe('matching a failure', () => {
  it('known: the scenario and the regex match, not expired; the matched text is kept', () => {
    expect(matchKnown(list(), 'negative/long-ifname', LONG_IFNAME_FAILURE, NOW)).toEqual({
      known: { entry: 0, reason: 'no upstream issue found', pattern: 'got still present, Terminating', matched: 'got still present, Terminating', expires: '2026-12-31' },
    });
  });

  it('a failure with another message is not known: it stays a failure, and says which entry did not match', () => {
    const v = matchKnown(list(), 'negative/long-ifname', 'pod a/b: waiting for Ready: timed out', NOW);
    expect(v).toEqual({ misses: [{ entry: 0, why: 'message differs', reason: 'no upstream issue found', pattern: 'got still present, Terminating', expires: '2026-12-31' }] });
  });

  it('the same message in another scenario is not known', () => {
    expect(matchKnown(list(), 'negative/duplicate-ifname', LONG_IFNAME_FAILURE, NOW)).toEqual({ misses: [] });
  });

  it('an expired entry does not accept its failure', () => {
    const v = matchKnown(list(), 'negative/bad-mac', 'pod x/y: expected the pod refused, got Running', NOW);
    expect(v).toMatchObject({ misses: [{ entry: 2, why: 'expired', expires: '2026-11-29' }] });
  });

  it('an entry counts through its expiry day (UTC) and not the day after', () => {
    const entry = { expires: '2026-12-31' };
    expect(isExpired(entry, new Date('2026-12-31T23:59:59Z'))).toBe(false);
    expect(isExpired(entry, new Date('2027-01-01T00:00:00Z'))).toBe(true);
    expect(isExpired({}, new Date('2999-01-01T00:00:00Z'))).toBe(false);
  });

  it('the first entry that accepts the failure wins, past an expired one', () => {
    const k = list(`
- {scenario: negative/long-ifname, message: Terminating, reason: old, expires: 2026-01-01}
- {scenario: negative/long-ifname, message: Terminating, reason: current}
- {scenario: negative/long-ifname, message: Terminating, reason: later}`);
    expect(matchKnown(k, 'negative/long-ifname', LONG_IFNAME_FAILURE, NOW)).toMatchObject({ known: { entry: 1, reason: 'current' } });
  });
});

describe('what became of each entry', () => {
  const k = list();
  const cases = [
    { id: 'negative/long-ifname', verdict: 'known' as const, known: { entry: 0 } },
    { id: 'lifecycle/pod-during-restart', verdict: 'passed' as const },
    { id: 'negative/bad-mac', verdict: 'failed' as const },
  ];

  it('matched, fixed (passed: prune it), expired', () => {
    expect(entryStatuses(k, cases, NOW).map((e) => [e.scenario, e.status])).toEqual([
      ['negative/long-ifname', 'matched'],
      ['lifecycle/pod-during-restart', 'fixed'],
      ['negative/bad-mac', 'expired'],
    ]);
  });

  it('unmatched when the scenario failed otherwise; not run when it did not run; a skip is not a fix', () => {
    const other = [
      { id: 'negative/long-ifname', verdict: 'failed' as const },
      { id: 'lifecycle/pod-during-restart', verdict: 'skipped' as const },
    ];
    expect(entryStatuses(k, other, NOW).map((e) => e.status)).toEqual(['unmatched', 'not run', 'expired']);
  });

  it('a per-node scenario that passed on one node and failed (known) on another is matched, not fixed', () => {
    const perNode = [
      { id: 'negative/long-ifname', verdict: 'passed' as const },
      { id: 'negative/long-ifname', verdict: 'known' as const, known: { entry: 0 } },
    ];
    expect(entryStatuses(k, perNode, NOW)[0]!.status).toBe('matched');
  });
});
