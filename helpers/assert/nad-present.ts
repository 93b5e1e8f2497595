import { ConformanceFailure } from '../errors.ts';

/** A NetworkAttachmentDefinition a pod uses, as `namespace/name`, and the pod's interfaces from it. */
export interface NadUse {
  nad: string;
  ifaces: readonly string[];
}

/**
 * A running pod's NADs exist. A NAD deleted under a running pod leaves an
 * attachment nobody can reproduce: the next pod of the same workload fails
 * (NoNetworkFound), and the pod's own teardown runs on Multus' cached copy.
 */
export function assertNadPresent(pod: string, use: NadUse, present: boolean): void {
  if (present) return;
  throw new ConformanceFailure({
    pod,
    ...(use.ifaces.length > 0 ? { iface: use.ifaces.join(', ') } : {}),
    check: 'NetworkAttachmentDefinition the pod uses exists',
    expected: `NAD ${use.nad}`,
    actual: 'not found',
  });
}
