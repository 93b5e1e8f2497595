import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureDigest, readReport, reportDir, type CliResult } from './cli.ts';
import { E2E_CLUSTER, ensureE2eCluster, kindDocker, kindRun, kindTools, type KindTools } from './kind-shared.ts';

// One worker's macvlan plugin made to differ (a byte appended: still a working
// ELF, so nothing else breaks). The multi-node health check must fail and name
// that node, and pass again once the binary is restored.
describe('health/plugin-binaries on kind: one worker with a different macvlan binary', () => {
  const node = `${E2E_CLUSTER}-worker`;
  const plugin = '/opt/cni/bin/macvlan';
  // Outside /opt/cni/bin, so the probe does not see an extra plugin.
  const saved = '/kind/macvlan.mc-e2e-saved';
  let tools: KindTools;

  beforeAll(async () => {
    await ensureE2eCluster();
    tools = await kindTools();
    await kindDocker(tools, ['exec', node, 'sh', '-c', `cp -p ${plugin} ${saved} && printf 'mc-e2e' >>${plugin}`]);
  }, 1_500_000);

  afterAll(async () => {
    // Nothing to restore when the cluster never came up.
    if (!tools) return;
    await kindDocker(tools, ['exec', node, 'sh', '-c', `if [ -f ${saved} ]; then mv ${saved} ${plugin}; fi`]);
  });

  it('fails, naming the changed node and the plugin', async () => {
    const dir = reportDir('kind-sabotage');
    const r = await kindRun(E2E_CLUSTER, ['-t', '^health/plugin-binaries$', '--report-dir', dir]);
    expect(r.exitCode, failureDigest(r)).toBe(1);
    const got = readReport(dir).get('health/plugin-binaries');
    expect(got?.status).toBe('failed');
    expect(got?.failure).toMatch(new RegExp(`\\(nodes ${node}\\).*/opt/cni/bin/macvlan identical on every node.*sha256 \\w+ on ${node}`, 's'));
    expect(got?.failure).not.toMatch(new RegExp(`nodes [^)]*${E2E_CLUSTER}-worker2`));
  });

  it('passes again once the binary is restored', async () => {
    await kindDocker(tools, ['exec', node, 'mv', saved, plugin]);
    const dir = reportDir('kind-restored');
    const r = await kindRun(E2E_CLUSTER, ['-t', '^health/plugin-binaries$', '--report-dir', dir]);
    expect(r.exitCode, failureDigest(r)).toBe(0);
    expect(readReport(dir).get('health/plugin-binaries')?.status).toBe('passed');
  });
});

// scale/pods runs only with --scale N: once on kind in CI (shares the cluster).
describe('multus-conformance run --provider kind --scale 20', () => {
  const dir = reportDir('kind-scale');
  let result: CliResult;

  beforeAll(async () => {
    await ensureE2eCluster();
    result = await kindRun(E2E_CLUSTER, ['--scale', '20', '--report-dir', dir]);
  }, 1_500_000);

  it('passes, every pod checked on one node of the 10.10.4.0/22 scale subnet', () => {
    expect(result.exitCode, failureDigest(result)).toBe(0);
    const got = readReport(dir).get('scale/pods');
    expect(got?.status).toBe('passed');
    expect(got?.meta?.scale?.checked).toBe(20);
    expect(got?.meta?.scale?.subnet).toBe('10.10.4.0/22');
    expect(got?.meta?.scale?.node).toMatch(new RegExp(`^${E2E_CLUSTER}-`));
  });
});
