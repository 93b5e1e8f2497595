import { SCENARIO_PARTS, type ScenarioTiming } from './stopwatch.ts';
import type { RunTimings } from './run-phases.ts';

export interface NamedScenarioTiming extends ScenarioTiming {
  /** The test case name (id, title, node). */
  name: string;
}

/** What the JSON report carries under `timings`. */
export interface TimingsReport {
  run: RunTimings;
  scenarios: NamedScenarioTiming[];
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/**
 * The `--timings` text: the run's phases with their share of the whole, then
 * the scenarios slowest first, each split into its parts.
 */
export function formatTimings(t: TimingsReport, opts: { top?: number } = {}): string {
  const out: string[] = ['', `Timings (whole run ${sec(t.run.totalMs)}):`];
  const width = Math.max(...t.run.phases.map((p) => p.phase.length), 5);
  for (const p of t.run.phases) {
    const share = t.run.totalMs > 0 ? Math.round((100 * p.ms) / t.run.totalMs) : 0;
    out.push(`  ${p.phase.padEnd(width)}  ${sec(p.ms).padStart(7)}  ${String(share).padStart(3)}%`);
  }
  const scenarios = [...t.scenarios].sort((a, b) => b.totalMs - a.totalMs).slice(0, opts.top ?? t.scenarios.length);
  if (scenarios.length > 0) {
    out.push('', `Scenarios, slowest first (parts overlap when waits run side by side):`);
    const header = ['total', ...SCENARIO_PARTS];
    out.push(`  ${header.map((h) => h.padStart(Math.max(7, h.length))).join(' ')}  scenario`);
    for (const s of scenarios) {
      const cells = [s.totalMs, ...SCENARIO_PARTS.map((p) => s.parts[p])].map((ms, i) => sec(ms).padStart(Math.max(7, header[i]!.length)));
      out.push(`  ${cells.join(' ')}  ${s.name.split(':')[0]}${/\[node=[^\]]+\]$/.exec(s.name)?.[0] ? ` ${/\[node=[^\]]+\]$/.exec(s.name)![0]}` : ''}`);
    }
  }
  return out.join('\n');
}
