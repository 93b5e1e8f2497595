import type { LatencySummary } from './latency.ts';
import type { NetworkError } from './network-errors.ts';
import type { NadRange } from './plan.ts';

/** What scale/pods reports (test case meta `scale` in the JSON report; notes in JUnit). */
export interface ScaleReport {
  pods: number;
  attachmentsPerPod: number;
  node: string;
  subnet: string;
  ranges: NadRange[];
  /** Pods whose every attachment check passed. */
  checked: number;
  /** Pod creation timestamp → Ready condition (kube-burner's podLatency); absent when no pod got Ready. */
  readyLatency?: LatencySummary;
  /** Failure events of the run: the address plugin's, and every other network setup failure. */
  ipamErrors: { count: number; samples: NetworkError[] };
  otherNetworkErrors: { count: number; samples: NetworkError[] };
  /**
   * Wall time of the scenario's steps: creating every pod; from the last
   * create until all are Ready; what the checks took after that (each pod is
   * checked as soon as it is Ready, so most checks overlap the wait).
   */
  stepsMs: { create: number; ready: number; check: number };
}

declare module 'vitest' {
  interface TaskMeta {
    scale?: ScaleReport;
  }
}
