import { redact } from '../helpers/report/redact.ts';

export const PROGRAM = 'multus-conformance';

/** Exit codes of every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit codes as `--help` states them (README "Exit codes" says the same). */
export const EXIT_CODES_HELP = `Exit codes:
  0  every scenario that ran passed (skips and --known-failures allowed)
  1  a scenario failed; namespaces were left after the end-of-run sweep (listed); no
     scenario ran (all skipped); --fail-on-skip and a scenario was skipped; fewer than
     --min-passed passed; a regression against --baseline (compare: the same);
     a test file stalled (no progress past its bound; its worker stopped);
     validate or audit found problems
  2  bad flag, config file, kubeconfig or NAD file; the cluster could not be reached or
     brought up (testbed up: the log path is printed), or was lost during the run (no
     new scenario starts once the API server has not answered for 30 s; a cleanup --run-id
     command is printed)
  A failed scenario outranks a later usage or cluster-access error: the run exits 1.`;

// Matched by name: errors thrown in vitest's global setup come from a separate
// module instance of helpers/errors.ts, so instanceof does not hold.
const USAGE_ERROR_NAMES = new Set(['UsageError', 'ClusterAccessError', 'ClusterLost']);

export function isUsageError(e: unknown): e is Error {
  return typeof e === 'object' && e !== null && USAGE_ERROR_NAMES.has(String((e as { name?: unknown }).name));
}

/** Prints `multus-conformance: <message>` as one line on stderr. */
export function printErrorLine(message: string): void {
  const oneLine = message.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  process.stderr.write(`${PROGRAM}: ${redact(oneLine)}\n`);
}
