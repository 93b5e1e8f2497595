import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_CATALOG } from '../../helpers/scenario/catalog.ts';
import { cli, type CliResult, failureDigest, kubeClient, newRunId, reportDir, namespacesLeft } from './cli.ts';
import { outcomeMismatches } from './outcomes.ts';
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
    expect(result.stderr.split('\n').filter((l) => l.includes('the run could not complete'))).toEqual([]);
    expect(result.exitCode, failureDigest(result)).toBe(1);
  });

  it('covers every catalog scenario, every case with the expected outcome, skip reason and failure message', () => {
    expect(Object.keys(EXPECTED_LOCAL).sort()).toEqual(DEFAULT_CATALOG.map((d) => d.id).sort());
    expect(outcomeMismatches(dir, EXPECTED_LOCAL)).toEqual([]);
  });

  it('leaves no namespace of the run behind: the run says which are still terminating, and they go', async () => {
    // The last scenarios' namespaces are still there when the sweep ends: the
    // namespace controller starts on them 5 s after their delete (cli/sweep.ts).
    expect(result.stdout).toMatch(
      new RegExp(`^Cleanup: [1-9]\\d* namespace\\(s\\) of this run terminating, no pod left in them; the namespace controller removes them \\(multus-conformance cleanup --run-id ${runId} `, 'm'),
    );
    const { core } = kubeClient(inject('testbedKubeconfig'));
    expect(await namespacesLeft(core, runId)).toEqual([]);
  });
});
