import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/multus-conformance.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('node', [BIN, ...args], { reject: false, cwd: tmpdir(), env: { NO_COLOR: '1' } });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// Bad audit flags are rejected before any cluster is contacted (the kubeconfig does not exist).
describe.concurrent('audit: bad flags exit 2 with one line', () => {
  it.each<[string, string[], RegExp]>([
    ['a run id that cannot name a namespace', ['--run-id', 'Nope!'], /^multus-conformance: --run-id: "Nope!" is not a run id$/],
    ['a probe timeout that is not a duration', ['--probe-timeout', '5x'], /invalid duration "5x"/],
    ['an output format it does not have', ['-o', 'xml'], /argument 'xml' is invalid/],
  ])('%s', async (_what, args, message) => {
    const r = await cli('audit', '--kubeconfig', '/nonexistent/kubeconfig', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
