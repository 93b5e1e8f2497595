import { describe, expect, it } from 'vitest';
import { ProbeLogError, formatLossWindow, lossWindows, parseProbeLog } from '../../helpers/upgrade/probe-log.ts';
import { payload } from './recorded.ts';

const POD = 'mc-upgrade-t-canaries/canary-a-x';

// A canary's /probe/log recorded on the testbed (test/payloads/README.md, "Upgrade canaries").
const recorded = payload('upgrade/canary-probe.log');

describe('parseProbeLog', () => {
  it('reads the recorded log: attempts to both targets, all answered, and the end line', () => {
    const log = parseProbeLog(recorded, POD);
    expect(log.attempts.length).toBeGreaterThan(10);
    expect(new Set(log.attempts.map((a) => a.target)).size).toBe(2);
    expect(log.attempts.every((a) => a.ok)).toBe(true);
    expect(log.endedAt).toBeGreaterThan(log.attempts[0]!.at);
  });

  it('drops a last line still being written', () => {
    const log = parseProbeLog('1764496000 192.168.1.101 1\n1764496001 192.168', POD);
    expect(log.attempts).toEqual([{ at: 1764496000, target: '192.168.1.101', ok: true }]);
  });

  it('fails on a garbled line, naming the pod and the line', () => {
    expect(() => parseProbeLog('1764496000 192.168.1.101 1\nPING 192.168.1.1: 56 data bytes\n', POD)).toThrow(ProbeLogError);
    expect(() => parseProbeLog('1764496000 192.168.1.101 1\nPING 192.168.1.1: 56 data bytes\n', POD)).toThrow(
      /probe log of pod mc-upgrade-t-canaries\/canary-a-x, line 2: expected .*got "PING 192\.168\.1\.1: 56 data bytes"/,
    );
  });

  it('fails on a verdict other than 0 or 1', () => {
    expect(() => parseProbeLog('1764496000 192.168.1.101 2\n', POD)).toThrow(/line 1/);
  });
});

describe('lossWindows', () => {
  const attempt = (at: number, ok: boolean, target = '192.168.1.101'): string => `${at} ${target} ${ok ? 1 : 0}`;
  const logOf = (lines: string[]): ReturnType<typeof parseProbeLog> => parseProbeLog(`${lines.join('\n')}\n`, POD);

  it('nothing lost in the recorded log', () => {
    for (const w of lossWindows(parseProbeLog(recorded, POD))) {
      expect(w.lost).toBe(0);
      expect(w.longestGapSeconds).toBe(0);
    }
  });

  it('the longest run of consecutive losses, not the total', () => {
    const t0 = 1764496000;
    const lines = [
      attempt(t0, true),
      attempt(t0 + 1, false),
      attempt(t0 + 2, true),
      attempt(t0 + 3, false),
      attempt(t0 + 5, false), // a lost attempt takes its 1 s timeout: rounds are not evenly spaced
      attempt(t0 + 7, false),
      attempt(t0 + 8, true),
    ];
    const [w] = lossWindows(logOf(lines));
    expect(w).toMatchObject({ target: '192.168.1.101', attempts: 7, lost: 4, longestGapSeconds: 5, longestGapFrom: t0 + 3, longestGapTo: t0 + 7, coveredSeconds: 8 });
    expect(formatLossWindow(w!)).toMatch(/^192\.168\.1\.101: 4 of 7 lost, longest gap 5s \(\d\d:\d\d:\d\d-\d\d:\d\d:\d\d UTC\)$/);
  });

  it('per target, sorted by time even when lines are out of order', () => {
    const t0 = 1764496000;
    const windows = lossWindows(logOf([attempt(t0 + 2, true, '192.168.1.1'), attempt(t0 + 1, false, '192.168.1.1'), attempt(t0, false, '192.168.1.1'), attempt(t0, true)]));
    expect(windows.map((w) => [w.target, w.lost, w.longestGapSeconds])).toEqual([
      ['192.168.1.1', 2, 2],
      ['192.168.1.101', 0, 0],
    ]);
  });

  it('a target never answered: every attempt lost, the gap is the whole probe', () => {
    const t0 = 1764496000;
    const [w] = lossWindows(logOf([attempt(t0, false), attempt(t0 + 2, false), attempt(t0 + 4, false)]));
    expect(w).toMatchObject({ lost: 3, attempts: 3, longestGapSeconds: 5 });
  });
});
