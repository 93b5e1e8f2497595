import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { KIND_SCRIPTS_DIR } from '../../helpers/providers/kind-toolchain.ts';
import { type CliResult, failureDigest, reportDir } from './cli.ts';
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

// A multi-node kind cluster does not survive a restart of its docker daemon
// (this is how CI once met a cluster left by an earlier session): the next
// run must replace the cluster the suite created, say so, and pass.
describe('multus-conformance run --provider kind after a restart of the private dockerd', () => {
  let result: CliResult;

  beforeAll(async () => {
    await ensureE2eCluster();
    await execa('bash', [join(KIND_SCRIPTS_DIR, 'dockerd.sh'), 'stop']);
    result = await kindRun(E2E_CLUSTER, ['--mode', 'quick', '-t', '^health/nad-crd$', '--report-dir', reportDir('kind-restarted')]);
  }, 1_500_000);

  it('passes on the cluster: reused when its API server answers, else replaced with a note naming it', () => {
    expect(result.exitCode, failureDigest(result)).toBe(0);
    const replaced = result.stderr.split('\n').filter((l) => l.includes('does not answer'));
    for (const line of replaced) expect(line).toMatch(new RegExp(`kind cluster ${E2E_CLUSTER} \\(created by the suite\\) does not answer \\(.+\\): deleting it and creating it again`));
  });
});

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
    expect(result.exitCode, failureDigest(result)).toBe(0);
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
