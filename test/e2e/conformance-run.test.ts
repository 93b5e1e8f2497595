import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CATALOG } from '../../helpers/scenario/catalog.ts';
import { cli, kubeClient, newRunId, readJunit, readReport, reportDir, runNamespaces, type CliResult } from './cli.ts';
import { EXPECTED_LOCAL } from './expected-local.ts';

// One full conformance run on the testbed, exactly as the README's first
// command does it; every scenario's outcome is then checked against the table.
describe('multus-conformance run --provider local (full mode)', () => {
  const dir = reportDir('full');
  const runId = newRunId('e2e');
  let result: CliResult;

  beforeAll(async () => {
    result = await cli(['run', '--provider', 'local', '--report-dir', dir, '--run-id', runId]);
  }, 900_000);

  it('exits 1: one scenario fails (the pinned upstream finding), none errors', () => {
    expect(result.stderr).not.toMatch(/the run could not complete/);
    expect(result.exitCode, result.stderr.slice(-2000)).toBe(1);
  });

  it('covers every catalog scenario exactly once, with the expected outcome', () => {
    const report = readReport(dir);
    expect(Object.keys(EXPECTED_LOCAL).sort()).toEqual(CATALOG.map((d) => d.id).sort());
    const wrong: string[] = [];
    for (const [id, want] of Object.entries(EXPECTED_LOCAL)) {
      const got = report.get(id);
      if (!got) {
        wrong.push(`${id}: missing from the report`);
        continue;
      }
      if (got.status !== want.status) wrong.push(`${id}: expected ${want.status}, got ${got.status} ${got.failure.split('\n')[0] ?? ''}`);
      else if (want.status === 'failed' && !want.message.test(got.failure)) wrong.push(`${id}: failure message ${JSON.stringify(got.failure.slice(0, 300))} does not match ${want.message}`);
    }
    expect(wrong).toEqual([]);
  });

  it('writes JUnit with each skip reason and each failure message', () => {
    const junit = readJunit(dir);
    for (const [id, want] of Object.entries(EXPECTED_LOCAL)) {
      const testcase = new RegExp(`<testcase [^>]*name="${id.replace('/', '\\/')}:[^"]*"[^>]*>([\\s\\S]*?)</testcase>`).exec(junit);
      expect(testcase, `testcase ${id} in JUnit`).not.toBeNull();
      const body = testcase![1]!;
      if (want.status === 'skipped') {
        const message = /<skipped message="([^"]*)"/.exec(body)?.[1] ?? '';
        expect(message.replaceAll('&apos;', "'").replaceAll('&quot;', '"'), id).toMatch(want.reason);
      } else if (want.status === 'failed') {
        expect(body, id).toMatch(/<failure message="[^"]*interface name is too long/);
      } else {
        expect(body, id).not.toMatch(/<failure|<skipped/);
      }
    }
  });

  it('leaves no namespace of the run behind', async () => {
    const { core } = kubeClient(inject('testbedKubeconfig'));
    expect(await runNamespaces(core, runId)).toEqual([]);
  });
});
