import type { z } from 'zod';
import { bits, formatIp, parseCidr, parseIp, parseIpMaybeCidr, type ParsedCidr, type ParsedIp } from '../parse/ip-address.ts';
import {
  cniConfigSchemaFor,
  hostLocalIpamSchema,
  ipamPlugin,
  staticIpamSchema,
  whereaboutsIpamSchema,
  type CniConfig,
  type CniConfigList,
} from './cni-config.ts';
import { formatPath } from '../parse/zod-path.ts';

/** Addresses an IPAM hands out: start..end inside subnet, never the gateway or an excluded prefix. */
export interface IpamPool {
  subnet: string;
  start: string;
  end: string;
  gateway?: string;
  /** Prefixes (CIDR) inside start..end that are never handed out (whereabouts `exclude`). */
  excluded: string[];
}

export interface IpamProblem {
  /** Relative to the ipam object, e.g. ['ranges', 0, 0, 'rangeEnd']. */
  path: PropertyKey[];
  severity: 'error' | 'warning';
  message: string;
}

export interface IpamAnalysis {
  pools: IpamPool[];
  problems: IpamProblem[];
  /** False for IPAM types whose addresses the config does not tell (dhcp, unknown types). */
  known: boolean;
}

interface RangeInput {
  subnet: ParsedCidr;
  start?: string | undefined;
  end?: string | undefined;
  gateway?: string | undefined;
  excluded?: string[] | undefined;
}

interface RangeKeys {
  subnet: PropertyKey[];
  start: PropertyKey[];
  end: PropertyKey[];
  gateway: PropertyKey[];
}

/** Last address the IPAM may use by default: IPv4 stops before broadcast, IPv6 has none. */
function defaultEnd(c: ParsedCidr): bigint {
  return c.ip.family === 4 ? c.last - 1n : c.last;
}

function checkIpInSubnet(
  text: string | undefined,
  what: string,
  subnet: ParsedCidr,
  path: PropertyKey[],
  problems: IpamProblem[],
): ParsedIp | undefined {
  if (text === undefined) return undefined;
  const ip = parseIp(text);
  if (!ip) return undefined; // the schema reports malformed addresses
  if (ip.family !== subnet.ip.family || ip.value < subnet.network || ip.value > subnet.last) {
    problems.push({ path, severity: 'error', message: `${what} ${text} is not inside subnet ${subnet.text}` });
    return undefined;
  }
  return ip;
}

function buildRange(
  input: RangeInput,
  keys: RangeKeys,
  opts: { requireNetworkAddress: boolean; defaultGateway: boolean },
  problems: IpamProblem[],
): IpamPool | undefined {
  const { subnet } = input;
  const family = subnet.ip.family;
  const before = problems.length;
  if (opts.requireNetworkAddress && subnet.ip.value !== subnet.network) {
    problems.push({
      path: keys.subnet,
      severity: 'error',
      message: `${subnet.ip.text}/${subnet.prefix} has host bits set; the network address is ${subnet.text}`,
    });
  }
  if (subnet.prefix > bits(family) - 2) {
    problems.push({ path: keys.subnet, severity: 'error', message: `${subnet.text} is too small to allocate from` });
  }
  const start = checkIpInSubnet(input.start, 'start', subnet, keys.start, problems);
  const end = checkIpInSubnet(input.end, 'end', subnet, keys.end, problems);
  const gateway = checkIpInSubnet(input.gateway, 'gateway', subnet, keys.gateway, problems);
  if (problems.length > before) return undefined;

  const startValue = start?.value ?? subnet.network + 1n;
  const endValue = end?.value ?? defaultEnd(subnet);
  if (startValue > endValue) {
    problems.push({
      path: keys.start,
      severity: 'error',
      message: `range start ${formatIp(family, startValue)} is after range end ${formatIp(family, endValue)}`,
    });
    return undefined;
  }
  if (family === 4 && start?.value === subnet.network) {
    problems.push({ path: keys.start, severity: 'warning', message: `start ${start.text} is the network address` });
  }
  if (family === 4 && end?.value === subnet.last) {
    problems.push({ path: keys.end, severity: 'warning', message: `end ${end.text} is the broadcast address` });
  }
  // Warn only when the user carved out a range: then a gateway inside it is
  // likely a mistake, and IPAMs other than host-local may hand it out.
  if (gateway && (start || end) && gateway.value >= startValue && gateway.value <= endValue) {
    problems.push({
      path: keys.gateway,
      severity: 'warning',
      message: `gateway ${gateway.text} lies inside the allocation range ${formatIp(family, startValue)}-${formatIp(family, endValue)}`,
    });
  }
  const pool: IpamPool = {
    subnet: subnet.text,
    start: formatIp(family, startValue),
    end: formatIp(family, endValue),
    excluded: input.excluded ?? [],
  };
  // host-local claims network+1 as the gateway when none is given and never hands it out.
  const gatewayText = gateway?.text ?? (opts.defaultGateway ? formatIp(family, subnet.network + 1n) : undefined);
  if (gatewayText !== undefined) pool.gateway = gatewayText;
  return pool;
}

function schemaProblems(error: z.ZodError): IpamProblem[] {
  return error.issues.map((i) => ({ path: i.path, severity: 'error' as const, message: i.message }));
}

function hostLocal(ipam: unknown): IpamAnalysis {
  const r = hostLocalIpamSchema.safeParse(ipam);
  if (!r.success) return { pools: [], problems: schemaProblems(r.error), known: true };
  const c = r.data;
  const problems: IpamProblem[] = [];
  const pools: IpamPool[] = [];
  const add = (range: { subnet: string; rangeStart?: string | undefined; rangeEnd?: string | undefined; gateway?: string | undefined }, at: PropertyKey[]) => {
    const subnet = parseCidr(range.subnet);
    if (!subnet) return;
    const pool = buildRange(
      { subnet, start: range.rangeStart, end: range.rangeEnd, gateway: range.gateway },
      { subnet: [...at, 'subnet'], start: [...at, 'rangeStart'], end: [...at, 'rangeEnd'], gateway: [...at, 'gateway'] },
      { requireNetworkAddress: true, defaultGateway: true },
      problems,
    );
    if (pool) pools.push(pool);
  };
  if (c.subnet !== undefined) add({ subnet: c.subnet, rangeStart: c.rangeStart, rangeEnd: c.rangeEnd, gateway: c.gateway }, []);
  c.ranges?.forEach((set, i) => set.forEach((range, j) => add(range, ['ranges', i, j])));
  return { pools, problems, known: true };
}

function whereabouts(ipam: unknown): IpamAnalysis {
  const r = whereaboutsIpamSchema.safeParse(ipam);
  if (!r.success) return { pools: [], problems: schemaProblems(r.error), known: true };
  const c = r.data;
  const problems: IpamProblem[] = [];
  const pools: IpamPool[] = [];
  const add = (
    range: { range: string; range_start?: string | undefined; range_end?: string | undefined; exclude?: string[] | undefined },
    at: PropertyKey[],
    gateway: string | undefined,
  ) => {
    let start = range.range_start;
    let end = range.range_end;
    let cidrText = range.range;
    const dash = range.range.indexOf('-');
    if (dash >= 0) {
      // "first-last/prefix": first IP, then the last IP written as a CIDR.
      cidrText = range.range.slice(dash + 1);
      start ??= range.range.slice(0, dash);
      end ??= cidrText.split('/')[0];
    }
    const written = parseCidr(cidrText);
    if (!written) return;
    // whereabouts masks the range to its network and starts after the network address.
    const pool = buildRange(
      { subnet: written, start, end, gateway, excluded: range.exclude },
      { subnet: [...at, 'range'], start: [...at, 'range_start'], end: [...at, 'range_end'], gateway: ['gateway'] },
      { requireNetworkAddress: false, defaultGateway: false },
      problems,
    );
    if (pool) pools.push(pool);
  };
  if (c.range !== undefined) add({ range: c.range, range_start: c.range_start, range_end: c.range_end, exclude: c.exclude }, [], c.gateway);
  c.ipRanges?.forEach((range, i) => add(range, ['ipRanges', i], undefined));
  return { pools, problems, known: true };
}

function staticIpam(ipam: unknown): IpamAnalysis {
  const r = staticIpamSchema.safeParse(ipam);
  if (!r.success) return { pools: [], problems: schemaProblems(r.error), known: true };
  const problems: IpamProblem[] = [];
  const pools: IpamPool[] = [];
  r.data.addresses?.forEach((a, i) => {
    const cidr = parseCidr(a.address);
    if (!cidr) return;
    const gw = checkIpInSubnet(a.gateway, 'gateway', cidr, ['addresses', i, 'gateway'], problems);
    const pool: IpamPool = { subnet: cidr.text, start: cidr.ip.text, end: cidr.ip.text, excluded: [] };
    if (gw) pool.gateway = gw.text;
    pools.push(pool);
  });
  return { pools, problems, known: true };
}

/**
 * Checks an `ipam` object beyond its schema (ranges inside subnets, start ≤
 * end, gateway placement) and computes its pools, following host-local,
 * whereabouts and static semantics. Static pools are single addresses; with
 * the `ips` capability the addresses come from the pod, not the config.
 */
export function analyzeIpam(ipam: unknown): IpamAnalysis {
  const type = typeof ipam === 'object' && ipam !== null ? (ipam as { type?: unknown }).type : undefined;
  switch (type) {
    case 'host-local':
      return hostLocal(ipam);
    case 'whereabouts':
      return whereabouts(ipam);
    case 'static':
      return staticIpam(ipam);
    default:
      return { pools: [], problems: [], known: false };
  }
}

/**
 * The pools of a parsed CNI config, or of a config list's first plugin with
 * IPAM. Throws when there is no IPAM, its type does not say which addresses
 * it gives (dhcp…), or the config is inconsistent.
 */
export function computeIpamPools(config: CniConfig | CniConfigList): IpamPool[] {
  const plugin = ipamPlugin(config);
  if (!plugin?.ipam) throw new Error('CNI config has no plugin with an "ipam" section');
  const analysis = analyzeIpam(plugin.ipam);
  if (!analysis.known) throw new Error(`IPAM type "${String(plugin.ipam.type)}": addresses are not known from the config`);
  const error = analysis.problems.find((p) => p.severity === 'error');
  if (error) throw new Error(`ipam.${formatPath(error.path)}: ${error.message}`);
  return analysis.pools;
}

/** Same as computeIpamPools, from a NAD's `spec.config` text. */
export function computeIpamPoolsFromJson(configJson: string): IpamPool[] {
  const data: unknown = JSON.parse(configJson);
  const r = cniConfigSchemaFor(data).safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`CNI config ${formatPath(issue.path) || '(root)'}: ${issue.message}`);
  }
  return computeIpamPools(r.data);
}

export type PoolVerdict = 'allocatable' | 'gateway' | 'excluded' | 'outside';

/** Where `ip` (bare or ip/prefix) stands in the pool; the gateway is named even when outside start..end. */
export function classifyInPool(pool: IpamPool, ip: string): PoolVerdict {
  const addr = parseIpMaybeCidr(ip);
  const start = parseIp(pool.start);
  const end = parseIp(pool.end);
  if (!addr || !start || !end) return 'outside';
  const gateway = pool.gateway !== undefined ? parseIp(pool.gateway) : undefined;
  if (gateway && gateway.family === addr.family && gateway.value === addr.value) return 'gateway';
  if (addr.family !== start.family || addr.value < start.value || addr.value > end.value) return 'outside';
  for (const ex of pool.excluded) {
    const c = parseCidr(ex.includes('/') ? ex : `${ex}/${bits(addr.family)}`);
    if (c && c.ip.family === addr.family && addr.value >= c.network && addr.value <= c.last) return 'excluded';
  }
  return 'allocatable';
}

export function poolContains(pool: IpamPool, ip: string): boolean {
  return classifyInPool(pool, ip) === 'allocatable';
}

/** e.g. `192.168.1.200-192.168.1.216 in 192.168.1.0/24 (gateway 192.168.1.1)`. */
export function describePool(pool: IpamPool): string {
  let text = `${pool.start}-${pool.end} in ${pool.subnet}`;
  if (pool.gateway !== undefined) text += ` (gateway ${pool.gateway})`;
  if (pool.excluded.length > 0) text += ` excluding ${pool.excluded.join(', ')}`;
  return text;
}

/**
 * start..end cut into `parts` disjoint consecutive ranges (the last takes the
 * remainder). host-local allocates per node: pods that may land on different
 * nodes of one segment need different ranges, or they get the same address.
 */
export function splitRange(start: string, end: string, parts: number): Array<[string, string]> {
  const a = parseIp(start);
  const b = parseIp(end);
  if (!a || !b || a.family !== b.family || parts < 1 || b.value - a.value + 1n < BigInt(parts)) {
    throw new Error(`range ${start}-${end}: cannot be split into ${parts} parts`);
  }
  const size = (b.value - a.value + 1n) / BigInt(parts);
  return Array.from({ length: parts }, (_, i) => {
    const first = a.value + BigInt(i) * size;
    const last = i === parts - 1 ? b.value : first + size - 1n;
    return [formatIp(a.family, first), formatIp(a.family, last)] as [string, string];
  });
}

/**
 * The smallest prefix holding every address of start..end (both inside it;
 * it may hold more): `192.168.1.64`-`192.168.1.95` → `192.168.1.64/27`.
 */
export function coveringCidr(start: string, end: string): string {
  const a = parseIp(start);
  const b = parseIp(end);
  if (!a || !b || a.family !== b.family || a.value > b.value) throw new Error(`range ${start}-${end}: not a range of one address family`);
  const width = bits(a.family);
  let prefix = width;
  while (prefix > 0 && a.value >> BigInt(width - prefix) !== b.value >> BigInt(width - prefix)) prefix--;
  const network = (a.value >> BigInt(width - prefix)) << BigInt(width - prefix);
  return `${formatIp(a.family, network)}/${prefix}`;
}
