import { formatIp, parseCidr, parseIp } from '../parse/ip-address.ts';

/**
 * What scale/pods needs before it creates anything: two disjoint address
 * ranges sized to N (one per NAD) inside the scale subnet, and one node with
 * room for N more pods. Pure: the scenario reads the cluster, these decide.
 */

/** The scale subnet and the part of it the two NADs may use. */
export interface ScaleRange {
  subnet: string;
  start: string;
  end: string;
}

/** What a profile (with the user's overrides) says about the scale range. */
export interface ScaleRangeKeys {
  scaleSubnet?: string | undefined;
  scaleRangeStart?: string | undefined;
  scaleRangeEnd?: string | undefined;
}

/** Too small for N: the scenario fails with this before it creates anything. */
export class ScaleRefused extends Error {
  override name = 'ScaleRefused';
}

/**
 * The scale range, or why the keys do not make one. Without start/end the
 * range is the subnet's addresses after host-local's implied gateway
 * (network+1) and before the broadcast address.
 */
export function scaleRangeOf(keys: ScaleRangeKeys): { range?: ScaleRange; problem?: string } {
  if (!keys.scaleSubnet) {
    return keys.scaleRangeStart || keys.scaleRangeEnd ? { problem: 'scaleRangeStart/scaleRangeEnd need scaleSubnet' } : {};
  }
  const subnet = parseCidr(keys.scaleSubnet);
  if (!subnet || subnet.ip.family !== 4) return { problem: `scaleSubnet ${keys.scaleSubnet}: must be an IPv4 CIDR such as 192.168.4.0/22` };
  if (subnet.ip.value !== subnet.network) return { problem: `scaleSubnet ${keys.scaleSubnet}: has host bits set; the network address is ${subnet.text}` };
  if (subnet.prefix > 29) return { problem: `scaleSubnet ${keys.scaleSubnet}: too small (at most /29)` };
  const usableFirst = subnet.network + 2n;
  const usableLast = subnet.last - 1n;
  const bound = (text: string | undefined, fallback: bigint, key: string): bigint | string => {
    if (text === undefined) return fallback;
    const ip = parseIp(text);
    if (!ip || ip.family !== 4) return `${key} ${text}: not an IPv4 address`;
    if (ip.value < usableFirst || ip.value > usableLast) {
      return `${key} ${text}: outside ${subnet.text}'s usable addresses ${formatIp(4, usableFirst)}-${formatIp(4, usableLast)} (network+1 is host-local's gateway)`;
    }
    return ip.value;
  };
  const start = bound(keys.scaleRangeStart, usableFirst, 'scaleRangeStart');
  if (typeof start === 'string') return { problem: start };
  const end = bound(keys.scaleRangeEnd, usableLast, 'scaleRangeEnd');
  if (typeof end === 'string') return { problem: end };
  if (start > end) return { problem: `scaleRangeStart ${formatIp(4, start)} is after scaleRangeEnd ${formatIp(4, end)}` };
  return { range: { subnet: subnet.text, start: formatIp(4, start), end: formatIp(4, end) } };
}

/**
 * Spare addresses per NAD beyond N: the suite deletes pods with grace period
 * 0, so a pod of an earlier run can be gone from the API while its CNI DEL
 * (which frees its address) is still pending on the node. A quarter more
 * (at least 2) absorbs those without making the range "unsized".
 */
export function headroom(n: number): number {
  return Math.max(2, Math.ceil(n / 4));
}

export interface NadRange {
  start: string;
  end: string;
  /** How many addresses the range holds. */
  size: number;
}

function size(range: ScaleRange): bigint {
  return parseIp(range.end)!.value - parseIp(range.start)!.value + 1n;
}

/**
 * The two NADs' ranges: consecutive, disjoint, from the start of the scale
 * range, each N plus headroom addresses (or what half the range holds, when
 * that is less but still N). Refuses when half the range cannot hold N.
 */
export function nadRanges(n: number, range: ScaleRange): [NadRange, NadRange] {
  const total = size(range);
  const half = total / 2n;
  if (half < BigInt(n)) {
    throw new ScaleRefused(
      `scale range ${range.start}-${range.end} (${total} addresses in ${range.subnet}) is too small for ${n} pods: ` +
        `two attachments each need ${2 * n} addresses; set network.scaleSubnet/scaleRangeStart/scaleRangeEnd to a wider range`,
    );
  }
  const each = BigInt(n + headroom(n)) < half ? BigInt(n + headroom(n)) : half;
  const first = parseIp(range.start)!.value;
  const make = (from: bigint): NadRange => ({ start: formatIp(4, from), end: formatIp(4, from + each - 1n), size: Number(each) });
  return [make(first), make(first + each)];
}

/** A node's room for pods: status.allocatable.pods minus the pods not yet finished on it. */
export interface NodeRoom {
  node: string;
  allocatable: number;
  /** Pods bound to the node whose phase is not Succeeded or Failed. */
  used: number;
}

/**
 * The node all N pods go to: host-local keeps its pool per node, so pods of
 * one range on two nodes could get the same address. The one with the most
 * room; refused when even it has less room than N.
 */
export function pickNode(n: number, rooms: readonly NodeRoom[]): NodeRoom {
  const best = [...rooms].sort((a, b) => b.allocatable - b.used - (a.allocatable - a.used) || a.node.localeCompare(b.node))[0];
  if (!best) throw new ScaleRefused(`no node can attach macvlan pods: nowhere to put ${n} pods`);
  const free = best.allocatable - best.used;
  if (free < n) {
    throw new ScaleRefused(
      `node ${best.node} has room for ${Math.max(0, free)} more pods (allocatable ${best.allocatable}, ${best.used} already on it), ` +
        `${n} asked for${rooms.length > 1 ? ` (the roomiest of ${rooms.length} nodes)` : ''}`,
    );
  }
  return best;
}

/**
 * How long all N pods may take to be Ready together: one pod's podReady,
 * plus a second per pod (the kubelet sets sandboxes up a few at a time).
 */
export function readyBudgetMs(n: number, podReadyMs: number): number {
  return podReadyMs + n * 1000;
}
