import { ConformanceFailure } from '../errors.ts';
import { parseIpMaybeCidr } from '../parse/ip-address.ts';

/** The addresses one attachment of one pod holds (as `ip` shows them inside the pod). */
export interface HeldIps {
  /** `namespace/name`. */
  pod: string;
  iface: string;
  ips: readonly string[];
}

/**
 * No address is held twice: across pods, and across the attachments of one
 * pod. Addresses are compared by value (prefix dropped, IPv6 canonical).
 * The failure names the second holder found, with the first one as the
 * expected owner.
 */
export function assertUniqueIps(held: readonly HeldIps[]): void {
  const owner = new Map<string, { pod: string; iface: string }>();
  for (const h of held) {
    for (const ip of h.ips) {
      const key = parseIpMaybeCidr(ip)?.text ?? ip;
      const first = owner.get(key);
      if (first) {
        throw new ConformanceFailure({
          pod: h.pod,
          iface: h.iface,
          check: 'IP unique across pods',
          expected: `an address no other attachment holds (${key} is held by pod ${first.pod}, interface ${first.iface})`,
          actual: `${key} here too`,
        });
      }
      owner.set(key, { pod: h.pod, iface: h.iface });
    }
  }
}
