import { beforeAll, describe, expect, inject, it } from 'vitest';
import { cli, failureDigest, kubeClient, newRunId, readJunit, readReport, reportDir, namespacesLeft, type CliResult } from './cli.ts';

// scale/pods is selected by --scale N only (no mode runs it): CI runs it once
// on the testbed here, and once on kind (kind-sabotage.test.ts).
describe('multus-conformance run --provider local --scale 30', () => {
  const dir = reportDir('scale');
  const runId = newRunId('e2s');
  let result: CliResult;

  beforeAll(async () => {
    result = await cli(['run', '--provider', 'local', '--scale', '30', '--report-dir', dir, '--run-id', runId]);
  }, 900_000);

  it('runs only scale/pods, and it passes', () => {
    expect(result.exitCode, failureDigest(result)).toBe(0);
    expect(readJunit(dir).match(/<testcase /g)?.length).toBe(1);
    expect(readReport(dir).get('scale/pods')?.status).toBe('passed');
  });

  it('checked every pod and reports its figures', () => {
    const scale = readReport(dir).get('scale/pods')?.meta?.scale;
    expect(scale?.pods).toBe(30);
    expect(scale?.checked).toBe(30);
    expect(scale?.ipamErrors.count).toBe(0);
    expect(scale?.readyLatency).toBeDefined();
    expect(readJunit(dir)).toMatch(/ready latency over 30 pods: p50 \d+s, p95 \d+s, p99 \d+s/);
  });

  it('leaves no namespace of the run behind', async () => {
    const { core } = kubeClient(inject('testbedKubeconfig'));
    expect(await namespacesLeft(core, runId)).toEqual([]);
  });
});
