import type { TestCase, TestModule } from 'vitest/node';
import { SKIP_REASON_TYPE } from './junit-skips.ts';
import { describeMiss, matchKnown, type KnownFailures, type KnownMatch } from './known-failures.ts';

/**
 * One test case of a run as every report (summary, JSON, Markdown, HTML,
 * compare) sees it. `known` is a failure the known-failures file accepts:
 * never counted as failed, never as skipped.
 */
export type Verdict = 'passed' | 'failed' | 'known' | 'skipped';

export interface ScenarioResult {
  /** Scenario id (`health/nad-crd`); for a test file that failed to load, its path. */
  id: string;
  /** Per-node scenarios: the node of this case. */
  node?: string;
  title: string;
  /** The case name as JUnit and vitest's JSON show it. */
  name: string;
  verdict: Verdict;
  durationMs: number;
  /** The rule checked (NPWG section, "Multus behaviour"). */
  rule?: string;
  /** Skipped: why. */
  skipReason?: string;
  /** Failed or known: the error message(s), without stack. */
  message?: string;
  /** Known: the entry that accepted the failure. */
  known?: KnownMatch;
  /** Failed: why a known-failure entry naming the scenario did not accept it. */
  knownNotes?: string[];
  /** Failed: where the diagnostics bundle is. */
  diagnostics?: string;
  notes?: string[];
  /** A test file that failed to load: not a scenario (counted apart, never compared). */
  loadError?: true;
}

/** A NAD a scenario applied, recorded so that two runs can show a changed NAD. */
export interface AppliedNad {
  scenario: string;
  name: string;
  /** sha256 of spec.config. */
  configSha256: string;
}

/** Annotation types the scenario wrapper (helpers/scenario/scenario.ts) records. */
export const ANNOTATION = { rule: 'rule', note: 'note', diagnostics: 'diagnostics', nad: 'nad', skipReason: SKIP_REASON_TYPE } as const;

const CASE_NAME = /^([a-z0-9-]+\/[a-z0-9-]+): (.*?)(?: \[node=([^\]]+)\])?$/;

/** Splits `id: title [node=n]` (helpers/scenario/targets.ts caseName). Other names are their own id. */
export function parseCaseName(name: string): { id: string; title: string; node?: string } {
  const m = CASE_NAME.exec(name);
  if (!m) return { id: name, title: '' };
  return { id: m[1]!, title: m[2]!, ...(m[3] ? { node: m[3] } : {}) };
}

/** Identifies a case across runs: the scenario id, and the node for per-node cases. */
export function caseKey(r: Pick<ScenarioResult, 'id' | 'node'>): string {
  return r.node ? `${r.id} [node=${r.node}]` : r.id;
}

/** `name sha256:<hex>`, the message of a `nad` annotation. */
export function parseNadAnnotation(message: string): { name: string; configSha256: string } | undefined {
  const m = /^(\S+) sha256:([0-9a-f]{64})$/.exec(message);
  return m ? { name: m[1]!, configSha256: m[2]! } : undefined;
}

export interface ClassifyOptions {
  known?: KnownFailures | undefined;
  /** The run's clock for expiry dates: one instant for the whole run. */
  now: Date;
}

/** The result of one finished test case. */
export function caseResult(test: TestCase, opts: ClassifyOptions): ScenarioResult {
  const { id, title, node } = parseCaseName(test.fullName);
  const result = test.result();
  const annotations = test.annotations();
  const first = (type: string): string | undefined => annotations.find((a) => a.type === type)?.message;
  const notes = annotations.filter((a) => a.type === ANNOTATION.note).map((a) => a.message);
  const base = {
    id,
    ...(node ? { node } : {}),
    title,
    name: test.fullName,
    durationMs: Math.round(test.diagnostic()?.duration ?? 0),
    ...optional('rule', first(ANNOTATION.rule)),
    ...(notes.length > 0 ? { notes } : {}),
  };
  if (result.state === 'passed') return { ...base, verdict: 'passed' };
  if (result.state === 'failed') {
    const message = result.errors.map((e) => e.message).join('\n');
    const diagnostics = annotations.find((a) => a.type === ANNOTATION.diagnostics);
    // The bundle's own path (vitest also copies the attachment into its attachments directory).
    const bundle = diagnostics?.message.replace(/^diagnostics bundle: /, '');
    const failed = { ...base, message, ...optional('diagnostics', bundle) };
    if (!opts.known) return { ...failed, verdict: 'failed' };
    const v = matchKnown(opts.known, id, message, opts.now);
    if ('known' in v) return { ...failed, verdict: 'known', known: v.known };
    const file = opts.known.file;
    return { ...failed, verdict: 'failed', ...(v.misses.length > 0 ? { knownNotes: v.misses.map((m) => describeMiss(m, file)) } : {}) };
  }
  return { ...base, verdict: 'skipped', skipReason: skipReasonOf(test) };
}

/** Why a test was skipped: the scenario's recorded reason, else the `skip(note)`, else the mode. */
export function skipReasonOf(test: TestCase): string {
  const annotated = test.annotations().find((a) => a.type === ANNOTATION.skipReason)?.message;
  if (annotated) return annotated;
  const result = test.result();
  if (result.state === 'skipped' && result.note) return result.note;
  return test.options.mode === 'todo' ? 'todo' : 'skipped';
}

/** Every case of the run, plus one failed entry per test file that failed to load. */
export function collectResults(modules: ReadonlyArray<TestModule>, opts: ClassifyOptions): { results: ScenarioResult[]; nads: AppliedNad[] } {
  const results: ScenarioResult[] = [];
  const nads: AppliedNad[] = [];
  for (const mod of modules) {
    const errors = [...mod.errors(), ...[...mod.children.allSuites()].flatMap((s) => s.errors())];
    if (errors.length > 0) {
      results.push({
        id: mod.relativeModuleId,
        title: 'test file failed to load',
        name: mod.relativeModuleId,
        verdict: 'failed',
        durationMs: 0,
        message: errors.map((e) => e.message).join('\n'),
        loadError: true,
      });
    }
    for (const test of mod.children.allTests()) {
      const state = test.result().state;
      if (state === 'pending') continue;
      const r = caseResult(test, opts);
      results.push(r);
      for (const a of test.annotations()) {
        const nad = a.type === ANNOTATION.nad ? parseNadAnnotation(a.message) : undefined;
        if (nad) nads.push({ scenario: r.id, ...nad });
      }
    }
  }
  return { results, nads: dedupeNads(nads) };
}

/** Per-node cases apply the same NAD once each: keep one. */
function dedupeNads(nads: AppliedNad[]): AppliedNad[] {
  const seen = new Map<string, AppliedNad>();
  for (const n of nads) seen.set(`${n.scenario} ${n.name} ${n.configSha256}`, n);
  return [...seen.values()].sort((a, b) => `${a.scenario} ${a.name}`.localeCompare(`${b.scenario} ${b.name}`));
}

export interface Counts {
  passed: number;
  failed: number;
  known: number;
  skipped: number;
}

export function countVerdicts(results: readonly ScenarioResult[]): Counts {
  const c: Counts = { passed: 0, failed: 0, known: 0, skipped: 0 };
  for (const r of results) c[r.verdict]++;
  return c;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
