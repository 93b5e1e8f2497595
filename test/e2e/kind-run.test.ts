import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import * as k8s from '@kubernetes/client-node';
import { DEFAULT_CATALOG } from '../../helpers/scenario/catalog.ts';
import { kindKubeconfigPath } from '../../helpers/providers/kind.ts';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { type CliResult, failureDigest, newRunId, readJunit, reportDir, namespacesLeft } from './cli.ts';
import { EXPECTED_KIND_THIN } from './expected-kind.ts';
import { E2E_CLUSTER, kindDocker, kindRun, kindTools } from './kind-shared.ts';
import { junitCases, outcomeMismatches } from './outcomes.ts';

// A full conformance run on a 3-node kind cluster, as `run --provider kind`
// does it on this machine (offline toolchain), checked scenario by scenario.
describe('multus-conformance run --provider kind (full mode, thin Multus, 3 nodes)', () => {
  const dir = reportDir('kind-full');
  const runId = newRunId('e2k');
  let result: CliResult;

  beforeAll(async () => {
    result = await kindRun(E2E_CLUSTER, ['--report-dir', dir, '--run-id', runId]);
  }, 1_500_000);

  it('exits 1 with the pinned finding (0 on a run where it did not show), nothing errors', () => {
    expect(result.stderr.split('\n').filter((l) => l.includes('the run could not complete'))).toEqual([]);
    // 1 with the pinned finding; 0 when it did not show this time (expected-kind.ts says when), which
    // the outcome table below accepts only for that scenario.
    const failedCases = junitCases(dir).filter((c) => c.status === 'failed');
    expect(result.exitCode, failureDigest(result)).toBe(failedCases.length > 0 ? 1 : 0);
  });

  it('ran on 3 nodes through the offline toolchain', () => {
    expect(result.stderr).toMatch(/kind offline toolchain: /);
    expect(result.stderr).toMatch(/on kind \(v1\.34\.4\), Multus kube-system\/kube-multus-ds 3\/3 ready, 3 node\(s\)/);
  });

  it('covers every catalog scenario with the expected outcome', () => {
    expect(Object.keys(EXPECTED_KIND_THIN).sort()).toEqual(DEFAULT_CATALOG.map((d) => d.id).sort());
    expect(outcomeMismatches(dir, EXPECTED_KIND_THIN)).toEqual([]);
  });

  it('ran the macvlan scenario on every node, both workers included', () => {
    const junit = readJunit(dir);
    for (const node of ['control-plane', 'worker', 'worker2']) {
      expect(junit, node).toMatch(new RegExp(`name="in-pod/macvlan:[^"]*\\[node=${E2E_CLUSTER}-${node}\\]"`));
    }
  });

  it('leaves no namespace of the run and no peer container behind', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kindKubeconfigPath(RunSettingsSchema.parse({ provider: 'kind', kind: { clusterName: E2E_CLUSTER } })));
    expect(await namespacesLeft(kc.makeApiClient(k8s.CoreV1Api), runId)).toEqual([]);
    const tools = await kindTools();
    const names = (await kindDocker(tools, ['ps', '-a', '--format', '{{.Names}}'])).split('\n').filter((n) => n !== '');
    expect(names.filter((n) => !n.startsWith('mc-e2e'))).toEqual([]);
  });

  it('kept the host network untouched: no docker bridge but the guarded kind one', async () => {
    const links = (await execa('ip', ['-br', 'link'])).stdout;
    expect(links).not.toMatch(/^docker0\s/m);
    const forward = (await execa('iptables', ['-S', 'FORWARD'])).stdout;
    expect(forward).not.toMatch(/-P FORWARD DROP/);
    expect(forward).toMatch(/-A FORWARD -j MC-KIND-GUARD/);
  });
});
