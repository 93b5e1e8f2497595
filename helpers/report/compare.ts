import { caseKey, type ScenarioResult, type Verdict } from './results.ts';
import type { RunTarget } from './run-record.ts';

/**
 * Two runs side by side, case by case (scenario id, plus the node for
 * per-node cases), and what they ran against.
 *
 * A regression is what an upgrade must not do:
 * - pass → fail (a known failure is still a failure here: the known-failures
 *   list decides a run's own verdict, compare says what changed);
 * - pass → skip: a capability was lost;
 * - a case that ran before (passed, failed or known) and is gone.
 * Everything else is reported, not a regression: fail → pass, new cases,
 * a changed skip reason, a duration that changed a lot.
 */
export interface CompareSide {
  scenarios: readonly ScenarioResult[];
  target?: RunTarget | undefined;
}

export interface CompareRow {
  key: string;
  id: string;
  before?: Verdict;
  after?: Verdict;
  /** `pass→fail`, `gone`, `new`, `skip reason changed`, `duration`, `unchanged`… */
  change: string;
  regression: boolean;
  /** What a reader needs to act: the new failure, the skip reasons, … (one line). */
  detail: string;
  durationBeforeMs?: number;
  durationAfterMs?: number;
  durationChanged: boolean;
}

export interface TargetChange {
  /** What changed: `Kubernetes`, `Multus image`, `node mc-node: tuning`, `NAD macvlan-static (selection/json-form)`. */
  subject: string;
  before: string;
  after: string;
}

export interface Comparison {
  /** Changed rows first (regressions at the top); unchanged rows last. */
  rows: CompareRow[];
  regressions: number;
  target: TargetChange[];
  /** Why the target could not be compared (a side did not record it). */
  targetNote?: string;
}

/** A duration change worth a line: at least this much longer or shorter, and by this factor. */
export const DURATION_CHANGE = { minMs: 2000, factor: 1.5 } as const;

const SHORT: Record<Verdict, string> = { passed: 'pass', failed: 'fail', known: 'known', skipped: 'skip' };
const RAN: ReadonlySet<Verdict> = new Set(['passed', 'failed', 'known']);

export function verdictLabel(v: Verdict | undefined): string {
  return v === undefined ? '—' : SHORT[v];
}

export function compareRuns(before: CompareSide, after: CompareSide): Comparison {
  const b = byKey(before.scenarios);
  const a = byKey(after.scenarios);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const rows = keys.map((key) => compareCase(key, b.get(key), a.get(key), after.scenarios));
  const rank = (r: CompareRow): number => (r.regression ? 0 : r.change === 'unchanged' ? 2 : 1);
  rows.sort((x, y) => rank(x) - rank(y) || x.key.localeCompare(y.key));
  return { rows, regressions: rows.filter((r) => r.regression).length, ...compareTargets(before, after) };
}

function byKey(scenarios: readonly ScenarioResult[]): Map<string, ScenarioResult> {
  // A test file that failed to load is not a case to compare.
  return new Map(scenarios.filter((s) => !s.loadError).map((s) => [caseKey(s), s]));
}

function compareCase(key: string, b: ScenarioResult | undefined, a: ScenarioResult | undefined, afterAll: readonly ScenarioResult[]): CompareRow {
  const id = (a ?? b)!.id;
  const durations = {
    ...(b && RAN.has(b.verdict) ? { durationBeforeMs: b.durationMs } : {}),
    ...(a && RAN.has(a.verdict) ? { durationAfterMs: a.durationMs } : {}),
  };
  const row = (change: string, regression: boolean, detail: string): CompareRow => ({
    key,
    id,
    ...(b ? { before: b.verdict } : {}),
    ...(a ? { after: a.verdict } : {}),
    change,
    regression,
    detail,
    ...durations,
    durationChanged: durationChanged(durations.durationBeforeMs, durations.durationAfterMs),
  });
  if (!b) return row('new', false, a ? outcomeText(a) : '');
  if (!a) {
    const elsewhere = afterAll.filter((s) => s.id === id).map((s) => `${caseKey(s)}: ${verdictLabel(s.verdict)}`);
    const detail = `${RAN.has(b.verdict) ? 'ran' : 'was skipped'} before, not in this run${elsewhere.length ? ` (now ${elsewhere.join(', ')})` : ''}`;
    return row('gone', RAN.has(b.verdict), detail);
  }
  if (b.verdict !== a.verdict) {
    const regression = b.verdict === 'passed';
    return row(`${SHORT[b.verdict]}→${SHORT[a.verdict]}`, regression, outcomeText(a) || outcomeText(b));
  }
  if (a.verdict === 'skipped' && (b.skipReason ?? '') !== (a.skipReason ?? '')) {
    return row('skip reason changed', false, `${b.skipReason ?? '(none recorded)'} → ${a.skipReason ?? '(none recorded)'}`);
  }
  const r = row('unchanged', false, '');
  return r.durationChanged ? { ...r, change: 'duration' } : r;
}

function durationChanged(before: number | undefined, after: number | undefined): boolean {
  if (before === undefined || after === undefined) return false;
  const lo = Math.min(before, after);
  const hi = Math.max(before, after);
  return hi - lo >= DURATION_CHANGE.minMs && hi >= lo * DURATION_CHANGE.factor;
}

/** One line on a case's outcome: the failure, the known-failure reason or the skip reason. */
function outcomeText(r: ScenarioResult): string {
  const first = (r.message ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (r.verdict === 'known') return `known failure (${r.known?.reason ?? 'listed'}): ${first}`;
  if (r.verdict === 'failed') return first;
  if (r.verdict === 'skipped') return r.skipReason ?? '';
  return '';
}

function compareTargets(before: CompareSide, after: CompareSide): Pick<Comparison, 'target' | 'targetNote'> {
  const missing = [before.target ? undefined : 'the baseline', after.target ? undefined : 'this run'].filter((x) => x !== undefined);
  if (!before.target || !after.target) {
    return { target: [], targetNote: `${missing.join(' and ')} did not record what it ran against (an older report, or a run that stopped before reaching the cluster)` };
  }
  const b = before.target;
  const a = after.target;
  const out: TargetChange[] = [];
  const diff = (subject: string, x: string | undefined, y: string | undefined): void => {
    if ((x ?? '') !== (y ?? '')) out.push({ subject, before: x ?? 'none', after: y ?? 'none' });
  };
  diff('Kubernetes', b.kubernetesVersion, a.kubernetesVersion);
  diff('Multus DaemonSet', b.multus.daemonSet, a.multus.daemonSet);
  diff('Multus image', b.multus.image, a.multus.image);
  diff('Multus flavor', b.multus.flavor, a.multus.flavor);
  // A pod replaced (a rollout, a node reboot) or restarted in between: health/multus-pods says whether that is a failure.
  if (b.multus.pods && a.multus.pods) {
    const podLine = (p: { name: string; restarts: Record<string, number> } | undefined): string | undefined =>
      p ? `${p.name}, ${Object.values(p.restarts).reduce((x, y) => x + y, 0)} restart(s)` : undefined;
    const nodes = [...new Set([...b.multus.pods, ...a.multus.pods].map((p) => p.node))].sort();
    for (const node of nodes) diff(`Multus pod on ${node}`, podLine(b.multus.pods.find((p) => p.node === node)), podLine(a.multus.pods.find((p) => p.node === node)));
  }
  const nodesB = new Map(b.nodes.map((n) => [n.name, n]));
  const nodesA = new Map(a.nodes.map((n) => [n.name, n]));
  for (const name of [...new Set([...nodesB.keys(), ...nodesA.keys()])].sort()) {
    const nb = nodesB.get(name);
    const na = nodesA.get(name);
    if (!nb || !na) {
      diff(`node ${name}`, nb ? 'present' : undefined, na ? 'present' : undefined);
      continue;
    }
    // A probe that did not run says nothing about the binaries: no diff from it.
    if (!nb.cniBinaries || !na.cniBinaries) continue;
    const bins = [...new Set([...Object.keys(nb.cniBinaries), ...Object.keys(na.cniBinaries)])].sort();
    for (const bin of bins) diff(`node ${name}: /opt/cni/bin/${bin}`, shortHash(nb.cniBinaries[bin]), shortHash(na.cniBinaries[bin]));
  }
  // Only NADs of scenarios that ran in both runs: a scenario left out of one run is not a changed NAD.
  const ranIn = (side: CompareSide): Set<string> => new Set(side.scenarios.filter((s) => RAN.has(s.verdict)).map((s) => s.id));
  const both = new Set([...ranIn(before)].filter((id) => ranIn(after).has(id)));
  const nadKey = (n: { scenario: string; name: string }): string => `NAD ${n.name} (${n.scenario})`;
  const nadsB = new Map(b.nads.filter((n) => both.has(n.scenario)).map((n) => [nadKey(n), n.configSha256]));
  const nadsA = new Map(a.nads.filter((n) => both.has(n.scenario)).map((n) => [nadKey(n), n.configSha256]));
  for (const key of [...new Set([...nadsB.keys(), ...nadsA.keys()])].sort()) {
    diff(key, nadsB.has(key) ? `config ${shortHash(nadsB.get(key))}` : undefined, nadsA.has(key) ? `config ${shortHash(nadsA.get(key))}` : undefined);
  }
  return { target: out };
}

function shortHash(h: string | undefined): string | undefined {
  return h === undefined ? undefined : `sha256:${h.slice(0, 12)}`;
}
