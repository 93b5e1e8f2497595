import type { Profile } from '../config/settings.ts';

/** Every wait in the suite, by name, in milliseconds. */
export interface Timeouts {
  podReady: number;
  /** How long a pod that must fail is watched for its failure event. */
  podFailure: number;
  /**
   * How long a pod must stay down after its failure event (watched): a pod
   * that fails once and then runs has not been refused.
   */
  failureHold: number;
  /** How long an ordinary pod delete may take. */
  podDeleted: number;
  exec: number;
  probe: number;
  multusReady: number;
  namespaceGone: number;
  /**
   * How long the API server may go unanswered before the run calls the
   * cluster lost: it then starts no more scenarios and exits 2. A shorter
   * outage is waited out.
   */
  apiLost: number;
  /**
   * How long a MultiNetworkPolicy may take to be enforced after it was
   * created (its denied traffic polled until dropped): past it, the API is
   * served but nothing enforces it, a failure.
   */
  policyEnforced: number;
}

const BASE: Timeouts = {
  podReady: 120_000,
  podFailure: 90_000,
  failureHold: 5_000,
  podDeleted: 60_000,
  exec: 30_000,
  probe: 120_000,
  multusReady: 180_000,
  namespaceGone: 120_000,
  apiLost: 30_000,
  policyEnforced: 60_000,
};

// Real clusters pull images and schedule across many nodes: give them longer.
const PER_PROFILE: Record<Profile, Partial<Timeouts>> = {
  // On the testbed a pod is gone within ~2 s of its delete; 15 s is plenty.
  local: { podDeleted: 15_000 },
  kind: { podReady: 180_000 },
  tkg: { podReady: 300_000, podFailure: 180_000, probe: 300_000, multusReady: 600_000 },
  generic: { podReady: 300_000, podFailure: 180_000, probe: 300_000, multusReady: 600_000 },
};

export function timeoutsFor(profile: Profile): Timeouts {
  return { ...BASE, ...PER_PROFILE[profile] };
}
