import { beforeAll, describe, expect, it } from 'vitest';
import { reportDir, type CliResult } from './cli.ts';
import {
  clusterContainers,
  clusterLeftovers,
  E2E_CLUSTER,
  ensureE2eCluster,
  kindDocker,
  kindRun,
  kindTools,
  privateDockerdLeftovers,
  privateDockerdUp,
  type KindTools,
} from './kind-shared.ts';

// `run --teardown` on the shared cluster: afterwards nothing of it is left on
// this machine, and once no container is left on the project's private
// dockerd, the daemon, its bridge, guard chain and mounts are gone as well.
describe('multus-conformance run --provider kind --teardown', () => {
  let tools: KindTools;
  let ids: string[];
  let others: string[];
  let result: CliResult;

  beforeAll(async () => {
    await ensureE2eCluster();
    tools = await kindTools();
    ids = await clusterContainers(tools, E2E_CLUSTER);
    const all = (await kindDocker(tools, ['ps', '-aq', '--no-trunc'])).split('\n').filter((l) => l !== '');
    others = all.filter((id) => !ids.includes(id));
    result = await kindRun(E2E_CLUSTER, ['--mode', 'quick', '-t', '^health/nad-crd$', '--teardown', '--report-dir', reportDir('kind-teardown')]);
  }, 1_500_000);

  it('the run passes and deletes the cluster', () => {
    expect(ids.length).toBe(3);
    expect(result.exitCode, result.stderr.slice(-1500)).toBe(0);
  });

  it('leaves no container, process or mount of the cluster', async () => {
    expect(await clusterLeftovers(tools, E2E_CLUSTER, ids)).toEqual([]);
  });

  it('stops the private dockerd when no other container is on it, and leaves nothing of it', async () => {
    if (others.length > 0) {
      // Someone else's containers are on it: it must stay up for them.
      expect(await privateDockerdUp(tools)).toBe(true);
      return;
    }
    expect(await privateDockerdUp(tools)).toBe(false);
    expect(await privateDockerdLeftovers(tools)).toEqual([]);
  });
});
