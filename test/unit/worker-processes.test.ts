import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descendants, describeProcess, isForkWorker, parseProcStat } from '../../helpers/report/worker-processes.ts';

// Recorded on this project's machine: a vitest fork worker waiting in its event loop, and a command name with spaces and parentheses.
const WORKER_STAT =
  '27959 (node) S 16605 16605 14280 0 -1 4194560 10573 0 0 0 81 12 0 0 20 0 11 0 7881473 1263505408 41630 18446744073709551615 94183640248320 94183694426640 140721836380528 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0';
const ODD_NAME = '812 (a) b (c)) R 1 812 812 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 4242 3133440 390 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0';

describe('parseProcStat on recorded /proc/<pid>/stat lines', () => {
  it('reads pid, parent, state and start time', () => {
    expect(parseProcStat(WORKER_STAT)).toEqual({ pid: 27959, ppid: 16605, state: 'S', startTicks: 7881473 });
  });

  it('finds the fields after the last parenthesis of the command name', () => {
    expect(parseProcStat(ODD_NAME)).toEqual({ pid: 812, ppid: 1, state: 'R', startTicks: 4242 });
  });

  it('refuses what is not a stat line', () => {
    expect(() => parseProcStat('hello')).toThrow(/not a \/proc\/<pid>\/stat line: hello/);
  });
});

describe('descendants, isForkWorker, describeProcess', () => {
  it('lists a child and its child with state and command; a sleeping one waits in the kernel', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    let grandchild: number | undefined;
    try {
      await new Promise((r) => setTimeout(r, 300));
      const tree = descendants(process.pid);
      const sh = tree.find((p) => p.pid === child.pid);
      expect(sh, JSON.stringify(tree)).toMatchObject({ ppid: process.pid, command: 'sh -c sleep 30 & wait' });
      const sleep = tree.find((p) => p.ppid === child.pid);
      grandchild = sleep?.pid;
      expect(sleep).toMatchObject({ command: 'sleep 30', state: 'S' });
      expect(describeProcess(sleep!)).toMatch(new RegExp(`^pid ${sleep!.pid} \\(parent ${child.pid}\\) state S, waiting in \\S+, \\d+s old: sleep 30$`));
      expect(tree.some(isForkWorker)).toBe(false);
    } finally {
      if (grandchild !== undefined) process.kill(grandchild, 'SIGKILL');
      child.kill('SIGKILL');
    }
  });

  it('tells vitest fork workers by their entry point', () => {
    const p = { pid: 1, ppid: 0, state: 'S', wchan: 'ep_poll', ageS: 3, command: '/usr/bin/node --conditions node /repo/node_modules/vitest/dist/workers/forks.js' };
    expect(isForkWorker(p)).toBe(true);
    expect(isForkWorker({ ...p, command: '/usr/bin/node /repo/node_modules/vitest/dist/workers/threads.js' })).toBe(false);
  });
});
