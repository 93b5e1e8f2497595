import { z } from 'zod';
import { formatIp, parseCidr, parseIpMaybeCidr } from './ip-address.ts';
import { formatPath } from './zod-path.ts';

/**
 * whereabouts' own records (API group whereabouts.cni.cncf.io, v1alpha1), as
 * the plugin writes them: an IPPool per range (and network_name), whose
 * allocations are keyed by the address's offset from the range's network
 * address, and, with enable_overlapping_ranges, one
 * OverlappingRangeIPReservation per address, named after it.
 */
export const WHEREABOUTS_GROUP = 'whereabouts.cni.cncf.io';
export const WHEREABOUTS_VERSION = 'v1alpha1';

const metadataSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
});

const allocationSchema = z.looseObject({
  id: z.string(),
  podref: z.string(),
  ifname: z.string().optional(),
});

const ipPoolSchema = z.looseObject({
  metadata: metadataSchema,
  spec: z.looseObject({
    range: z.string(),
    // The plugin writes `allocations: {}` for an empty pool; older ones omit it.
    allocations: z.record(z.string(), allocationSchema).nullish(),
  }),
});

const reservationSchema = z.looseObject({
  metadata: metadataSchema,
  spec: z.looseObject({
    containerid: z.string().optional(),
    podref: z.string(),
    ifname: z.string().optional(),
  }),
});

export interface PoolAllocation {
  /** The address, computed from the range and the offset key. */
  ip: string;
  offset: string;
  podRef: string;
  containerId: string;
  ifName?: string;
}

export interface IpPool {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  range: string;
  allocations: PoolAllocation[];
}

export interface IpReservation {
  /** The object's name: the address, `-` for `:`, prefixed by network_name when set. */
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  podRef: string;
  containerId?: string;
  ifName?: string;
}

function parseWith<T>(schema: z.ZodType<T>, what: string, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${what}: ${formatPath(issue.path) || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

/** The address at `offset` in `range` (whereabouts counts from the network address). */
export function addressAtOffset(range: string, offset: string): string {
  const cidr = parseCidr(range);
  if (!cidr) throw new Error(`IPPool range "${range}" is not a CIDR`);
  if (!/^\d+$/.test(offset)) throw new Error(`IPPool ${range}: allocation key "${offset}" is not an offset`);
  const value = cidr.network + BigInt(offset);
  if (value > cidr.last) throw new Error(`IPPool ${range}: offset ${offset} lies outside the range`);
  return formatIp(cidr.ip.family, value);
}

/** The offset key whereabouts stores `ip` under in a pool of `range`. */
export function offsetOf(range: string, ip: string): string {
  const cidr = parseCidr(range);
  const addr = parseIpMaybeCidr(ip);
  if (!cidr || !addr || addr.family !== cidr.ip.family || addr.value < cidr.network || addr.value > cidr.last) {
    throw new Error(`${ip} is not inside IPPool range ${range}`);
  }
  return String(addr.value - cidr.network);
}

/** An IPPool object as the API returns it. Throws, naming the field, on anything else. */
/** Name, namespace, UID and resourceVersion of either CR: what the scenarios' UID-preconditioned deletes need. */
function identityOf(m: z.infer<typeof metadataSchema>): { name: string; namespace: string; uid: string; resourceVersion: string } {
  return { name: m.name, namespace: m.namespace ?? '', uid: m.uid ?? '', resourceVersion: m.resourceVersion ?? '' };
}

export function parseIpPool(raw: unknown): IpPool {
  const pool = parseWith(ipPoolSchema, 'IPPool', raw);
  const what = `IPPool ${pool.metadata.namespace ?? ''}/${pool.metadata.name}`;
  const allocations = Object.entries(pool.spec.allocations ?? {}).map(([offset, a]): PoolAllocation => {
    let ip: string;
    try {
      ip = addressAtOffset(pool.spec.range, offset);
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`);
    }
    return { ip, offset, podRef: a.podref, containerId: a.id, ...(a.ifname !== undefined ? { ifName: a.ifname } : {}) };
  });
  allocations.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
  return {
    ...identityOf(pool.metadata),
    range: pool.spec.range,
    allocations,
  };
}

export function parseIpReservation(raw: unknown): IpReservation {
  const r = parseWith(reservationSchema, 'OverlappingRangeIPReservation', raw);
  return {
    ...identityOf(r.metadata),
    podRef: r.spec.podref,
    ...(r.spec.containerid !== undefined ? { containerId: r.spec.containerid } : {}),
    ...(r.spec.ifname !== undefined ? { ifName: r.spec.ifname } : {}),
  };
}

/**
 * The name whereabouts gives the IPPool of `range` (v0.9): the range with
 * `/` and `:` turned into `-`, prefixed by network_name when the NAD sets one.
 */
export function ipPoolName(range: string, networkName?: string): string {
  let r = range;
  if (r.endsWith(':')) r += '0';
  const normalized = r.replaceAll(':', '-').replaceAll('/', '-');
  return networkName ? `${networkName}-${normalized}` : normalized;
}

/** The name of the reservation of `ip` (enable_overlapping_ranges), as whereabouts v0.9 gives it. */
export function reservationName(ip: string, networkName?: string): string {
  const addr = parseIpMaybeCidr(ip);
  let text = addr?.family === 6 ? expandTrailing(addr.text) : (addr?.text ?? ip);
  text = text.replaceAll(':', '-');
  return networkName ? `${networkName}-${text}` : text;
}

// Go prints an IPv6 address ending in `::` that way; whereabouts appends a 0.
function expandTrailing(text: string): string {
  return text.endsWith(':') ? `${text}0` : text;
}
