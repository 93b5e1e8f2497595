import { Option, type Command } from 'commander';
import { compareRuns } from '../../helpers/report/compare.ts';
import { comparisonMarkdown } from '../../helpers/report/markdown.ts';
import { redact } from '../../helpers/report/redact.ts';
import { loadRunReport } from '../../helpers/report/run-report.ts';
import { formatComparison } from '../compare-print.ts';
import { EXIT, type ExitCode } from '../errors.ts';

const FORMATS = ['text', 'markdown', 'json'] as const;

interface CompareOptions {
  all: boolean;
  format: (typeof FORMATS)[number];
}

/**
 * `compare BEFORE AFTER`: two runs' reports, case by case, and what changed
 * in the cluster between them (helpers/report/compare.ts). Exit 1 on a
 * regression, 0 otherwise, 2 when either side is not a report.
 */
export function registerCompare(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('compare')
    .description("compare two runs' reports (report.json or report directories): what changed, and whether anything regressed")
    .argument('<before>', 'the earlier run: report.json or its report directory')
    .argument('<after>', 'the later run: report.json or its report directory')
    .option('--all', 'also list the cases that did not change', false)
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .addHelpText(
      'after',
      `
Regressions (exit 1): pass→fail (a known failure included), pass→skip (a capability lost),
a case that ran before and is gone. Reported but not regressions: fail→pass, new cases,
a changed skip reason, a duration change of ≥2 s and ×1.5. Exit 2: either side is not a report.`,
    )
    .action((beforePath: string, afterPath: string, opts: CompareOptions) => {
      const before = loadRunReport(beforePath, 'compare: BEFORE');
      const after = loadRunReport(afterPath, 'compare: AFTER');
      const comparison = compareRuns(before, after);
      let text: string;
      if (opts.format === 'json') text = JSON.stringify({ before: before.path, after: after.path, ...comparison }, null, 2);
      else if (opts.format === 'markdown') text = comparisonMarkdown({ baseline: label(before.path, before.run), ...comparison }, { all: opts.all }).join('\n');
      else text = formatComparison(comparison, { heading: `${label(before.path, before.run)} → ${label(after.path, after.run)}`, all: opts.all });
      process.stdout.write(`${redact(text)}\n`);
      for (const side of [before, after]) {
        if (!side.complete) process.stderr.write(`note: ${side.path} has no multus-conformance section (an older report): no skip reasons, no cluster record\n`);
      }
      done(comparison.regressions > 0 ? EXIT.failed : EXIT.ok);
    });
}

function label(path: string, run: { runId?: string | undefined; startedAt?: string | undefined } | undefined): string {
  if (!run?.runId) return path;
  return `${path} (run ${run.runId}${run.startedAt ? `, ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC` : ''})`;
}
