/**
 * The canaries' probe log (fixtures/upgrade/canary-daemonset.yaml): one line
 * per attempt, `<epoch seconds> <target> <1|0>`, and a last line
 * `<epoch> end <rounds>` when the probe stopped by itself. Pure: parsing and
 * the loss-window arithmetic `upgrade verify` reports.
 */

export interface ProbeAttempt {
  at: number;
  target: string;
  ok: boolean;
}

export interface ProbeLog {
  attempts: ProbeAttempt[];
  /** Epoch seconds the probe stopped by itself (deadline or round cap), when it did. */
  endedAt?: number;
}

export class ProbeLogError extends Error {
  override name = 'ProbeLogError';
}

const ATTEMPT = /^(\d{9,11}) (\S+) ([01])$/;
const END = /^(\d{9,11}) end (\d+)$/;

/**
 * Parses a probe log. A line that is neither form is an error naming the pod
 * and the line: a garbled log must not read as "nothing lost". A last line
 * cut short (the log read while being written) is dropped.
 */
export function parseProbeLog(text: string, pod: string): ProbeLog {
  // Every line ends with a newline: the piece after the last one is either
  // empty or a line still being written, and is dropped.
  const complete = text.split('\n').slice(0, -1);
  const log: ProbeLog = { attempts: [] };
  complete.forEach((line, i) => {
    const a = ATTEMPT.exec(line);
    if (a) {
      log.attempts.push({ at: Number(a[1]), target: a[2]!, ok: a[3] === '1' });
      return;
    }
    const e = END.exec(line);
    if (e) {
      log.endedAt = Number(e[1]);
      return;
    }
    throw new ProbeLogError(`probe log of pod ${pod}, line ${i + 1}: expected "<epoch> <target> <1|0>" or "<epoch> end <rounds>", got ${JSON.stringify(line.slice(0, 80))}`);
  });
  return log;
}

export interface LossWindow {
  target: string;
  attempts: number;
  lost: number;
  /** Longest run of consecutive lost attempts, in seconds from its first to its last attempt, plus one. 0 when nothing was lost. */
  longestGapSeconds: number;
  /** Epoch seconds of the first and last lost attempt of that run. */
  longestGapFrom?: number;
  longestGapTo?: number;
  /** Seconds from the first to the last attempt. */
  coveredSeconds: number;
}

/**
 * Per target: attempts, lost ones, and the longest window of consecutive
 * losses. Attempts are ordered by time (a log is appended in order; sorting
 * keeps the arithmetic right for a merged one).
 */
export function lossWindows(log: ProbeLog): LossWindow[] {
  const byTarget = new Map<string, ProbeAttempt[]>();
  for (const a of log.attempts) byTarget.set(a.target, [...(byTarget.get(a.target) ?? []), a]);
  const out: LossWindow[] = [];
  for (const [target, list] of byTarget) {
    const sorted = [...list].sort((x, y) => x.at - y.at);
    let lost = 0;
    let best: { from: number; to: number } | undefined;
    let run: { from: number; to: number } | undefined;
    for (const a of sorted) {
      if (a.ok) {
        run = undefined;
        continue;
      }
      lost++;
      run = run ? { from: run.from, to: a.at } : { from: a.at, to: a.at };
      if (!best || run.to - run.from > best.to - best.from) best = { ...run };
    }
    out.push({
      target,
      attempts: sorted.length,
      lost,
      longestGapSeconds: best ? best.to - best.from + 1 : 0,
      ...(best ? { longestGapFrom: best.from, longestGapTo: best.to } : {}),
      coveredSeconds: sorted.length > 0 ? sorted[sorted.length - 1]!.at - sorted[0]!.at : 0,
    });
  }
  return out.sort((a, b) => a.target.localeCompare(b.target));
}

/** `192.168.1.101: 2 of 180 lost, longest gap 2s (10:01:02-10:01:03 UTC)`. */
export function formatLossWindow(w: LossWindow): string {
  const clock = (s: number): string => new Date(s * 1000).toISOString().slice(11, 19);
  const gap =
    w.longestGapSeconds > 0 && w.longestGapFrom !== undefined && w.longestGapTo !== undefined
      ? `, longest gap ${w.longestGapSeconds}s (${clock(w.longestGapFrom)}-${clock(w.longestGapTo)} UTC)`
      : '';
  return `${w.target}: ${w.lost} of ${w.attempts} lost${gap}`;
}
