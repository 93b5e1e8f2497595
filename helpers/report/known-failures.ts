import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { formatPath } from '../parse/zod-path.ts';

/**
 * Known failures for CI, the way pytest has xfail: a failure the team has
 * accepted (an upstream bug, with a reason) is reported as *known* instead
 * of failed, so a nightly job goes red only on something new. An entry that
 * has expired counts as a normal failure again; an entry whose scenario now
 * passes is reported as *fixed*, so the list can be pruned.
 *
 * The file is a YAML list:
 *
 *   - scenario: negative/long-ifname          # scenario id (`multus-conformance list`)
 *     message: "got still present, Terminating" # regex, searched in the failure message
 *     reason: https://github.com/org/repo/issues/1  # shown in every report
 *     expires: 2027-06-30                      # optional; known through that day (UTC)
 */

const SCENARIO_ID = /^[a-z0-9-]+\/[a-z0-9-]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isoDate = z.union([z.string(), z.date()]).transform((v, ctx) => {
  // YAML 1.1 parsers turn an unquoted date into a timestamp; the `yaml` package (1.2) keeps a string.
  const text = v instanceof Date ? v.toISOString().slice(0, 10) : v.trim();
  const m = DATE.exec(text);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== text) {
    ctx.addIssue({ code: 'custom', message: `must be a date YYYY-MM-DD, got ${JSON.stringify(String(v))}` });
    return z.NEVER;
  }
  return text;
});

const EntrySchema = z.strictObject({
  scenario: z.string().regex(SCENARIO_ID, 'must be a scenario id such as negative/long-ifname'),
  message: z
    .string()
    .min(1, 'must be a regular expression (use ".*" to accept any failure of the scenario)')
    .superRefine((source, ctx) => {
      try {
        new RegExp(source);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${e instanceof Error ? e.message : String(e)}` });
      }
    }),
  reason: z.string().trim().min(1, 'must say why the failure is accepted (e.g. the upstream issue URL)'),
  expires: isoDate.optional(),
});

const FileSchema = z.array(EntrySchema);

export interface KnownEntry {
  /** 0-based position in the file (shown 1-based). */
  index: number;
  scenario: string;
  /** The regex as written. */
  message: string;
  pattern: RegExp;
  reason: string;
  /** YYYY-MM-DD: the last day the entry counts. */
  expires?: string;
}

export interface KnownFailures {
  file: string;
  entries: KnownEntry[];
}

/** A failure the list accepts. */
export interface KnownMatch {
  /** 0-based entry index. */
  entry: number;
  reason: string;
  /** The regex as written. */
  pattern: string;
  /** The part of the failure message the regex matched. */
  matched: string;
  expires?: string;
}

/** Why a failure of a listed scenario is still a failure. */
export interface KnownMiss {
  entry: number;
  why: 'expired' | 'message differs';
  reason: string;
  pattern: string;
  expires?: string;
}

export type KnownVerdict = { known: KnownMatch } | { misses: KnownMiss[] };

/**
 * Reads and validates the file. Every problem is one line naming the file
 * and the entry (exit code 2 in the CLI). With `scenarioIds`, an entry naming
 * a scenario the suite does not have is refused: a typo would otherwise
 * silently accept nothing.
 */
export function loadKnownFailures(file: string, scenarioIds?: ReadonlySet<string>): KnownFailures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--known-failures ${file}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? 'unknown error'})`}`);
  }
  return parseKnownFailures(text, file, scenarioIds);
}

export function parseKnownFailures(text: string, file: string, scenarioIds?: ReadonlySet<string>): KnownFailures {
  const where = `--known-failures ${file}`;
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (e) {
    throw new UsageError(`${where}: invalid YAML: ${(e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''}`);
  }
  if (parsed === null || parsed === undefined) parsed = [];
  if (!Array.isArray(parsed)) throw new UsageError(`${where}: must be a YAML list of entries (- scenario: …, message: …, reason: …)`);
  const result = FileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const index = typeof issue.path[0] === 'number' ? issue.path[0] : undefined;
    const scenario = index === undefined ? undefined : (parsed[index] as { scenario?: unknown } | undefined)?.scenario;
    const entry = index === undefined ? '' : `entry ${index + 1}${typeof scenario === 'string' ? ` (${scenario})` : ''}: `;
    const field = issue.code === 'unrecognized_keys' ? `${issue.keys[0] ?? ''}: unknown key (scenario, message, reason, expires)` : `${formatPath(issue.path.slice(1))}: ${issue.message}`;
    throw new UsageError(`${where}: ${entry}${field}`);
  }
  const entries = result.data.map((e, index): KnownEntry => ({
    index,
    scenario: e.scenario,
    message: e.message,
    pattern: new RegExp(e.message),
    reason: e.reason,
    ...(e.expires ? { expires: e.expires } : {}),
  }));
  if (scenarioIds) {
    const unknown = entries.find((e) => !scenarioIds.has(e.scenario));
    if (unknown) throw new UsageError(`${where}: entry ${unknown.index + 1}: scenario ${unknown.scenario} does not exist (see \`multus-conformance list\`)`);
  }
  return { file, entries };
}

/** An entry counts through its expiry day (UTC) and not after. */
export function isExpired(entry: Pick<KnownEntry, 'expires'>, now: Date): boolean {
  return entry.expires !== undefined && now.toISOString().slice(0, 10) > entry.expires;
}

/**
 * Decides a failure of scenario `id` with `message`: known when an entry for
 * the scenario matches the message and has not expired (the first such entry
 * in file order); otherwise the entries that named the scenario and why they
 * did not apply (none when the list does not name it).
 */
export function matchKnown(known: KnownFailures, id: string, message: string, now: Date): KnownVerdict {
  const misses: KnownMiss[] = [];
  for (const e of known.entries) {
    if (e.scenario !== id) continue;
    const m = e.pattern.exec(message);
    const base = { entry: e.index, reason: e.reason, pattern: e.message, ...(e.expires ? { expires: e.expires } : {}) };
    if (!m) misses.push({ ...base, why: 'message differs' });
    else if (isExpired(e, now)) misses.push({ ...base, why: 'expired' });
    else return { known: { ...base, matched: m[0] } };
  }
  return { misses };
}

/** One line for a failure that a listed entry did not accept. */
export function describeMiss(miss: KnownMiss, file: string): string {
  return miss.why === 'expired'
    ? `known-failure entry ${miss.entry + 1} of ${file} expired on ${miss.expires ?? '?'} (${miss.reason}): counted as a failure`
    : `known-failure entry ${miss.entry + 1} of ${file} names this scenario, but its message /${miss.pattern}/ does not match this failure`;
}

/** What became of each entry in a run. */
export type EntryStatus =
  /** A failure matched it: reported as known. */
  | 'matched'
  /** Its scenario ran and passed everywhere: the entry can be removed. */
  | 'fixed'
  /** Past its expiry date: its failures count as failures. */
  | 'expired'
  /** Its scenario failed with a message the regex does not match. */
  | 'unmatched'
  /** Its scenario did not run (not selected, skipped): nothing to say. */
  | 'not run';

export interface EntryReport {
  entry: number;
  scenario: string;
  message: string;
  reason: string;
  expires?: string;
  status: EntryStatus;
}

/** The status of every entry, from the verdicts of the run's cases. */
export function entryStatuses(
  known: KnownFailures,
  cases: ReadonlyArray<{ id: string; verdict: 'passed' | 'failed' | 'known' | 'skipped'; known?: { entry: number } }>,
  now: Date,
): EntryReport[] {
  return known.entries.map((e) => {
    const mine = cases.filter((c) => c.id === e.scenario);
    const status: EntryStatus = isExpired(e, now)
      ? 'expired'
      : mine.some((c) => c.known?.entry === e.index)
        ? 'matched'
        : mine.some((c) => c.verdict === 'failed' || c.verdict === 'known')
          ? 'unmatched'
          : mine.some((c) => c.verdict === 'passed')
            ? 'fixed'
            : 'not run';
    return { entry: e.index, scenario: e.scenario, message: e.message, reason: e.reason, ...(e.expires ? { expires: e.expires } : {}), status };
  });
}
