import type { Comparison } from '../helpers/report/compare.ts';
import { verdictLabel } from '../helpers/report/compare.ts';
import { clip, durationChange } from '../helpers/report/format.ts';
import { formatTable } from './table.ts';

/**
 * A comparison as `compare` and `run --baseline` print it: what changed in
 * the cluster, then one row per case that changed (regressions first), then
 * how many did not.
 */
export function formatComparison(c: Comparison, opts: { heading: string; all?: boolean }): string {
  const out = [`${opts.heading}: ${c.regressions === 0 ? 'no regression' : `${c.regressions} regression(s)`}`];
  if (c.targetNote) out.push(`  What the runs ran against: ${c.targetNote}.`);
  else if (c.target.length === 0) out.push('  Same Kubernetes, Multus, CNI plugins and NADs in both runs.');
  else out.push('  What changed in the cluster:', ...c.target.map((t) => `    ${t.subject}: ${t.before} → ${t.after}`));
  const rows = opts.all ? c.rows : c.rows.filter((r) => r.change !== 'unchanged');
  if (rows.length > 0) {
    out.push(
      '',
      formatTable(
        ['CHANGE', 'SCENARIO', 'BEFORE', 'AFTER', 'DURATION', 'DETAIL'],
        rows.map((r) => [
          r.regression ? `${r.change} (regression)` : r.change,
          r.key,
          verdictLabel(r.before),
          verdictLabel(r.after),
          durationChange(r.durationBeforeMs, r.durationAfterMs),
          clip(r.detail.replace(/\s+/g, ' '), 200),
        ]),
      ),
    );
  }
  const unchanged = c.rows.filter((r) => r.change === 'unchanged').length;
  if (!opts.all) out.push('', `${unchanged} case(s) unchanged${rows.length === 0 ? '; nothing changed' : ''}.`);
  return out.join('\n');
}
