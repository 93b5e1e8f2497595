import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { firstLine as first, formatDuration } from './format.ts';
import { entryStatuses, type KnownFailures } from './known-failures.ts';
import { redact } from './redact.ts';
import { caseResult, type ScenarioResult } from './results.ts';

export { formatDuration } from './format.ts';

export interface SummaryReporterOptions {
  /** Report files to point at in the summary, by label ("JUnit", "JSON"). */
  reportFiles?: Record<string, string>;
  /** Prefix progress lines with the vitest project name (selftest runs several). */
  showProject?: boolean;
  /** Where the text goes; stdout by default. */
  write?: (text: string) => void;
  /** `--known-failures`: failures it accepts are listed as known, apart from failures and skips. */
  knownFailures?: KnownFailures | undefined;
  /** The run's clock for the entries' expiry dates. */
  now?: Date;
}

interface Outcome {
  name: string;
  detail: string;
}

/**
 * The human side of a run: one progress line per scenario as it finishes,
 * then counts, what failed (first error line), the known failures, what was
 * skipped and why, and where the reports are. Everything printed goes
 * through `redact`.
 */
export class SummaryReporter implements Reporter {
  private readonly options: SummaryReporterOptions;
  private readonly write: (text: string) => void;
  private readonly now: Date;
  private startedAt = Date.now();

  constructor(options: SummaryReporterOptions = {}) {
    this.options = options;
    this.write = options.write ?? ((text) => process.stdout.write(text));
    this.now = options.now ?? new Date();
  }

  onTestRunStart(): void {
    this.startedAt = Date.now();
  }

  onTestCaseResult(test: TestCase): void {
    const state = test.result().state;
    if (state === 'pending') return;
    const r = this.classify(test);
    const duration = formatDuration(r.durationMs);
    const name = this.nameOf(test);
    if (r.verdict === 'passed') this.line(`  ✓ ${name}  ${duration}`);
    else if (r.verdict === 'failed') this.line(`  ✗ ${name}  ${duration}\n      ${first(r.message, 'unknown error')}${notes(r)}`);
    else if (r.verdict === 'known') this.line(`  x ${name}  ${duration}  known failure: ${r.known?.reason ?? ''}`);
    else this.line(`  ↷ ${name}  (${r.skipReason ?? ''})`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    const passed: Outcome[] = [];
    const failed: Outcome[] = [];
    const known: Outcome[] = [];
    const skipped: Outcome[] = [];
    const results: ScenarioResult[] = [];
    for (const mod of modules) {
      for (const error of moduleErrors(mod)) failed.push({ name: mod.relativeModuleId, detail: first(error.message, 'unknown error') });
      for (const test of mod.children.allTests()) {
        if (test.result().state === 'pending') continue;
        const r = this.classify(test);
        results.push(r);
        const name = this.nameOf(test);
        if (r.verdict === 'passed') passed.push({ name, detail: '' });
        else if (r.verdict === 'failed') failed.push({ name, detail: `${first(r.message, 'unknown error')}${notes(r)}` });
        else if (r.verdict === 'known') known.push({ name, detail: `${r.known?.reason ?? ''}\n      ${first(r.message)}` });
        else skipped.push({ name, detail: r.skipReason ?? '' });
      }
    }
    // A run that never got to its tests (global setup failed) is reported by the CLI instead.
    if (passed.length + failed.length + known.length + skipped.length === 0 && unhandledErrors.length === 0) return;

    const total = passed.length + failed.length + known.length + skipped.length;
    const knownCount = known.length > 0 ? `, ${known.length} known failure(s)` : '';
    const out: string[] = [
      '',
      `Summary: ${passed.length} passed, ${failed.length} failed${knownCount}, ${skipped.length} skipped (${total}) in ${formatDuration(Date.now() - this.startedAt)}${reason === 'interrupted' ? ', interrupted' : ''}`,
    ];
    if (failed.length > 0) out.push('', 'Failed:', ...failed.map((f) => `  ✗ ${f.name}\n      ${f.detail}`));
    if (unhandledErrors.length > 0) {
      out.push('', 'Errors outside scenarios:', ...unhandledErrors.map((e) => `  ! ${e.name ?? 'Error'}: ${first(e.message, 'unknown error')}`));
    }
    const list = this.options.knownFailures;
    if (known.length > 0) {
      out.push('', `Known failures (accepted by ${list?.file ?? 'the known-failures file'}; not counted as failures):`, ...known.map((k) => `  x ${k.name}\n      ${k.detail}`));
    }
    if (list) {
      const entries = entryStatuses(list, results, this.now);
      const fixed = entries.filter((e) => e.status === 'fixed');
      const expired = entries.filter((e) => e.status === 'expired');
      if (fixed.length > 0) {
        out.push('', `Fixed: known-failure entries whose scenario passed (remove them from ${list.file}):`, ...fixed.map((e) => `  ✓ entry ${e.entry + 1}: ${e.scenario} (${e.reason})`));
      }
      if (expired.length > 0) {
        out.push('', `Expired known-failure entries in ${list.file} (their failures count again):`, ...expired.map((e) => `  ! entry ${e.entry + 1}: ${e.scenario} expired ${e.expires ?? ''} (${e.reason})`));
      }
    }
    if (skipped.length > 0) out.push('', 'Skipped:', ...skipLines(skipped));
    const files = Object.entries(this.options.reportFiles ?? {});
    if (files.length > 0) out.push('', 'Reports:', ...files.map(([label, path]) => `  ${label}: ${path}`));
    this.line(out.join('\n'));
  }

  private classify(test: TestCase): ScenarioResult {
    return caseResult(test, { known: this.options.knownFailures, now: this.now });
  }

  private nameOf(test: TestCase): string {
    return this.options.showProject && test.project.name ? `[${test.project.name}] ${test.fullName}` : test.fullName;
  }

  private line(text: string): void {
    this.write(`${redact(text)}\n`);
  }
}

/** A failure of a listed scenario: why the list did not accept it. */
function notes(r: ScenarioResult): string {
  return r.knownNotes ? r.knownNotes.map((n) => `\n      (${n})`).join('') : '';
}

/**
 * One line per skip; cases sharing a reason (e.g. every scenario a lost
 * cluster kept from starting) are listed under that reason once.
 */
function skipLines(skipped: readonly Outcome[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.detail, [...(byReason.get(s.detail) ?? []), s.name]);
  return [...byReason].flatMap(([reason, names]) =>
    names.length === 1 ? [`  ↷ ${names[0]!}: ${reason}`] : [`  ↷ ${names.length} scenarios: ${reason}`, ...names.map((n) => `      ${n}`)],
  );
}

function moduleErrors(mod: TestModule): SerializedError[] {
  return [...mod.errors(), ...[...mod.children.allSuites()].flatMap((s) => s.errors())];
}
