import { parseCidr, parseIp } from './ip-address.ts';

/** What `ip` shows inside a pod, in a form both ip flavours (iproute2 JSON, busybox text) parse into. */
export interface LiveAddress {
  family: 'inet' | 'inet6';
  address: string;
  prefixLength: number;
  /**
   * The kernel's duplicate address detection states of the address (RFC 4862),
   * absent when it has none: an IPv6 address is usable only once it is neither
   * tentative nor dadfailed.
   */
  flags?: AddressFlag[];
}

/** The address states that say whether an IPv6 address is usable yet; both ip flavours print these names. */
export const ADDRESS_FLAGS = ['tentative', 'dadfailed', 'optimistic', 'deprecated'] as const;
export type AddressFlag = (typeof ADDRESS_FLAGS)[number];

export interface LiveInterface {
  name: string;
  mac?: string;
  mtu: number;
  operstate: string;
  flags: string[];
  /** linkinfo info_kind (macvlan, ipvlan, veth, …); only iproute2 with `-d` reports it. */
  kind?: string;
  /** linkinfo info_data.mode (bridge, l2, …). */
  mode?: string;
  addresses: LiveAddress[];
}

export interface LiveRoute {
  /** 'default' or a CIDR; host routes are written with their full prefix (/32, /128). */
  dst: string;
  gateway?: string;
  dev: string;
}

/** The format a parser reports in its errors, e.g. "ip -j addr". */
export class IpOutputError extends Error {
  override name = 'IpOutputError';
  constructor(format: string, where: string, problem: string) {
    super(`${format}: ${where}: ${problem}`);
  }
}

/**
 * ip prints a host route's destination without a prefix ("10.0.0.5"); the
 * rest of the suite compares CIDRs, so give it one. Returns undefined when
 * the text is neither.
 */
export function normalizeRouteDst(dst: string): string | undefined {
  if (dst === 'default') return dst;
  if (dst.includes('/')) return parseCidr(dst) ? dst : undefined;
  const ip = parseIp(dst);
  return ip ? `${dst}/${ip.family === 4 ? 32 : 128}` : undefined;
}

/**
 * Route types that are not a path out of a device (local, broadcast, …
 * live in other tables; blackhole and friends have no device). Both parsers
 * drop them, so the same routing table gives the same LiveRoute list.
 */
export const NON_UNICAST_ROUTE_TYPES = new Set([
  'local', 'broadcast', 'multicast', 'anycast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat',
]);
