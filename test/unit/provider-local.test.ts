import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ClusterAccessError } from '../../helpers/errors.ts';
import { runTestbedScript } from '../../helpers/providers/local.ts';

// Stand-in testbed scripts in a directory of their own (the real up.sh would
// act on the shared testbed): how their failures become the CLI's one line.
function scripts(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mc-testbed-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), `set -euo pipefail\n${body}\n`);
  return dir;
}

const env = { ...process.env, MC_STATE_DIR: '/var/lib/mc-elsewhere' };

describe('a failing testbed script is a cluster-access error (exit 2) naming the logs', () => {
  it.each<[string, string, RegExp]>([
    ['up.sh dies with its own line', `echo '[testbed] waiting' >&2\necho 'testbed: Multus DaemonSet did not become ready' >&2\nexit 2`, /^testbed: Multus DaemonSet did not become ready; logs: \/var\/lib\/mc-elsewhere\/logs$/],
    ['a die line that already names its log keeps it', `echo 'testbed: kube-apiserver did not become ready (log: /x/logs/kube-apiserver.log)' >&2\nexit 2`, /^testbed: kube-apiserver did not become ready \(log: \/x\/logs\/kube-apiserver.log\)$/],
    ['up.sh fails without a testbed line', `echo 'RTNETLINK answers: File exists' >&2\nexit 1`, /^testbed up\.sh failed with exit code 1: RTNETLINK answers: File exists; logs: \/var\/lib\/mc-elsewhere\/logs$/],
    ['up.sh killed', `kill -9 $$`, /^testbed up\.sh was killed \(SIGKILL\); logs: /],
  ])('%s', async (_what, body, message) => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = scripts({ 'up.sh': body });
    const err: unknown = await runTestbedScript('up.sh', { dir, env }).catch((e: unknown) => e);
    vi.restoreAllMocks();
    expect(err).toBeInstanceOf(ClusterAccessError);
    expect((err as Error).message).toMatch(message);
  });

  it('a script that succeeds hands over its stdout (the kubeconfig path)', async () => {
    const dir = scripts({ 'up.sh': `echo '[testbed] already up' >&2\necho /var/lib/multus-conformance/admin.conf` });
    expect(await runTestbedScript('up.sh', { dir, env })).toEqual({ stdout: '/var/lib/multus-conformance/admin.conf' });
  });
});
