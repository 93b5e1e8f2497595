import type { Mode } from '../../helpers/config/settings.ts';
import { scenarioSelected, selectionOf } from '../../helpers/config/selection.ts';
import { CATALOG, levelIncluded } from '../../helpers/scenario/catalog.ts';
import type { ScaleReport } from '../../helpers/scale/report.ts';

/**
 * The bench's metrics (issue 8's table), what each compares, and how a
 * figure is computed from the runs. Pure: the runs happen in bench.ts.
 * Figures are computed, compared with their target and reported; nothing
 * here asserts.
 */

export interface RunSelection {
  tests?: string[];
  scale?: number;
  mode?: Mode;
}

export type Baseline = 'serial' | 'floor' | 'none';
/** Which kept run the baselines replay, and which part of it. */
export type WorkloadSource = 'default' | 'scale-32' | 'scale-100';

export interface MetricDef {
  id: string;
  title: string;
  selection: RunSelection;
  baseline: Baseline;
  /** Also time the floor, as information (no target). */
  infoFloor?: boolean;
  workload?: WorkloadSource;
}

export const EIGHT_PODS: RunSelection = { tests: ['^in-pod/macvlan$', '^status/', '^selection/'] };

export const METRICS: readonly MetricDef[] = [
  { id: 'selection-8', title: '8-pod selection vs serial kubectl', selection: EIGHT_PODS, baseline: 'serial', infoFloor: true, workload: 'default' },
  { id: 'scale-32', title: '--scale 32 vs serial kubectl (32 pods × 2)', selection: { scale: 32 }, baseline: 'serial', infoFloor: true, workload: 'scale-32' },
  { id: 'fixed-overhead', title: 'fixed overhead: -t ^health/nad-crd$', selection: { tests: ['^health/nad-crd$'] }, baseline: 'none' },
  // The issue's non-disruptive set: the default set without negative/ and lifecycle/.
  { id: 'non-disruptive', title: 'suite / floor, non-disruptive set (no negative/, no lifecycle/)', selection: { mode: 'non-disruptive', tests: ['!^negative/'] }, baseline: 'floor', workload: 'default' },
  // `--mode non-disruptive` keeps the negatives: what earlier benches timed under that name.
  { id: 'non-disruptive-mode', title: 'suite / floor, --mode non-disruptive (negatives included)', selection: { mode: 'non-disruptive' }, baseline: 'floor', workload: 'default' },
  { id: 'full', title: 'suite / floor, full default set', selection: {}, baseline: 'floor', workload: 'default' },
  { id: 'scale-100', title: '--scale 100: suite / floor, per-pod overhead', selection: { scale: 100 }, baseline: 'floor', workload: 'scale-100' },
];

/**
 * The one kept run whose pods serve every metric on the default workload:
 * the widest of their selections (each metric then takes its scenarios'
 * part), so a partial bench (--only) runs nothing it does not time.
 */
export function captureSelection(defs: readonly MetricDef[]): RunSelection {
  const sel = defs.filter((d) => d.workload === 'default').map((d) => d.selection);
  if (sel.some((s) => !s.mode && !s.tests && s.scale === undefined)) return {};
  // Every non-disruptive selection, exclusions or not, is part of the whole mode.
  if (sel.some((s) => s.mode === 'non-disruptive')) return { mode: 'non-disruptive' };
  return { tests: [...new Set(sel.flatMap((s) => s.tests ?? []))] };
}

export function cliArgs(s: RunSelection): string[] {
  return [...(s.mode ? ['--mode', s.mode] : []), ...(s.scale === undefined ? [] : ['--scale', String(s.scale)]), ...(s.tests ?? []).flatMap((t) => ['-t', t])];
}

/** The catalog ids a run with this selection runs (mode default: full, as on the testbed). */
export function selectedIds(s: RunSelection): string[] {
  const selection = selectionOf({ tests: s.tests ?? [], scale: s.scale });
  return CATALOG.filter((d) => scenarioSelected(selection, d) && levelIncluded(d.level, s.mode ?? 'full')).map((d) => d.id);
}

type Expected = Record<string, { status: string }>;

/** What the expected table says a run of these scenarios ends with: the failures it pins, and so the exit code. */
export function expectedOutcome(ids: readonly string[], table: Expected): { exitCode: number; failed: string[] } {
  const failed = ids.filter((id) => table[id]?.status === 'failed');
  return { exitCode: failed.length > 0 ? 1 : 0, failed };
}

export interface SuiteFacts {
  seconds: number;
  exitCode: number;
  failed: string[];
  scale?: ScaleReport;
}

export interface BaselineFacts {
  kind: 'serial' | 'floor';
  seconds: number;
  pods: number;
  error?: string;
  /** serial: the part of `seconds` its last step spent waiting for its namespaces to be gone. */
  namespaceWaitSeconds?: number;
}

export interface Figure {
  name: string;
  /** Undefined when refused. */
  value?: number;
  unit: '×' | 's' | 'ratio' | 'yes/no';
  target: string;
  met?: boolean;
  /** Why no figure is given. */
  refused?: string;
  /** Information only: no target from the issue. */
  info?: boolean;
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** Why the suite run cannot be compared: an exit code or failures other than the expected table's. */
export function suiteProblem(suite: SuiteFacts, expected: { exitCode: number; failed: string[] }): string | undefined {
  if (suite.exitCode !== expected.exitCode) {
    return `the suite exited ${suite.exitCode}, the expected table says ${expected.exitCode}${suite.failed.length ? ` (failed: ${suite.failed.join(', ')})` : ''}`;
  }
  const got = [...new Set(suite.failed)].sort().join(', ');
  const want = [...expected.failed].sort().join(', ');
  if (got !== want) return `failed ${got || 'nothing'}, the expected table pins ${want || 'nothing'}`;
  return undefined;
}

function ratioFigure(name: string, value: () => number, target: { text: string; met: (v: number) => boolean }, refused: string | undefined, info = false): Figure {
  const unit = name.includes('faster') ? '×' : name.includes('overhead') ? 's' : 'ratio';
  if (refused) return { name, unit, target: target.text, refused, ...(info ? { info } : {}) };
  const v = round(value(), unit === 's' ? 3 : 2);
  return { name, value: v, unit, target: target.text, ...(info ? { info } : {}), ...(info ? {} : { met: target.met(v) }) };
}

/**
 * A metric's figures from its runs. A ratio is refused (no number given)
 * when the suite ended otherwise than the expected table says, or its
 * baseline failed.
 */
export function figuresOf(def: MetricDef, suite: SuiteFacts, expected: { exitCode: number; failed: string[] }, baseline?: BaselineFacts, floor?: BaselineFacts): Figure[] {
  const bad = suiteProblem(suite, expected);
  const against = (b: BaselineFacts | undefined): string | undefined => bad ?? (b === undefined ? 'no baseline run' : b.error ? `the ${b.kind} failed: ${b.error}` : undefined);
  const info = (f: BaselineFacts | undefined): Figure[] =>
    def.infoFloor && f ? [ratioFigure('suite / floor', () => suite.seconds / f.seconds, { text: '(information)', met: () => true }, against(f), true)] : [];
  // The suite's sweep does not wait for its emptied namespaces to be gone
  // (cli/sweep.ts); the serial script, like kubectl by default, does. Shown
  // beside the target figure: the ratio without that wait on either side.
  const noWait = (b: BaselineFacts | undefined): Figure[] =>
    b?.namespaceWaitSeconds === undefined
      ? []
      : [ratioFigure('faster than serial kubectl without its namespace wait', () => (b.seconds - b.namespaceWaitSeconds!) / suite.seconds, { text: '(information)', met: () => true }, against(b), true)];
  switch (def.id) {
    case 'selection-8':
      return [ratioFigure('faster than serial kubectl', () => baseline!.seconds / suite.seconds, { text: '≥ 2×', met: (v) => v >= 2 }, against(baseline)), ...noWait(baseline), ...info(floor)];
    case 'scale-32':
      return [ratioFigure('faster than serial kubectl', () => baseline!.seconds / suite.seconds, { text: '≥ 3×', met: (v) => v >= 3 }, against(baseline)), ...noWait(baseline), ...info(floor)];
    case 'fixed-overhead':
      return [{ name: 'whole process', unit: 's', target: '≤ 5 s', ...(bad ? { refused: bad } : { value: round(suite.seconds, 1), met: suite.seconds <= 5 }) }];
    case 'non-disruptive':
      return [ratioFigure('suite / floor', () => suite.seconds / baseline!.seconds, { text: '≤ 2.0', met: (v) => v <= 2 }, against(baseline))];
    case 'non-disruptive-mode':
      return [ratioFigure('suite / floor', () => suite.seconds / baseline!.seconds, { text: '(information)', met: () => true }, against(baseline), true)];
    case 'full':
      return [ratioFigure('suite / floor', () => suite.seconds / baseline!.seconds, { text: '≤ 5.0', met: (v) => v <= 5 }, against(baseline))];
    case 'scale-100': {
      const s = suite.scale;
      const complete = suite.exitCode === 0 && s !== undefined && s.checked === s.pods && s.ipamErrors.count === 0 && s.otherNetworkErrors.count === 0;
      const pods = s?.pods ?? def.selection.scale ?? 0;
      return [
        { name: 'completes with no error', unit: 'yes/no', value: complete ? 1 : 0, target: 'yes', met: complete },
        ratioFigure('suite / floor', () => suite.seconds / baseline!.seconds, { text: '≤ 1.5', met: (v) => v <= 1.5 }, against(baseline)),
        ratioFigure('per-pod overhead', () => (suite.seconds - baseline!.seconds) / pods, { text: '≤ 0.100 s', met: (v) => v <= 0.1 }, against(baseline)),
      ];
    }
    default:
      return [];
  }
}

/** One figure as the table prints it. */
export function formatFigure(f: Figure): string {
  if (f.value === undefined) return `refused: ${f.refused ?? 'no figure'}`;
  const v = f.unit === '×' ? `${f.value}×` : f.unit === 's' ? `${f.value} s` : f.unit === 'yes/no' ? (f.value ? 'yes' : 'no') : String(f.value);
  return f.info ? `${f.name} ${v} (information)` : `${f.name} ${v} (target ${f.target}: ${f.met ? 'met' : 'NOT met'})`;
}
