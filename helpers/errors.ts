/**
 * The three kinds of error the suite distinguishes. The CLI maps them to exit
 * codes: UsageError and ClusterAccessError → 2, a failed scenario → 1.
 */

/** Bad flag, config file, NAD file or other input the user gave us. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The cluster could not be reached or refused us (kubeconfig, context, RBAC). */
export class ClusterAccessError extends Error {
  override name = 'ClusterAccessError';
}

export interface Mismatch {
  /** `namespace/name` of the pod the check looked at. */
  pod: string;
  /** Interface inside the pod, when the check is about one. */
  iface?: string;
  /** What was checked, e.g. "operstate", "IP in range 192.168.1.200-192.168.1.216". */
  check: string;
  expected: string;
  actual: string;
}

/**
 * A conformance check that did not hold. The message always names the pod,
 * the interface (when there is one) and expected vs actual, so a JUnit
 * failure line is enough to act on.
 */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
  readonly mismatch: Mismatch;
  constructor(m: Mismatch) {
    const where = m.iface ? `pod ${m.pod}, interface ${m.iface}` : `pod ${m.pod}`;
    super(`${where}: ${m.check}: expected ${m.expected}, got ${m.actual}`);
    this.mismatch = m;
  }
}
