import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { TimingsReport } from '../timing/report.ts';
import { UsageError } from '../errors.ts';
import type { Comparison } from './compare.ts';
import type { EntryReport } from './known-failures.ts';
import type { RunProblem } from './run-problems.ts';
import type { RunIdentity, RunTarget } from './run-record.ts';
import { parseCaseName, type Counts, type ScenarioResult, type Verdict } from './results.ts';

/**
 * The run as multus-conformance itself reports it, added to vitest's JSON
 * report under this key: identity, what it ran against, every case with its
 * verdict, the known-failure entries and the comparison with a baseline.
 * The Markdown and HTML reports and `compare` read this.
 */
export const REPORT_KEY = 'multusConformance';
export const REPORT_SCHEMA = 1;

export interface RunReport {
  schema: typeof REPORT_SCHEMA;
  run: RunIdentity;
  /** Absent when the run stopped before it reached the cluster. */
  target?: RunTarget;
  counts: Counts;
  scenarios: ScenarioResult[];
  /** Run-level problems (`run/…`), also reported as test cases of their own. */
  problems: RunProblem[];
  knownFailures?: { file: string; entries: EntryReport[] };
  comparison?: BaselineComparison;
  /** Where the run spent its time: phases, and each scenario by part (`--timings` prints it). */
  timings?: TimingsReport;
}

export interface BaselineComparison extends Comparison {
  /** The baseline report's path. */
  baseline: string;
  /** The baseline's run id and start, when it recorded them. */
  baselineRun?: { runId?: string | undefined; startedAt?: string | undefined };
}

/** A report read back for `compare` / `--baseline`: what a comparison needs, from either kind of report. */
export interface LoadedReport {
  path: string;
  scenarios: ScenarioResult[];
  target?: RunTarget;
  run?: { runId?: string | undefined; startedAt?: string | undefined };
  /** false: a vitest JSON report without the multus-conformance section (an older run): no skip reasons, no target. */
  complete: boolean;
}

const VERDICTS = ['passed', 'failed', 'known', 'skipped'] as const satisfies readonly Verdict[];

// Lenient where a later version may add fields; strict on what compare reads.
const ScenarioSchema = z.object({
  id: z.string(),
  node: z.string().optional(),
  title: z.string(),
  name: z.string(),
  verdict: z.enum(VERDICTS),
  durationMs: z.number(),
  rule: z.string().optional(),
  skipReason: z.string().optional(),
  message: z.string().optional(),
  loadError: z.literal(true).optional(),
});

const TargetSchema = z.object({
  kubernetesVersion: z.string(),
  multus: z.object({
    daemonSet: z.string().optional(),
    image: z.string().optional(),
    flavor: z.enum(['thin', 'thick', 'unknown']),
    ready: z.number(),
    desired: z.number(),
    pods: z.array(z.object({ name: z.string(), uid: z.string(), node: z.string(), restarts: z.record(z.string(), z.number()) })).optional(),
  }),
  nodes: z.array(z.object({ name: z.string(), cniBinaries: z.record(z.string(), z.string()).optional(), probeError: z.string().optional() })),
  nads: z.array(z.object({ scenario: z.string(), name: z.string(), configSha256: z.string() })),
});

const SectionSchema = z.object({
  schema: z.literal(REPORT_SCHEMA),
  run: z.object({ runId: z.string().optional(), startedAt: z.string().optional() }).optional(),
  target: TargetSchema.optional(),
  scenarios: z.array(ScenarioSchema),
});

const VitestSchema = z.object({
  testResults: z.array(
    z.object({
      assertionResults: z.array(
        z.object({ fullName: z.string(), title: z.string().optional(), status: z.string(), duration: z.number().nullish(), failureMessages: z.array(z.string()).nullish() }),
      ),
    }),
  ),
});

/**
 * Reads a run's JSON report, or `report.json` inside a report directory.
 * Anything that is not one is a UsageError of one line naming `label` and
 * the file (exit code 2).
 */
export function loadRunReport(path: string, label: string): LoadedReport {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'report.json');
  } catch {
    throw new UsageError(`${label} ${path}: no such file or directory`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no report.json in that directory' : code ? `cannot be read (${code})` : `not JSON: ${firstLine(e)}`;
    throw new UsageError(`${label} ${file}: ${why}`);
  }
  const section = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[REPORT_KEY] : undefined;
  if (section !== undefined) {
    const parsed = SectionSchema.safeParse(section);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${label} ${file}: not a multus-conformance report: ${REPORT_KEY}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const s = parsed.data;
    return {
      path: file,
      scenarios: s.scenarios.map((x) => dropUndefined(x) as ScenarioResult),
      ...(s.target ? { target: s.target as RunTarget } : {}),
      ...(s.run ? { run: s.run } : {}),
      complete: true,
    };
  }
  const vitest = VitestSchema.safeParse(data);
  if (!vitest.success) throw new UsageError(`${label} ${file}: not a multus-conformance or vitest JSON report (no testResults)`);
  return { path: file, scenarios: fromVitest(vitest.data), complete: false };
}

/** An older report: the verdicts and durations vitest recorded; run-level problems are not scenarios. */
function fromVitest(report: z.infer<typeof VitestSchema>): ScenarioResult[] {
  const out: ScenarioResult[] = [];
  for (const file of report.testResults) {
    for (const a of file.assertionResults) {
      const { id, title, node } = parseCaseName(a.fullName);
      if (id.startsWith('run/')) continue;
      const verdict: Verdict = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      const message = a.failureMessages?.[0];
      out.push({
        id,
        ...(node ? { node } : {}),
        title,
        name: a.fullName,
        verdict,
        durationMs: Math.round(a.duration ?? 0),
        ...(verdict === 'failed' && message ? { message: firstLine(message) } : {}),
      });
    }
  }
  return out;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}
