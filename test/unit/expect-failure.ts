import { expect } from 'vitest';
import { ConformanceFailure } from '../../helpers/errors.ts';

export const POD = 'mc-unit/sample-pod';

export interface FailureShape {
  /** The interface the message must name (when the check has one). */
  iface?: string;
  /** Fragments of the expected and actual values the message must show. */
  expected: string;
  actual: string;
}

/** Runs `fn`, which must throw a ConformanceFailure naming the pod, the interface and expected vs actual. */
export function expectFailure(fn: () => unknown, shape: FailureShape, pod = POD): ConformanceFailure {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a ConformanceFailure').toBeInstanceOf(ConformanceFailure);
  const failure = caught as ConformanceFailure;
  const { message } = failure;
  expect(message).toContain(`pod ${pod}`);
  if (shape.iface !== undefined) expect(message).toContain(shape.iface);
  expect(failure.mismatch.pod).toBe(pod);
  if (shape.iface !== undefined && failure.mismatch.iface !== undefined) expect(failure.mismatch.iface).toContain(shape.iface);
  expect(failure.mismatch.expected).toContain(shape.expected);
  expect(failure.mismatch.actual).toContain(shape.actual);
  expect(message).toContain(`expected ${failure.mismatch.expected}, got ${failure.mismatch.actual}`);
  return failure;
}
