import { FAILURE_REASONS, parseEventError } from '../assert/event-error.ts';

/**
 * The failure events a scale run saw, split into IPAM errors (the address
 * plugin could not hand out or reserve an address) and every other failure
 * to set a pod's networks up. A pod whose sandbox failed once and was then
 * retried may still end Ready: the events are what tells.
 */

/** The parts of an event read here (a CoreV1Event fits). */
export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
}

export interface NetworkError {
  pod: string;
  reason: string;
  /** The error part, wrappers taken off (helpers/assert/event-error.ts). */
  error: string;
  count: number;
}

export interface NetworkErrors {
  ipam: NetworkError[];
  other: NetworkError[];
}

// What host-local and whereabouts say when they cannot give an address
// (allocator errors), or what libcni and Multus say when the IPAM plugin failed.
const IPAM_ERROR = /no IP addresses available|failed to allocate|not available in range set|\bipam\b|host-local|whereabouts/i;

export function networkErrors(events: readonly EventLike[]): NetworkErrors {
  const out: NetworkErrors = { ipam: [], other: [] };
  for (const e of events) {
    const reason = e.reason ?? '';
    if (!FAILURE_REASONS.has(reason) || (e.involvedObject?.kind ?? 'Pod') !== 'Pod') continue;
    const error = parseEventError(reason, e.message ?? '').error;
    const item: NetworkError = { pod: e.involvedObject?.name ?? '', reason, error, count: e.count ?? 1 };
    (IPAM_ERROR.test(error) ? out.ipam : out.other).push(item);
  }
  return out;
}

/** How many times such errors happened (an event's count included). */
export function occurrences(errors: readonly NetworkError[]): number {
  return errors.reduce((n, e) => n + e.count, 0);
}

/** One line: the count and the first few distinct errors, each with one pod it hit. */
export function describeErrors(kind: string, errors: readonly NetworkError[], shown = 3): string {
  if (errors.length === 0) return `${kind}: none`;
  const distinct = new Map<string, string>();
  for (const e of errors) if (!distinct.has(e.error)) distinct.set(e.error, e.pod);
  const samples = [...distinct].slice(0, shown).map(([error, pod]) => `${pod}: ${error}`);
  const more = distinct.size - samples.length;
  return `${kind}: ${occurrences(errors)} on ${new Set(errors.map((e) => e.pod)).size} pod(s): ${samples.join('; ')}${more > 0 ? `; and ${more} more distinct` : ''}`;
}
