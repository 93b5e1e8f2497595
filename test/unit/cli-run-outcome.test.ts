import { describe, expect, it } from 'vitest';
import { decideRun, type RunFacts } from '../../cli/run-outcome.ts';

const base: RunFacts = { passed: 5, failed: 0, skipped: 2, moduleErrors: 0, lateErrors: [], interrupted: false, leftovers: [], failOnSkip: false, cleanupCommand: 'multus-conformance cleanup --run-id r1' };
const usageLate = { usage: true, message: 'list namespaces: HTTP 403', type: 'ClusterAccessError' };
const bugLate = { usage: false, message: 'TypeError: x is undefined', type: 'TypeError' };

describe('decideRun: the exit code of a run and the run-level problems reported', () => {
  const cases: Array<[string, Partial<RunFacts>, 0 | 1 | 2, string[]]> = [
    ['all passed, skips allowed', {}, 0, []],
    ['a scenario failed', { failed: 1 }, 1, []],
    ['a test file failed to load', { moduleErrors: 1 }, 1, []],
    ['Ctrl-C', { interrupted: true }, 1, []],
    ['a stalled test file, the rest passed', { stalls: ['stalled: test/unit/a.test.ts made no progress for 5m00s while loading (imports and collection)'] }, 1, ['run/stalled']],
    ['a stall that stopped the run early is not "nothing ran"', { passed: 0, skipped: 0, stalls: ['stalled: x'] }, 1, ['run/stalled']],
    ['a stall after a late usage-type error: 1, the stall first', { stalls: ['stalled: x'], lateErrors: [usageLate] }, 1, ['run/stalled', 'run/errors']],
    ['setup refused the input', { passed: 0, skipped: 0, setupError: { usage: true, message: 'bad context', type: 'UsageError' } }, 2, ['run/setup']],
    ['setup broke otherwise', { passed: 0, skipped: 0, setupError: { usage: false, message: 'boom', type: 'Error' } }, 1, ['run/setup']],
    ['the cluster was lost', { clusterLost: 'API server x has not answered for 30s' }, 2, ['run/cluster']],
    ['the cluster was lost, and scenarios failed on the way', { failed: 3, clusterLost: 'x' }, 2, ['run/cluster']],
    ['the cluster was lost during setup (one line, not two)', { passed: 0, skipped: 0, clusterLost: 'x', setupError: { usage: true, message: 'cluster lost: x', type: 'ClusterLost' } }, 2, ['run/cluster']],
    ['setup failed for its own reason, then the cluster was lost', { passed: 0, skipped: 0, clusterLost: 'x', setupError: { usage: false, message: 'boom', type: 'Error' } }, 2, ['run/cluster', 'run/setup']],
    ['leftovers after the sweep', { leftovers: ['namespace/a'] }, 1, ['run/cleanup']],
    ['a late usage-type error alone', { lateErrors: [usageLate] }, 2, ['run/errors']],
    ['a late usage-type error after a failed scenario: failures outrank it', { failed: 1, lateErrors: [usageLate] }, 1, ['run/errors']],
    ['a late usage-type error and leftovers', { leftovers: ['namespace/a'], lateErrors: [usageLate] }, 1, ['run/cleanup', 'run/errors']],
    ['an unexpected late error', { lateErrors: [bugLate] }, 1, ['run/errors']],
    ['the sweep failed to reach the cluster', { sweepError: 'connect ECONNREFUSED' }, 2, ['run/cleanup']],
    ['the sweep failed, after a failed scenario', { failed: 1, sweepError: 'connect ECONNREFUSED' }, 1, ['run/cleanup']],
    ['nothing ran: all skipped', { passed: 0, skipped: 9 }, 1, ['run/coverage']],
    ['nothing ran is not said on top of a lost cluster', { passed: 0, skipped: 9, clusterLost: 'x' }, 2, ['run/cluster']],
    ['--fail-on-skip with skips', { failOnSkip: true }, 1, ['run/coverage']],
    ['--fail-on-skip without skips', { failOnSkip: true, skipped: 0 }, 0, []],
    ['--min-passed not reached', { minPassed: 6 }, 1, ['run/coverage']],
    ['--min-passed reached', { minPassed: 5 }, 0, []],
    ['--min-passed 0 never fails a run that ran', { minPassed: 0 }, 0, []],
    ['every failure known: 0', { known: 2 }, 0, []],
    ['known failures and one unknown failure: 1', { known: 2, failed: 1 }, 1, []],
    ['only known failures ran: that is not "nothing ran"', { passed: 0, skipped: 3, known: 1 }, 0, []],
    ['--fail-on-skip does not count known failures as skips', { failOnSkip: true, skipped: 0, known: 1 }, 0, []],
    ['a regression against the baseline in a run that passed: 1', { baseline: { file: 'prev/report.json', regressions: ['a/x pass→fail'] } }, 1, ['run/baseline']],
    ['a baseline without regressions: 0', { baseline: { file: 'prev/report.json', regressions: [] } }, 0, []],
    ['a regression outranks a late usage error, like a failure', { baseline: { file: 'p', regressions: ['a/x gone'] }, lateErrors: [usageLate] }, 1, ['run/baseline', 'run/errors']],
  ];
  it.each(cases)('%s → %s', (_what, facts, code, problems) => {
    const v = decideRun({ ...base, ...facts });
    expect(v.code).toBe(code);
    expect(v.problems.map((p) => p.id)).toEqual(problems);
  });

  it('a regression names the baseline and the first cases in one line', () => {
    const regressions = ['a/1 pass→fail', 'a/2 gone', 'a/3 pass→skip', 'a/4 gone', 'a/5 gone', 'a/6 gone', 'a/7 gone'];
    expect(decideRun({ ...base, baseline: { file: 'prev/report.json', regressions } }).problems[0]?.message).toBe(
      '7 regression(s) against the baseline prev/report.json: a/1 pass→fail, a/2 gone, a/3 pass→skip, a/4 gone, a/5 gone and 2 more',
    );
  });

  it('a lost cluster names the cleanup command in its one line', () => {
    expect(decideRun({ ...base, clusterLost: 'API server https://10.0.0.1:6443 has not answered for 31s' }).problems[0]?.message).toBe(
      'lost the cluster: API server https://10.0.0.1:6443 has not answered for 31s; no scenario was started after that. When it is back: multus-conformance cleanup --run-id r1',
    );
  });
});
