import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_KEY, type RunReport } from '../../helpers/report/run-report.ts';
import { cli, readJunit, reportDir, type CliResult } from './cli.ts';

// Two real runs on the testbed, the second one narrower: everything that ran
// passed both times, yet the second run lost a case the first one checked.
// That is a regression for `run --baseline` and `compare`, never for the run
// on its own.
const run = (dir: string, tests: string[], extra: string[] = []): string[] => [
  'run', '--provider', 'local', '--mode', 'non-disruptive', '--report-dir', dir, ...tests.flatMap((t) => ['-t', t]), ...extra,
];
const WIDE = ['^health/nad-crd$', '^in-pod/macvlan$', '^selection/comma-list$'];
const NARROW = ['^health/nad-crd$', '^in-pod/macvlan$'];

function section(dir: string): RunReport {
  return (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, RunReport>)[REPORT_KEY]!;
}

describe('compare two real runs, and run --baseline', () => {
  const before = reportDir('cmp-before');
  const after = reportDir('cmp-after');
  let first: CliResult;
  let second: CliResult;

  beforeAll(async () => {
    first = await cli(run(before, WIDE));
    second = await cli(run(after, NARROW, ['--baseline', before]));
  }, 900_000);

  it('both runs passed on their own', () => {
    expect(first.exitCode, first.stdout.slice(-2000)).toBe(0);
    expect(section(after).counts).toEqual({ passed: 2, failed: 0, known: 0, skipped: 0 });
  });

  it('run --baseline: exit 1 for the case that is gone, printed as a table and reported as run/baseline', () => {
    expect(second.exitCode).toBe(1);
    expect(second.stdout).toContain(`Compared with the baseline ${join(before, 'report.json')}: 1 regression(s)`);
    expect(second.stdout).toContain('  Same Kubernetes, Multus, CNI plugins and NADs in both runs.');
    expect(second.stdout).toMatch(/^gone \(regression\) +selection\/comma-list +pass +— +\S+ → +ran before, not in this run$/m);
    expect(second.stdout).toMatch(/^2 case\(s\) unchanged\.$/m);
    expect(second.stderr).toContain(`multus-conformance: 1 regression(s) against the baseline ${join(before, 'report.json')}: selection/comma-list gone`);
    expect(readJunit(after)).toMatch(/<testcase classname="multus-conformance run" name="run\/baseline: no regression against the baseline \(--baseline\)"/);
    expect(section(after).comparison).toMatchObject({ regressions: 1, target: [] });
    expect(readFileSync(join(after, 'report.html'), 'utf8')).toContain('Compared with the baseline: 1 regression(s)');
  });

  it('compare BEFORE AFTER prints the table and exits 1; the other way round it is a new case and exits 0', async () => {
    const worse = await cli(['compare', before, after]);
    expect(worse.exitCode, worse.stderr).toBe(1);
    expect(worse.stdout).toMatch(/^CHANGE +SCENARIO +BEFORE +AFTER +DURATION +DETAIL$/m);
    expect(worse.stdout).toMatch(/^gone \(regression\) +selection\/comma-list +pass +—/m);
    const better = await cli(['compare', after, before]);
    expect(better.exitCode, better.stderr).toBe(0);
    expect(better.stdout).toMatch(/: no regression$/m);
    expect(better.stdout).toMatch(/^new +selection\/comma-list +— +pass/m);
  });

  it('a run compared with itself: nothing changed; --all lists every case; markdown and json formats', async () => {
    const same = await cli(['compare', before, join(before, 'report.json'), '--all']);
    expect(same.exitCode).toBe(0);
    expect(same.stdout).toMatch(/^unchanged +health\/nad-crd +pass +pass/m);
    expect(same.stdout).toMatch(/^unchanged +in-pod\/macvlan \[node=mc-node\] +pass +pass/m);
    const md = await cli(['compare', before, after, '--format', 'markdown']);
    expect(md.exitCode).toBe(1);
    expect(md.stdout).toContain('| **gone** (regression) | selection/comma-list | pass | — |');
    const json = await cli(['compare', before, after, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ regressions: 1, rows: [{ key: 'selection/comma-list', change: 'gone', regression: true }, {}, {}] });
  });
});
