import type * as k8s from '@kubernetes/client-node';
import { ConformanceFailure } from '../errors.ts';
import type { PodEvent } from '../k8s/events.ts';
import { describePod } from '../k8s/wait.ts';
import { FAILURE_REASONS, isTransientApiError, parseEventError, type EventError } from './event-error.ts';
import type { CauseMatcher } from './negative-cause.ts';

/**
 * The decisions behind a pod that must fail: while waiting for its failure
 * event, while it must stay down afterwards, and when its delete does not
 * complete. Pure, so each can be fed wrong data; the waits live in
 * helpers/scenario/env.ts.
 */

/** What a negative scenario expects of one pod. */
export interface ExpectedFailure {
  /** `namespace/name`. */
  pod: string;
  /** The interface whose attachment must fail (requested or generated name). */
  iface: string;
  cause: CauseMatcher;
}

export type FailureVerdict =
  | { kind: 'waiting'; state: string; transient: number }
  | { kind: 'failed'; event: EventError; state: string }
  | { kind: 'violation'; failure: ConformanceFailure };

/**
 * The pod got to run: phase Running (or past it), or a container started.
 * A pod deleted before its sandbox came up is Failed with a terminated
 * container whose startedAt is null: it never ran. (`!= null`: the API
 * sends null where the client's types say undefined.)
 */
export function podHasRun(pod: k8s.V1Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Running' || phase === 'Succeeded') return true;
  return (pod.status?.containerStatuses ?? []).some((c) => c.state?.running != null || c.state?.terminated?.startedAt != null);
}

/** Every failure event about the pod, parsed into its error part. */
export function failureErrors(events: readonly PodEvent[]): EventError[] {
  return events.filter((e) => FAILURE_REASONS.has(e.reason)).map((e) => parseEventError(e.reason, e.message));
}

function errorsText(errors: readonly EventError[]): string {
  const seen = [...new Set(errors.map((e) => `${e.reason}: ${e.error}`))];
  return seen.length === 0 ? 'no failure events' : seen.join(' | ');
}

/**
 * One look at a pod that must not start. It fails when the pod runs, and
 * when failure events came but none of them is the provoked cause: the pod
 * failed for some other reason, which proves nothing about this one. It
 * waits while there is no failure event yet, or only transient API errors
 * (isTransientApiError); a wait that never sees more times out and fails.
 */
export function judgeExpectedFailure(want: ExpectedFailure, pod: k8s.V1Pod, events: readonly PodEvent[]): FailureVerdict {
  const errors = failureErrors(events);
  if (podHasRun(pod)) {
    return {
      kind: 'violation',
      failure: new ConformanceFailure({
        pod: want.pod,
        iface: want.iface,
        check: `pod must not run (${want.cause.cause})`,
        expected: `never Running; a failure event with ${want.cause.expected}`,
        actual: `${describePod(pod)}; ${errorsText(errors)}`,
      }),
    };
  }
  // A lookup of the pod that timed out is retried by the kubelet and proves
  // nothing either way: the attempts that reached the networks decide.
  const judged = errors.filter((e) => !isTransientApiError(e));
  const transient = errors.length - judged.length;
  const state = `${describePod(pod)}; failure events: ${judged.length}${transient > 0 ? ` (and ${transient} transient API error(s): ${errorsText(errors.filter(isTransientApiError))})` : ''}`;
  if (judged.length === 0) return { kind: 'waiting', state, transient };
  const event = judged.find((e) => want.cause.matches(e.error));
  if (event) return { kind: 'failed', event, state };
  return {
    kind: 'violation',
    failure: new ConformanceFailure({
      pod: want.pod,
      iface: want.iface,
      check: `failure cause (${want.cause.cause})`,
      expected: want.cause.expected,
      actual: errorsText(judged),
    }),
  };
}

/**
 * After its failure event the pod must stay down for the whole hold: a pod
 * that fails once and then runs (a retry that works, a Multus that gives up
 * on the bad value) has not been refused. Undefined while it holds.
 */
export function judgeHold(want: ExpectedFailure, pod: k8s.V1Pod, failedWith: EventError, heldMs: number, holdMs: number): ConformanceFailure | undefined {
  if (!podHasRun(pod)) return undefined;
  return new ConformanceFailure({
    pod: want.pod,
    iface: want.iface,
    check: `pod stays down after its failure event (${want.cause.cause})`,
    expected: `not Running for ${holdMs / 1000}s after "${failedWith.error}"`,
    actual: `${describePod(pod)} ${(heldMs / 1000).toFixed(1)}s after it`,
  });
}

/**
 * A delete that did not complete in time (NPWG §7.2: teardown still runs
 * for a failed attachment). The kubelet's last warning says why, e.g. a CNI
 * DEL that fails on the same bad value.
 */
export function stuckDeletion(
  podId: string,
  pod: k8s.V1Pod | undefined,
  events: readonly PodEvent[],
  timeoutMs: number,
  iface?: string,
): ConformanceFailure {
  const last = events.filter((e) => e.type === 'Warning').pop();
  const state = pod?.metadata?.deletionTimestamp
    ? 'Terminating'
    : pod
      ? `not being deleted (${describePod(pod)})`
      : 'not readable';
  return new ConformanceFailure({
    pod: podId,
    check: `delete after a failed attachment${iface ? ` of ${iface}` : ''} (teardown, NPWG §7.2)`,
    expected: `pod gone within ${timeoutMs / 1000}s`,
    actual: `still present, ${state}${last ? `; last warning ${last.reason}: ${last.message}` : ''}`,
  });
}
