import { join } from 'node:path';
import { execa } from 'execa';
import type { RunSettings } from '../config/settings.ts';
import { UsageError } from '../errors.ts';
import { TESTBED_DIR } from '../fixtures/paths.ts';
import type { ClusterHandle, Provider } from './types.ts';

/**
 * The embedded single-node testbed (scripts/testbed): built from Go modules
 * and Debian packages, started as plain processes. Its scripts print progress
 * on stderr, which is passed through so a long cold build shows it is alive.
 */
export const localProvider: Provider = {
  name: 'local',
  async ensureCluster(_settings: RunSettings): Promise<ClusterHandle> {
    if (process.getuid?.() !== 0) {
      throw new UsageError('provider local needs root (it creates links, mounts and iptables rules): rerun with sudo');
    }
    await script('build.sh');
    const { stdout } = await script('up.sh');
    const kubeconfig = stdout.trim().split('\n').pop() ?? '';
    if (!kubeconfig) throw new UsageError('testbed up.sh printed no kubeconfig path');
    // The testbed was made by the suite (now or by an earlier run): Multus may be installed there.
    return { kubeconfig, created: true };
  },
  async teardown(): Promise<void> {
    await script('down.sh');
  },
};

async function script(name: string): Promise<{ stdout: string }> {
  const result = await execa('bash', [join(TESTBED_DIR, name)], {
    stdin: 'ignore',
    // Shown live (progress) and kept, to lift the script's one-line error.
    stderr: ['inherit', 'pipe'],
    reject: false,
  });
  if (result.exitCode === 2) {
    const line = String(result.stderr).split('\n').reverse().find((l) => l.startsWith('testbed: '));
    throw new UsageError(line ?? `testbed ${name} refused to run`);
  }
  if (result.exitCode !== 0) throw new Error(`testbed ${name} failed with exit code ${result.exitCode}`);
  return { stdout: result.stdout };
}
