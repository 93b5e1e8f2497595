import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classifyExec, execContainers } from '../../cli/audit/exec-read.ts';
import type { ExecResult } from '../../helpers/k8s/exec.ts';

const PAYLOADS = join(import.meta.dirname, '../payloads');
// The status the API server sent for `ip` in the pause-image pod on the testbed.
const NOT_FOUND = (JSON.parse(readFileSync(join(PAYLOADS, 'exec-status.ip-not-found.json'), 'utf8')) as { message: string }).message;

const result = (r: Partial<ExecResult>): { result: ExecResult } => ({ result: { stdout: '', stderr: '', exitCode: 1, ...r } });

describe('classifyExec: why exec gave no interfaces', () => {
  it.each<[string, { result: ExecResult } | { error: unknown }, string | undefined]>([
    ['exit 0', result({ exitCode: 0, stdout: '[]' }), undefined],
    // Recorded: the runtime's message arrives as the status message, exit status 1 (no ExitCode cause).
    ['the recorded "executable file not found" status', result({ message: NOT_FOUND }), 'no-ip'],
    ['a shell saying not found', result({ exitCode: 127, stderr: 'sh: ip: not found' }), 'no-ip'],
    ['exit 126', result({ exitCode: 126 }), 'no-ip'],
    // Recorded: a refused websocket upgrade as execInPod reports it.
    ['exec refused (403)', { error: new Error('exec in pod mc-h-audit-1/pause: Unexpected server response: 403') }, 'denied'],
    ['exec forbidden by name', { error: new Error('pods "x" is forbidden: User "u" cannot create resource "pods/exec"') }, 'denied'],
    ['no answer in time', { error: new Error('exec in pod a/b (ip -j -d addr show): no answer after 20000 ms') }, 'timed-out'],
    ['busybox ip without -j (usage, exit 1)', result({ stderr: 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: ip …' }), 'failed'],
    ['a socket that closed without a status', result({ exitCode: undefined }), 'failed'],
    ['any other error', { error: new Error('socket hang up') }, 'failed'],
  ])('%s', (_name, outcome, kind) => {
    expect(classifyExec(outcome)?.kind).toBe(kind);
  });

  it('says what happened, in one line', () => {
    expect(classifyExec(result({ exitCode: 2, stderr: 'Cannot open netlink socket: Operation not permitted\nmore' }))?.text).toBe(
      'exit 2: Cannot open netlink socket: Operation not permitted',
    );
    expect(classifyExec(result({ exitCode: undefined }))?.text).toBe('no exit status');
    expect(classifyExec({ error: new Error('exec in pod a/b: Unexpected server response: 403') })?.text).toBe(
      'exec denied (exec in pod a/b: Unexpected server response: 403)',
    );
  });
});

describe('execContainers', () => {
  const pod = (statuses?: k8s.V1ContainerStatus[]): k8s.V1Pod => ({
    spec: { containers: [{ name: 'app' }, { name: 'sidecar' }] },
    status: statuses ? { containerStatuses: statuses } : {},
  });
  const st = (name: string, state: k8s.V1ContainerState): k8s.V1ContainerStatus => ({ name, state, image: 'i', imageID: '', ready: true, restartCount: 0 });

  it('only running containers, in spec order', () => {
    expect(execContainers(pod([st('sidecar', { running: {} }), st('app', { waiting: { reason: 'CrashLoopBackOff' } })]))).toEqual(['sidecar']);
    expect(execContainers(pod([st('sidecar', { terminated: { exitCode: 0 } })]))).toEqual([]);
  });

  it('all of them when the status does not say', () => {
    expect(execContainers(pod())).toEqual(['app', 'sidecar']);
  });
});
