import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { verdictLabel } from './compare.ts';
import { durationChange, firstLine, formatDuration } from './format.ts';
import type { EntryStatus } from './known-failures.ts';
import type { RunReport } from './run-report.ts';
import { caseKey, type Verdict } from './results.ts';

/**
 * The self-contained HTML report (`report.html`) an operator attaches to a
 * change ticket: one file, inline CSS, no script, no external resource (its
 * Content-Security-Policy forbids loading any). The page is rendered by Eta
 * from templates/report.eta with auto-escaping on: every value goes through
 * `<%= %>`, so text from the cluster (failure messages, skip reasons,
 * annotations) is shown, never interpreted.
 */
const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');
const eta = new Eta({ views: TEMPLATES, autoEscape: true, cache: true });

const VERDICT_TEXT: Record<Verdict, string> = { passed: 'passed', failed: 'failed', known: 'known failure', skipped: 'skipped' };
const STATUS_TEXT: Record<EntryStatus, string> = {
  matched: 'matched a failure (reported as known)',
  fixed: 'fixed: the scenario passed (remove the entry)',
  expired: 'expired: its failures count again',
  unmatched: 'did not match the failure (counted as a failure)',
  'not run': 'not checked: the scenario did not run',
};

export interface HtmlView {
  title: string;
  ok: boolean;
  status: string;
  identity: Array<[string, string]>;
  cluster?: {
    facts: Array<[string, string]>;
    nodes: Array<{ name: string; summary: string; binaries: Array<[string, string]> }>;
    nads: Array<{ scenario: string; name: string; hash: string }>;
  };
  counts: Array<{ label: string; value: number; cls: string }>;
  problems: Array<{ id: string; message: string }>;
  scenarios: Array<{ key: string; title: string; verdict: string; cls: string; duration: string; rule: string; reason: string; details: string; diagnostics: string }>;
  known: Array<{ key: string; reason: string; message: string; pattern: string }>;
  entries?: { file: string; rows: Array<{ n: number; scenario: string; status: string; cls: string; reason: string; expires: string; pattern: string }> };
  comparison?: {
    baseline: string;
    summary: string;
    ok: boolean;
    targetNote: string;
    target: Array<[string, string, string]>;
    rows: Array<{ change: string; regression: boolean; key: string; before: string; after: string; duration: string; detail: string }>;
    unchanged: number;
  };
}

export function htmlView(report: RunReport): HtmlView {
  const { run, target } = report;
  const ok = run.exitCode === 0;
  const view: HtmlView = {
    title: `multus-conformance run ${run.runId}`,
    ok,
    status: ok ? 'PASSED (exit 0)' : `FAILED (exit ${run.exitCode})`,
    identity: [
      ['Run id', run.runId],
      ['Provider / profile / mode', `${run.provider} / ${run.profile} / ${run.mode}${run.strict ? ' (strict)' : ''}`],
      ['Started', `${run.startedAt.replace('T', ' ').slice(0, 19)} UTC`],
      ['Duration', formatDuration(run.durationMs)],
      ['Selection (--test)', run.tests.length ? run.tests.join(' ') : 'all scenarios of the mode'],
      ['Known failures', run.knownFailuresFile ?? 'none'],
      ['Baseline', run.baselineFile ?? 'none'],
      ['multus-conformance', run.version],
    ],
    counts: [
      { label: 'passed', value: report.counts.passed, cls: 'passed' },
      { label: 'failed', value: report.counts.failed, cls: 'failed' },
      { label: 'known failures', value: report.counts.known, cls: 'known' },
      { label: 'skipped', value: report.counts.skipped, cls: 'skipped' },
    ],
    problems: report.problems.map((p) => ({ id: p.id, message: p.message })),
    scenarios: report.scenarios.map((s) => {
      const text = s.verdict === 'skipped' ? (s.skipReason ?? '') : s.verdict === 'known' ? `known failure: ${s.known?.reason ?? ''}` : firstLine(s.message);
      const full = s.message ?? '';
      return {
        key: caseKey(s),
        title: s.title,
        verdict: VERDICT_TEXT[s.verdict],
        cls: s.verdict,
        duration: s.verdict === 'skipped' ? '' : formatDuration(s.durationMs),
        rule: s.rule ?? '',
        reason: [text, ...(s.knownNotes ?? [])].join(' — '),
        // The whole message when the first line does not say it all.
        details: full !== '' && (full !== text || s.verdict === 'known') ? full : '',
        diagnostics: s.diagnostics ?? '',
      };
    }),
    known: report.scenarios
      .filter((s) => s.verdict === 'known')
      .map((s) => ({ key: caseKey(s), reason: s.known?.reason ?? '', message: firstLine(s.message), pattern: s.known?.pattern ?? '' })),
  };
  if (target) {
    const m = target.multus;
    view.cluster = {
      facts: [
        ['Kubernetes', target.kubernetesVersion],
        ['Multus DaemonSet', `${m.daemonSet ?? 'not found'} (${m.ready}/${m.desired} ready)`],
        ['Multus image', m.image ?? 'unknown'],
        ['Multus flavor', m.flavor],
      ],
      nodes: target.nodes.map((n) => {
        const bins = Object.entries(n.cniBinaries ?? {}).sort(([a], [b]) => a.localeCompare(b));
        return {
          name: n.name,
          summary: n.cniBinaries ? `${bins.length} CNI plugin binaries in /opt/cni/bin` : `not probed: ${n.probeError ?? 'no probe result'}`,
          binaries: bins,
        };
      }),
      nads: target.nads.map((n) => ({ scenario: n.scenario, name: n.name, hash: n.configSha256 })),
    };
  }
  if (report.knownFailures) {
    view.entries = {
      file: report.knownFailures.file,
      rows: report.knownFailures.entries.map((e) => ({
        n: e.entry + 1,
        scenario: e.scenario,
        status: STATUS_TEXT[e.status],
        cls: e.status.replace(' ', '-'),
        reason: e.reason,
        expires: e.expires ?? '',
        pattern: e.message,
      })),
    };
  }
  const c = report.comparison;
  if (c) {
    view.comparison = {
      baseline: c.baseline + (c.baselineRun?.runId ? ` (run ${c.baselineRun.runId}${c.baselineRun.startedAt ? `, ${c.baselineRun.startedAt.slice(0, 19).replace('T', ' ')} UTC` : ''})` : ''),
      summary: c.regressions === 0 ? 'no regression' : `${c.regressions} regression(s)`,
      ok: c.regressions === 0,
      targetNote: c.targetNote ?? (c.target.length === 0 ? 'Both runs ran against the same Kubernetes, Multus, CNI plugins and NADs.' : ''),
      target: c.target.map((t) => [t.subject, t.before, t.after]),
      rows: c.rows
        .filter((r) => r.change !== 'unchanged')
        .map((r) => ({
          change: r.change,
          regression: r.regression,
          key: r.key,
          before: verdictLabel(r.before),
          after: verdictLabel(r.after),
          duration: durationChange(r.durationBeforeMs, r.durationAfterMs),
          detail: r.detail,
        })),
      unchanged: c.rows.filter((r) => r.change === 'unchanged').length,
    };
  }
  return view;
}

export function renderHtml(report: RunReport): string {
  return eta.render('report', htmlView(report));
}
