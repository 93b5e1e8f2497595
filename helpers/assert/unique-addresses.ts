import { ConformanceFailure } from '../errors.ts';
import { parseIpMaybeCidr } from '../parse/ip-address.ts';

/** The addresses one pod's interface holds (read live, in the pod). */
export interface HeldAddresses {
  /** `namespace/name`. */
  pod: string;
  iface: string;
  ips: readonly string[];
}

/**
 * No address is held twice, across every pod and interface given: a
 * cluster-wide IPAM (whereabouts) must never hand one address to two pods,
 * however many start at once (the allocation race OpenShift tests). The
 * failure names both holders; addresses are compared by value, prefix dropped.
 */
export function assertUniqueAddresses(held: readonly HeldAddresses[]): void {
  const first = new Map<string, HeldAddresses>();
  for (const h of held) {
    for (const ip of h.ips) {
      const key = parseIpMaybeCidr(ip)?.text ?? ip;
      const owner = first.get(key);
      if (owner && (owner.pod !== h.pod || owner.iface !== h.iface)) {
        throw new ConformanceFailure({
          pod: h.pod,
          iface: h.iface,
          check: `address unique across ${held.length} attachment(s) (IPAM hands each address out once)`,
          expected: 'an address no other pod holds',
          actual: `${key}, also held by pod ${owner.pod}, interface ${owner.iface}`,
        });
      }
      first.set(key, h);
    }
  }
}
