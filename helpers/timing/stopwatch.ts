/**
 * Where one scenario's time goes, by part. A part's time is the wall time
 * spent inside calls of that part; parts of concurrent calls (two pods
 * awaited together) overlap, so they can add up to more than the total.
 * "checks" is what is left: the scenario's own logic, parsing and asserts.
 */
export const SCENARIO_PARTS = ['lock wait', 'namespace', 'NAD', 'pod → Ready', 'exec', 'delete', 'checks'] as const;
export type ScenarioPart = (typeof SCENARIO_PARTS)[number];

export type PartTimes = Record<ScenarioPart, number>;

export interface ScenarioTiming {
  totalMs: number;
  parts: PartTimes;
}

export class Stopwatch {
  private readonly started: number;
  private readonly spent: PartTimes = Object.fromEntries(SCENARIO_PARTS.map((p) => [p, 0])) as PartTimes;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }

  /** Runs `fn`, adding its wall time to `part`, whether it resolves or throws. */
  async time<T>(part: Exclude<ScenarioPart, 'checks'>, fn: () => Promise<T>): Promise<T> {
    const t0 = this.now();
    try {
      return await fn();
    } finally {
      this.spent[part] += this.now() - t0;
    }
  }

  /** Adds time measured elsewhere (a lock wait that began before the scenario's own code ran). */
  add(part: Exclude<ScenarioPart, 'checks'>, ms: number): void {
    this.spent[part] += Math.max(0, ms);
  }

  /** The total so far, and each part; "checks" is the total minus the other parts, never below 0. */
  result(): ScenarioTiming {
    const totalMs = this.now() - this.started;
    const counted = SCENARIO_PARTS.filter((p) => p !== 'checks').reduce((sum, p) => sum + this.spent[p], 0);
    const parts = { ...this.spent, checks: Math.max(0, totalMs - counted) };
    return { totalMs: round(totalMs), parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)])) as PartTimes };
  }
}

function round(ms: number): number {
  return Math.round(ms);
}
