import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../../helpers/scenario/catalog.ts';
import { cli, type CliResult, failureDigest, newRunId, reportDir } from './cli.ts';
import { EXPECTED_LOCAL_THICK } from './expected-local.ts';
import { outcomeMismatches } from './outcomes.ts';

// The full conformance run on the testbed with the thick plugin. The testbed
// runs one flavor at a time: this file brings it up thick, runs, and leaves it
// thin again (as the e2e global setup made it) for the files after it.
const TESTBED = 'scripts/testbed';

async function testbed(script: 'down.sh' | 'up.sh', flavor?: 'thin' | 'thick'): Promise<void> {
  await execa('bash', [`${TESTBED}/${script}`], { env: flavor ? { MC_MULTUS_FLAVOR: flavor } : {}, stdin: 'ignore', stdout: 'ignore', stderr: 'inherit' });
}

// The scenarios where thin and thick differ, run on thin first: `compare`
// then shows what the switch changed, in the cluster and in the outcomes.
const DIFFER = ['^lifecycle/pod-during-restart$', '^negative/long-ifname$', '^health/multus-daemonset$'];

describe('multus-conformance run --provider local, thick Multus (full mode)', () => {
  const dir = reportDir('thick');
  const thinDir = reportDir('thin-before-thick');
  let result: CliResult;
  let thin: CliResult;

  beforeAll(async () => {
    thin = await cli(['run', '--provider', 'local', '--report-dir', thinDir, ...DIFFER.flatMap((t) => ['-t', t])]);
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
    expect(result.stderr.split('\n').filter((l) => l.includes('the run could not complete'))).toEqual([]);
  });

  it('exits 1: only the pinned thick finding fails (multus-cni#1527)', () => {
    expect(result.exitCode, failureDigest(result)).toBe(1);
  });

  it('compare of the thin run and the thick one shows the flavor switch and what it changed', async () => {
    expect(thin.exitCode, thin.stdout.slice(-1500)).toBe(1); // the thin finding: negative/long-ifname
    const r = await cli(['compare', thinDir, dir]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^ {4}Multus flavor: thin → thick$/m);
    expect(r.stdout).toMatch(/^pass→fail \(regression\) +lifecycle\/pod-during-restart +pass +fail\b/m);
    expect(r.stdout).toMatch(/^fail→pass +negative\/long-ifname +fail +pass\b/m);
    // Scenarios the thin run left out are new, not regressions.
    expect(r.stdout).toMatch(/^new +in-pod\/macvlan/m);
  }, 120_000);

  it('covers every catalog scenario with the expected thick outcome', () => {
    expect(Object.keys(EXPECTED_LOCAL_THICK).sort()).toEqual(DEFAULT_CATALOG.map((d) => d.id).sort());
    expect(outcomeMismatches(dir, EXPECTED_LOCAL_THICK)).toEqual([]);
  });
});
