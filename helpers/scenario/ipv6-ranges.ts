import { splitRange } from '../nad/ipam-range.ts';
import type { ProfileValues } from '../fixtures/profile.ts';

/**
 * Each ipv6/* scenario's quarter of the profile's IPv6 range: its NAD is a
 * host-local pool of its own (pools are per network name), so two
 * scenarios' pods never get one address, and DAD never fails for that.
 * The last quarter is no scenario's: test/e2e/ipv6-sabotage.test.ts moves a
 * NAD there, inside the segment's range but outside what the check expects.
 */
export const IPV6_PART = { macvlan: 0, 'dual-stack': 1, 'external-host': 2, sabotage: 3 } as const;

/**
 * A prefix behind the IPv6 gateway that the fixtures route to (a ULA /64
 * nobody uses): the scenario finds it in the pod's IPv6 table via the
 * gateway, the configured route next to the on-link one.
 */
export const IPV6_ROUTE_DST = 'fd00:6d63:1::/64';

/** The template variables of macvlan-ipv6 / macvlan-dual-stack for one quarter. */
export function ipv6Vars(p: ProfileValues, part: keyof typeof IPV6_PART): { v6RangeStart: string; v6RangeEnd: string; v6RouteDst: string } {
  if (!p.ipv6RangeStart || !p.ipv6RangeEnd) throw new Error('ipv6Vars: the profile has no IPv6 range (the ipv6-range requirement gates this)');
  const [v6RangeStart, v6RangeEnd] = splitRange(p.ipv6RangeStart, p.ipv6RangeEnd, 4)[IPV6_PART[part]]!;
  return { v6RangeStart, v6RangeEnd, v6RouteDst: IPV6_ROUTE_DST };
}
