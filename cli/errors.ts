import { redact } from '../helpers/report/redact.ts';

export const PROGRAM = 'multus-conformance';

/** Exit codes of every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

// Matched by name: errors thrown in vitest's global setup come from a separate
// module instance of helpers/errors.ts, so instanceof does not hold.
const USAGE_ERROR_NAMES = new Set(['UsageError', 'ClusterAccessError']);

export function isUsageError(e: unknown): e is Error {
  return typeof e === 'object' && e !== null && USAGE_ERROR_NAMES.has(String((e as { name?: unknown }).name));
}

/** Prints `multus-conformance: <message>` as one line on stderr. */
export function printErrorLine(message: string): void {
  const oneLine = message.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  process.stderr.write(`${PROGRAM}: ${redact(oneLine)}\n`);
}
