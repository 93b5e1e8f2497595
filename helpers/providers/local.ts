import { join } from 'node:path';
import { execa } from 'execa';
import type { RunSettings } from '../config/settings.ts';
import { ClusterAccessError, UsageError } from '../errors.ts';
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
    await runTestbedScript('build.sh');
    const { stdout } = await runTestbedScript('up.sh');
    const kubeconfig = stdout.trim().split('\n').pop() ?? '';
    if (!kubeconfig) throw new ClusterAccessError(`testbed up.sh printed no kubeconfig path (logs: ${testbedLogDir()})`);
    // The testbed was made by the suite (now or by an earlier run): Multus may be installed there.
    return { kubeconfig, created: true };
  },
  async teardown(): Promise<void> {
    await runTestbedScript('down.sh');
  },
};

/** The testbed's state directory (scripts/testbed/lib.sh: $STATE_DIR). */
export function testbedStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['MC_STATE_DIR'] ?? '/var/lib/multus-conformance';
}

/** Where up.sh writes each component's log (scripts/testbed/lib.sh: $STATE_DIR/logs). */
export function testbedLogDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(testbedStateDir(env), 'logs');
}

/**
 * Runs one testbed script. A testbed that cannot be built or brought up
 * means there is no cluster to run against: exit 2 through a
 * ClusterAccessError (a UsageError when the script refused its input, exit
 * 2 from its `die`), one line: the script's own `testbed: …` line, or its last
 * line, and for up.sh where the logs are.
 */
export async function runTestbedScript(name: string, opts: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string }> {
  const result = await execa('bash', [join(opts.dir ?? TESTBED_DIR, name)], {
    stdin: 'ignore',
    // Shown live (progress) and kept, to lift the script's one-line error.
    stderr: ['inherit', 'pipe'],
    reject: false,
    ...(opts.env ? { env: opts.env } : {}),
  });
  if (result.exitCode === 0) return { stdout: result.stdout };
  const lines = String(result.stderr).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const said = lines.reverse().find((l) => l.startsWith('testbed: ')) ?? lines[0];
  const logs = name === 'up.sh' && !/\blogs?\b/.test(said ?? '') ? `; logs: ${testbedLogDir(opts.env ?? process.env)}` : '';
  const how = result.exitCode === undefined ? `was killed (${result.signal ?? 'signal'})` : `failed with exit code ${result.exitCode}`;
  const message = said?.startsWith('testbed: ') ? `${said}${logs}` : `testbed ${name} ${how}${said ? `: ${said}` : ''}${logs}`;
  if (result.exitCode === 2 && name !== 'up.sh') throw new UsageError(message);
  throw new ClusterAccessError(message);
}
