import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../../helpers/scenario/catalog.ts';
import { type CliResult, failureDigest, reportDir } from './cli.ts';
import { EXPECTED_KIND_THICK } from './expected-kind.ts';
import { clusterLeftovers, kindRun, kindTools } from './kind-shared.ts';
import { outcomeMismatches } from './outcomes.ts';

// The thick plugin on its own 3-node cluster (Multus cannot be switched on
// the shared one), run in full and deleted with --teardown.
describe('multus-conformance run --provider kind --multus-install thick --teardown', () => {
  const cluster = 'mc-e2e-thick';
  const dir = reportDir('kind-thick');
  let result: CliResult;

  beforeAll(async () => {
    result = await kindRun(cluster, ['--multus-install', 'thick', '--teardown', '--report-dir', dir]);
  }, 1_500_000);

  it('exits 1: only the pinned thick finding fails', () => {
    expect(result.stderr.split('\n').filter((l) => l.includes('the run could not complete'))).toEqual([]);
    expect(result.exitCode, failureDigest(result)).toBe(1);
    expect(result.stderr).toMatch(/Multus kube-system\/kube-multus-ds 3\/3 ready, 3 node\(s\)/);
  });

  it('covers every catalog scenario with the expected thick outcome', () => {
    expect(Object.keys(EXPECTED_KIND_THICK).sort()).toEqual(DEFAULT_CATALOG.map((d) => d.id).sort());
    expect(outcomeMismatches(dir, EXPECTED_KIND_THICK)).toEqual([]);
  });

  it('--teardown deleted the cluster: no container, kubelet or mount of it is left', async () => {
    expect(await clusterLeftovers(await kindTools(), cluster, [])).toEqual([]);
  });
});
