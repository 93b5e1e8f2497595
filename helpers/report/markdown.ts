import { verdictLabel } from './compare.ts';
import { clip, durationChange, firstLine, formatDuration } from './format.ts';
import type { RunReport } from './run-report.ts';
import type { ScenarioResult } from './results.ts';

/**
 * The run as Markdown, for a CI job summary ($GITHUB_STEP_SUMMARY) and
 * `report.md`. Every text that came from the cluster or a scenario goes
 * through `mdText`: a failure message can quote anything (a pod event, an
 * annotation a user wrote), and must never become markup, a link, an image
 * or a broken table.
 */

// Every ASCII punctuation character may be backslash-escaped in CommonMark;
// these are the ones that can start markup inline or break a table cell.
const MD_SPECIAL = /[\\`*_{}[\]()<>#+!|~&]/g;

/** Plain text for Markdown: one line, markup characters escaped, at most `max` characters. */
export function mdText(text: string, max = 400): string {
  return clip(text.replace(/\s*[\r\n]+\s*/g, ' ').trim(), max).replace(MD_SPECIAL, (c) => `\\${c}`);
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function caseLabel(r: Pick<ScenarioResult, 'id' | 'node'>): string {
  return mdText(r.node ? `${r.id} [node=${r.node}]` : r.id);
}

const VERDICT_MARK: Record<ScenarioResult['verdict'], string> = { passed: '✅ passed', failed: '❌ failed', known: '⚠️ known failure', skipped: '↷ skipped' };

export function renderMarkdown(report: RunReport): string {
  const { run, counts, target } = report;
  const ok = run.exitCode === 0;
  const out: string[] = [`## multus-conformance: ${ok ? '✅ passed' : `❌ failed (exit ${run.exitCode})`}`, ''];
  const started = run.startedAt.replace('T', ' ').slice(0, 19);
  out.push(
    `Run ${mdText(run.runId)} on ${mdText(run.provider)} (profile ${mdText(run.profile)}, mode ${mdText(run.mode)}${run.strict ? ', strict' : ''}), ` +
      `started ${started} UTC, took ${formatDuration(run.durationMs)}${run.tests.length ? `; selection ${mdText(run.tests.join(' '))}` : ''}.`,
  );
  if (target) {
    const m = target.multus;
    out.push(
      '',
      `Kubernetes ${mdText(target.kubernetesVersion)}; Multus ${mdText(m.flavor)} ${mdText(m.image ?? '(image unknown)')} ` +
        `(${mdText(m.daemonSet ?? 'no DaemonSet found')}, ${m.ready}/${m.desired} ready); ${target.nodes.length} node(s).`,
    );
  }
  out.push('', ...table(['passed', 'failed', 'known failures', 'skipped'], [[String(counts.passed), String(counts.failed), String(counts.known), String(counts.skipped)]]));

  if (report.problems.length > 0) {
    out.push('', '### Run problems', '', ...report.problems.map((p) => `- **${mdText(p.id)}**: ${mdText(p.message)}`));
  }
  const failed = report.scenarios.filter((s) => s.verdict === 'failed');
  if (failed.length > 0) {
    out.push('', `### Failed (${failed.length})`, '');
    out.push(...table(['scenario', 'failure', 'rule'], failed.map((s) => [caseLabel(s), mdText(firstLine(s.message)) + (s.knownNotes ? ` (${mdText(s.knownNotes.join('; '))})` : ''), mdText(s.rule ?? '')])));
  }
  const known = report.scenarios.filter((s) => s.verdict === 'known');
  if (known.length > 0) {
    out.push('', `### Known failures (${known.length}, accepted by ${mdText(report.knownFailures?.file ?? 'the known-failures file')}; not counted as failures)`, '');
    out.push(...table(['scenario', 'reason', 'failure'], known.map((s) => [caseLabel(s), mdText(s.known?.reason ?? ''), mdText(firstLine(s.message), 300)])));
  }
  const entries = report.knownFailures?.entries ?? [];
  const fixed = entries.filter((e) => e.status === 'fixed');
  if (fixed.length > 0) {
    out.push('', '### Known-failure entries that no longer fail (remove them from the list)', '', ...fixed.map((e) => `- ${mdText(e.scenario)}: ${mdText(e.reason)}`));
  }
  const expired = entries.filter((e) => e.status === 'expired');
  if (expired.length > 0) {
    out.push('', '### Expired known-failure entries (their failures count again)', '', ...expired.map((e) => `- ${mdText(e.scenario)}: expired ${mdText(e.expires ?? '')}; ${mdText(e.reason)}`));
  }
  if (report.comparison) out.push('', ...comparisonMarkdown(report.comparison));
  const skipped = report.scenarios.filter((s) => s.verdict === 'skipped');
  if (skipped.length > 0) {
    out.push('', `### Skipped (${skipped.length})`, '', ...table(['scenario', 'reason'], skipped.map((s) => [caseLabel(s), mdText(s.skipReason ?? '')])));
  }
  if (report.scenarios.length > 0) {
    out.push('', '<details><summary>Every scenario</summary>', '');
    out.push(
      ...table(
        ['scenario', 'verdict', 'duration', 'rule'],
        report.scenarios.map((s) => [caseLabel(s), VERDICT_MARK[s.verdict], s.verdict === 'skipped' ? '' : formatDuration(s.durationMs), mdText(s.rule ?? '')]),
      ),
      '',
      '</details>',
    );
  }
  return `${out.join('\n')}\n`;
}

/** The comparison with a baseline (also `compare --format markdown`). */
export function comparisonMarkdown(c: NonNullable<RunReport['comparison']>, opts: { all?: boolean } = {}): string[] {
  const out = [`### Compared with ${mdText(c.baseline)}: ${c.regressions === 0 ? 'no regression' : `${c.regressions} regression(s)`}`, ''];
  if (c.targetNote) out.push(`What the runs ran against: ${mdText(c.targetNote)}.`, '');
  else if (c.target.length === 0) out.push('Both runs ran against the same Kubernetes, Multus, CNI plugins and NADs.', '');
  else out.push(...table(['what changed', 'before', 'after'], c.target.map((t) => [mdText(t.subject), mdText(t.before), mdText(t.after)])), '');
  const rows = opts.all ? c.rows : c.rows.filter((r) => r.change !== 'unchanged');
  const unchanged = c.rows.length - c.rows.filter((r) => r.change !== 'unchanged').length;
  if (rows.length > 0) {
    out.push(
      ...table(
        ['change', 'scenario', 'before', 'after', 'duration', 'detail'],
        rows.map((r) => [
          r.regression ? `**${mdText(r.change)}** (regression)` : mdText(r.change),
          mdText(r.key),
          verdictLabel(r.before),
          verdictLabel(r.after),
          mdText(durationChange(r.durationBeforeMs, r.durationAfterMs)),
          mdText(r.detail, 300),
        ]),
      ),
      '',
    );
  }
  if (!opts.all) out.push(`${unchanged} case(s) unchanged.`);
  return out;
}
