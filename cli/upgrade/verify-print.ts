import { formatLossWindow } from '../../helpers/upgrade/probe-log.ts';
import type { VerifyResult } from './verify.ts';

const MARK = { passed: '✓', failed: '✗' } as const;

/** What `upgrade verify` prints: one line per check (failures with their message), then the probe's loss windows. */
export function formatVerify(r: VerifyResult): string {
  const lines = [
    `upgrade verify: canaries "${r.canaryId}" in ${r.namespace} (prepared ${r.preparedAt.slice(0, 16).replace('T', ' ')} UTC` +
      `${r.multusAtPrepare ? `, Multus then: ${r.multusAtPrepare}` : ''}): ` +
      `${r.survived.length} survived, ${r.replaced.length} new since prepare, ${r.gone.length} gone`,
  ];
  for (const c of r.checks) {
    lines.push(`  ${MARK[c.outcome]} ${c.check.padEnd(14)} ${c.pod}`);
    if (c.message) lines.push(`      ${c.message.split('\n')[0]}`);
  }
  if (r.probes.length > 0) {
    lines.push('Probe (each surviving canary to its targets; loss = attempts without a reply):');
    for (const p of r.probes) {
      if (p.windows.length === 0) lines.push(`  ${p.pod}: no attempts logged`);
      for (const w of p.windows) lines.push(`  ${p.pod} → ${formatLossWindow(w)}`);
    }
  }
  const failed = r.checks.filter((c) => c.outcome === 'failed').length;
  lines.push(`${r.checks.length - failed} passed, ${failed} failed`);
  return lines.join('\n');
}
