import { mkdtempSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { INTERFACES_AND_ROUTES, ROUTES_MARK } from '../../helpers/scenario/attached-pod.ts';
import { parseIpJsonAddr, parseIpJsonRoute } from '../../helpers/parse/ip-output.ts';

// The testbed's test image: busybox's sh and applets, iproute2's ip on PATH
// (scripts/testbed/images.sh). busybox-static comes from scripts/setup.
const BUSYBOX = '/bin/busybox';
const dir = mkdtempSync(join(tmpdir(), 'mc-ip-cmd-'));
const applets = join(dir, 'bin');
mkdirSync(applets);
symlinkSync(BUSYBOX, join(applets, 'ip')); // busybox's own ip, first on PATH: it knows no -j
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inBusyboxSh = (path: string) => execa(BUSYBOX, ['sh', '-c', INTERFACES_AND_ROUTES], { env: { PATH: path }, extendEnv: false, reject: false });

describe('the one exec that reads a pod’s interfaces and routes', () => {
  it('finds iproute2’s ip past busybox’s, under busybox sh, and gives both parts', async () => {
    const r = await inBusyboxSh(`${applets}:/usr/sbin:/usr/bin:/sbin:/bin`);
    expect(r.exitCode, r.stderr).toBe(0);
    const [addr, routes] = r.stdout.split(`\n${ROUTES_MARK}\n`);
    expect(parseIpJsonAddr(addr!).map((l) => l.name)).toContain('lo');
    expect(Array.isArray(parseIpJsonRoute(routes!))).toBe(true);
  });

  it('plain `ip` under busybox sh runs the applet, whatever PATH says (why the command searches PATH)', async () => {
    const r = await execa(BUSYBOX, ['sh', '-c', 'ip -j -d addr show'], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, extendEnv: false, reject: false });
    expect(r.exitCode).not.toBe(0);
  });

  it('exits 127 when no ip on PATH understands -j (the caller falls back to busybox’s text form)', async () => {
    const r = await inBusyboxSh(applets);
    expect(r.exitCode).toBe(127);
    expect(r.stdout).toBe('');
  });
});
