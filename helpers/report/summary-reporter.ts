import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { SKIP_REASON_TYPE } from './junit-skips.ts';
import { redact } from './redact.ts';

export interface SummaryReporterOptions {
  /** Report files to point at in the summary, by label ("JUnit", "JSON"). */
  reportFiles?: Record<string, string>;
  /** Prefix progress lines with the vitest project name (selftest runs several). */
  showProject?: boolean;
  /** Where the text goes; stdout by default. */
  write?: (text: string) => void;
}

interface Outcome {
  name: string;
  detail: string;
}

/**
 * The human side of a run: one progress line per scenario as it finishes,
 * then counts, what failed (first error line), what was skipped and why, and
 * where the reports are. Everything printed goes through `redact`.
 */
export class SummaryReporter implements Reporter {
  private readonly options: SummaryReporterOptions;
  private readonly write: (text: string) => void;
  private startedAt = Date.now();

  constructor(options: SummaryReporterOptions = {}) {
    this.options = options;
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  onTestRunStart(): void {
    this.startedAt = Date.now();
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const duration = formatDuration(test.diagnostic()?.duration ?? 0);
    const name = this.nameOf(test);
    if (result.state === 'passed') this.line(`  ✓ ${name}  ${duration}`);
    else if (result.state === 'failed') this.line(`  ✗ ${name}  ${duration}\n      ${firstLine(result.errors[0]?.message)}`);
    else if (result.state === 'skipped') this.line(`  ↷ ${name}  (${skipReason(test)})`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    const passed: Outcome[] = [];
    const failed: Outcome[] = [];
    const skipped: Outcome[] = [];
    for (const mod of modules) {
      for (const error of moduleErrors(mod)) failed.push({ name: mod.relativeModuleId, detail: firstLine(error.message) });
      for (const test of mod.children.allTests()) {
        const result = test.result();
        const name = this.nameOf(test);
        if (result.state === 'passed') passed.push({ name, detail: '' });
        else if (result.state === 'failed') failed.push({ name, detail: firstLine(result.errors[0]?.message) });
        else if (result.state === 'skipped') skipped.push({ name, detail: skipReason(test) });
      }
    }
    // A run that never got to its tests (global setup failed) is reported by the CLI instead.
    if (passed.length + failed.length + skipped.length === 0 && unhandledErrors.length === 0) return;

    const total = passed.length + failed.length + skipped.length;
    const out: string[] = ['', `Summary: ${passed.length} passed, ${failed.length} failed, ${skipped.length} skipped (${total}) in ${formatDuration(Date.now() - this.startedAt)}${reason === 'interrupted' ? ', interrupted' : ''}`];
    if (failed.length > 0) out.push('', 'Failed:', ...failed.map((f) => `  ✗ ${f.name}\n      ${f.detail}`));
    if (unhandledErrors.length > 0) {
      out.push('', 'Errors outside scenarios:', ...unhandledErrors.map((e) => `  ! ${e.name ?? 'Error'}: ${firstLine(e.message)}`));
    }
    if (skipped.length > 0) out.push('', 'Skipped:', ...skipLines(skipped));
    const files = Object.entries(this.options.reportFiles ?? {});
    if (files.length > 0) out.push('', 'Reports:', ...files.map(([label, path]) => `  ${label}: ${path}`));
    this.line(out.join('\n'));
  }

  private nameOf(test: TestCase): string {
    return this.options.showProject && test.project.name ? `[${test.project.name}] ${test.fullName}` : test.fullName;
  }

  private line(text: string): void {
    this.write(`${redact(text)}\n`);
  }
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

/** Why a test was skipped: the scenario's recorded reason, else the `skip(note)`, else the mode. */
export function skipReason(test: TestCase): string {
  const annotated = test.annotations().find((a) => a.type === SKIP_REASON_TYPE)?.message;
  if (annotated) return annotated;
  const result = test.result();
  if (result.state === 'skipped' && result.note) return result.note;
  return test.options.mode === 'todo' ? 'todo' : 'skipped';
}

function moduleErrors(mod: TestModule): SerializedError[] {
  return [...mod.errors(), ...[...mod.children.allSuites()].flatMap((s) => s.errors())];
}

function firstLine(text: string | undefined): string {
  return (text ?? 'unknown error').split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}
