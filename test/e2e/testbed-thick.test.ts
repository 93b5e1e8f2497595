import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../../helpers/scenario/catalog.ts';
import { cli, newRunId, reportDir, type CliResult } from './cli.ts';
import { EXPECTED_LOCAL_THICK } from './expected-local.ts';
import { outcomeMismatches } from './outcomes.ts';

// The full conformance run on the testbed with the thick plugin. The testbed
// runs one flavor at a time: this file brings it up thick, runs, and leaves it
// thin again (as the e2e global setup made it) for the files after it.
const TESTBED = 'scripts/testbed';

async function testbed(script: 'down.sh' | 'up.sh', flavor?: 'thin' | 'thick'): Promise<void> {
  await execa('bash', [`${TESTBED}/${script}`], { env: flavor ? { MC_MULTUS_FLAVOR: flavor } : {}, stdin: 'ignore', stdout: 'ignore', stderr: 'inherit' });
}

describe('multus-conformance run --provider local, thick Multus (full mode)', () => {
  const dir = reportDir('thick');
  let result: CliResult;

  beforeAll(async () => {
    await testbed('down.sh');
    await testbed('up.sh', 'thick');
    result = await cli(['run', '--provider', 'local', '--report-dir', dir, '--run-id', newRunId('thk')]);
  }, 1_200_000);

  afterAll(async () => {
    await testbed('down.sh');
    await testbed('up.sh', 'thin');
  }, 300_000);

  it('ran against the thick DaemonSet', () => {
    expect(result.stderr).toMatch(/Multus kube-system\/kube-multus-ds 1\/1 ready/);
    expect(result.stderr).not.toMatch(/the run could not complete/);
  });

  it('exits 1: only the pinned thick finding fails (multus-cni#1527)', () => {
    expect(result.exitCode, result.stderr.slice(-2000)).toBe(1);
  });

  it('covers every catalog scenario with the expected thick outcome', () => {
    expect(Object.keys(EXPECTED_LOCAL_THICK).sort()).toEqual(DEFAULT_CATALOG.map((d) => d.id).sort());
    expect(outcomeMismatches(dir, EXPECTED_LOCAL_THICK)).toEqual([]);
  });
});
