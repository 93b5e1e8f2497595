import { ConformanceFailure } from '../../helpers/errors.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import type { PodAudit } from './audit-pod.ts';

/** What an audit amounts to, counted once per pod. */
export interface AuditSummary {
  pods: number;
  correct: number;
  wrong: number;
  notChecked: number;
  /** Pods whose live interfaces were compared with their annotation. */
  compared: number;
  /** Of those, read from the node because exec could not. */
  viaNodeProbe: number;
  /** Pods the audit failed to read (node probe failed). */
  readFailed: number;
  findings: number;
}

export function summarize(audits: readonly PodAudit[]): AuditSummary {
  return {
    pods: audits.length,
    correct: audits.filter((a) => a.verdict === 'correct').length,
    wrong: audits.filter((a) => a.verdict === 'wrong').length,
    notChecked: audits.filter((a) => a.verdict === 'not-checked').length,
    compared: audits.filter((a) => a.readBy !== undefined).length,
    viaNodeProbe: audits.filter((a) => a.readBy === 'node-probe').length,
    readFailed: audits.filter((a) => a.readFailed === true).length,
    findings: audits.reduce((n, a) => n + a.findings.length, 0),
  };
}

/**
 * The `audit` command's exit code. 1 for a finding, and for a pod the audit
 * failed to read (the node probe failed: like a failed probe in a run, a
 * failure, not a skip). A pod not checked for what it is (not running,
 * hostNetwork, exec impossible with the node probe turned off) is like a
 * skipped scenario: exit 0, said plainly, unless `failOnUnchecked` (CI)
 * asks for 1 whenever a pod was not checked or nothing was compared.
 */
export function auditExitCode(s: AuditSummary, opts: { failOnUnchecked: boolean }): ExitCode {
  if (s.findings > 0 || s.readFailed > 0) return EXIT.failed;
  if (opts.failOnUnchecked && (s.notChecked > 0 || s.compared === 0)) return EXIT.failed;
  return EXIT.ok;
}

function whyList(audits: readonly PodAudit[], max = 3): string {
  const unchecked = audits.filter((a) => a.verdict === 'not-checked');
  const shown = unchecked.slice(0, max).map((a) => `${a.pod}: ${a.why ?? 'not read'}`);
  return `${shown.join('; ')}${unchecked.length > max ? `; and ${unchecked.length - max} more` : ''}`;
}

/** The plain sentence for an audit that compared no pod with its live interfaces; undefined when one was. */
export function nothingComparedMessage(audits: readonly PodAudit[], scope: string): string | undefined {
  const s = summarize(audits);
  if (s.compared > 0) return undefined;
  if (s.pods === 0) return `Nothing was compared: no pod with network annotations ${scope}.`;
  const wrong = s.wrong > 0 ? `, ${s.wrong} with findings from the annotations and NADs alone` : '';
  return `Nothing was compared: none of the ${s.pods} pod(s) ${scope} had its live interfaces read${wrong} (${whyList(audits)}).`;
}

export type ScenarioOutcome = { kind: 'pass'; note: string } | { kind: 'skip'; reason: string } | { kind: 'fail'; error: Error };

/**
 * What `audit/workload-pods` makes of an audit: fails on a finding (the
 * first one, with the count) and on a pod the audit failed to read; skips
 * with the reason when it compared nothing; passes otherwise, with a note
 * naming pods it could not check.
 */
export function scenarioOutcome(audits: readonly PodAudit[], scope: string): ScenarioOutcome {
  const s = summarize(audits);
  const first = audits.flatMap((a) => a.findings)[0];
  if (first) {
    return {
      kind: 'fail',
      error: new ConformanceFailure({
        ...first,
        check: `${first.check} (${s.findings} finding(s) across ${s.wrong} of ${s.pods} pod(s); run \`multus-conformance audit\` for all)`,
      }),
    };
  }
  const failed = audits.find((a) => a.readFailed);
  if (failed) {
    return { kind: 'fail', error: new Error(`audit of pod ${failed.pod} failed (${s.readFailed} pod(s) not read): ${failed.why ?? 'not read'}`) };
  }
  const nothing = nothingComparedMessage(audits, scope);
  if (nothing) return { kind: 'skip', reason: nothing };
  const unchecked = s.notChecked > 0 ? `; ${s.notChecked} not checked (${whyList(audits)})` : '';
  return { kind: 'pass', note: `${s.compared} pod(s) compared with their live interfaces (${s.viaNodeProbe} from the node)${unchecked}` };
}
