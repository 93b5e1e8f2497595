import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

// scripts/kind/capfilter-runc, the private dockerd's runtime: it must drop
// CAP_SYS_RESOURCE from the spec runc gets (create and exec), change nothing
// else, and hand every argument to the real runc unchanged.
const WRAPPER = fileURLToPath(new URL('../../scripts/kind/capfilter-runc', import.meta.url));
const ALL = ['CAP_CHOWN', 'CAP_NET_ADMIN', 'CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME'];

function setup(): { dir: string; fakeRunc: string; argsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mc-capfilter-'));
  const argsFile = join(dir, 'args');
  const fakeRunc = join(dir, 'runc');
  writeFileSync(fakeRunc, `#!/bin/sh\nprintf '%s\\n' "$@" >${argsFile}\n`, { mode: 0o755 });
  return { dir, fakeRunc, argsFile };
}

const caps = { bounding: ALL, effective: ALL, inheritable: ALL, permitted: ALL };

async function wrap(fakeRunc: string, args: string[], cwd?: string): Promise<void> {
  await execa('sh', [WRAPPER, ...args], { env: { MC_CAPFILTER_RUNC: fakeRunc }, ...(cwd ? { cwd } : {}) });
}

describe('capfilter-runc', () => {
  it('create: removes CAP_SYS_RESOURCE from every set of the bundle config, keeps the rest, passes the args on', async () => {
    const { dir, fakeRunc, argsFile } = setup();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ociVersion: '1.0.2', process: { args: ['sleep'], capabilities: caps }, hostname: 'n' }));
    const args = ['--root', '/run/x', '--log', '/tmp/log.json', 'create', '--bundle', dir, '--pid-file', '/tmp/p', 'cid'];
    await wrap(fakeRunc, args);
    const spec = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { process: { args: string[]; capabilities: Record<string, string[]> }; hostname: string };
    for (const set of Object.values(spec.process.capabilities)) expect(set).toEqual(ALL.filter((c) => c !== 'CAP_SYS_RESOURCE'));
    expect(spec.process.args).toEqual(['sleep']);
    expect(spec.hostname).toBe('n');
    expect(readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual(args);
  });

  it('create without --bundle uses the working directory (runc default)', async () => {
    const { dir, fakeRunc } = setup();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ process: { capabilities: caps } }));
    await wrap(fakeRunc, ['create', 'cid'], dir);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).not.toMatch(/CAP_SYS_RESOURCE/);
  });

  it('exec: filters the --process file (docker exec --privileged)', async () => {
    const { dir, fakeRunc } = setup();
    const proc = join(dir, 'process.json');
    writeFileSync(proc, JSON.stringify({ args: ['sh'], capabilities: { ...caps, ambient: null } }));
    await wrap(fakeRunc, ['--root', '/run/x', 'exec', '--process', proc, '--detach', 'cid']);
    const p = JSON.parse(readFileSync(proc, 'utf8')) as { capabilities: Record<string, string[] | null> };
    expect(p.capabilities['effective']).toEqual(ALL.filter((c) => c !== 'CAP_SYS_RESOURCE'));
    expect(p.capabilities['ambient']).toBeNull();
  });

  it('leaves specs alone for other commands', async () => {
    const { dir, fakeRunc, argsFile } = setup();
    const before = JSON.stringify({ process: { capabilities: caps } });
    writeFileSync(join(dir, 'config.json'), before);
    await wrap(fakeRunc, ['start', 'cid'], dir);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
    expect(readFileSync(argsFile, 'utf8').trim()).toBe('start\ncid');
  });
});
