import { z } from 'zod';
import { isIp, isMac } from './ip-address.ts';
import {
  ADDRESS_FLAGS,
  IpOutputError,
  NON_UNICAST_ROUTE_TYPES,
  normalizeRouteDst,
  type LiveAddress,
  type LiveInterface,
  type LiveRoute,
} from './live-network.ts';
import { excerpt, formatPath } from './zod-path.ts';

const ipText = z.string().refine(isIp, 'not an IP address');

const addrInfoSchema = z.looseObject({
  family: z.enum(['inet', 'inet6']),
  local: ipText,
  prefixlen: z.number().int().min(0).max(128),
  // iproute2 prints each state the address is in as a key set to true.
  tentative: z.boolean().optional(),
  dadfailed: z.boolean().optional(),
  optimistic: z.boolean().optional(),
  deprecated: z.boolean().optional(),
});

const linkSchema = z.looseObject({
  ifname: z.string().min(1),
  flags: z.array(z.string()),
  mtu: z.number().int().positive(),
  operstate: z.string().min(1),
  // Absent when ip filters by family (`ip -j -4 addr`).
  address: z.string().optional(),
  linkinfo: z
    .looseObject({
      info_kind: z.string().optional(),
      info_data: z.looseObject({ mode: z.string().optional() }).optional(),
    })
    .optional(),
  // iproute2 4.x printed `{}` for addresses a family filter dropped; they hold nothing, so skip them.
  addr_info: z.array(z.union([addrInfoSchema, z.strictObject({})])),
});

const nexthopSchema = z.looseObject({ gateway: ipText.optional(), dev: z.string().min(1) });

const routeSchema = z.looseObject({
  type: z.string().optional(),
  dst: z.string().min(1),
  gateway: ipText.optional(),
  dev: z.string().min(1).optional(),
  nexthops: z.array(nexthopSchema).optional(),
});

function parseJsonArray(format: string, stdout: string): unknown[] {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch (e) {
    throw new IpOutputError(format, 'output', `not JSON (${(e as Error).message}): ${excerpt(stdout)}`);
  }
  if (!Array.isArray(data)) throw new IpOutputError(format, 'output', `expected a JSON list, got ${excerpt(stdout)}`);
  return data;
}

function entryLabel(entry: unknown, index: number, key: string): string {
  const name = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
  return typeof name === 'string' ? `entry ${index} (${name})` : `entry ${index}`;
}

function failOn(format: string, list: unknown[], index: number, key: string, issue: z.core.$ZodIssue): never {
  const field = formatPath(issue.path);
  throw new IpOutputError(format, `${entryLabel(list[index], index, key)} field ${field || '(entry)'}`, issue.message);
}

/** Parses `ip -j [-d] addr show`. With `-d` the link kind and mode are filled in. */
export function parseIpJsonAddr(stdout: string): LiveInterface[] {
  const format = 'ip -j addr';
  const list = parseJsonArray(format, stdout);
  if (list.length === 0) throw new IpOutputError(format, 'output', 'no interfaces (ip addr always lists lo)');
  return list.map((raw, index) => {
    const r = linkSchema.safeParse(raw);
    if (!r.success) failOn(format, list, index, 'ifname', r.error.issues[0]!);
    const link = r.data;
    const addresses: LiveAddress[] = [];
    for (const a of link.addr_info) {
      if (!('local' in a)) continue;
      const address: LiveAddress = { family: a.family, address: a.local, prefixLength: a.prefixlen };
      const flags = ADDRESS_FLAGS.filter((f) => a[f] === true);
      if (flags.length > 0) address.flags = flags;
      addresses.push(address);
    }
    const iface: LiveInterface = {
      name: link.ifname,
      mtu: link.mtu,
      operstate: link.operstate,
      flags: link.flags,
      addresses,
    };
    if (link.address !== undefined && isMac(link.address)) iface.mac = link.address.toLowerCase();
    const kind = link.linkinfo?.info_kind;
    if (kind !== undefined) iface.kind = kind;
    const mode = link.linkinfo?.info_data?.mode;
    if (mode !== undefined) iface.mode = mode;
    return iface;
  });
}

/** Parses `ip -j [-4|-6] route show`. Multipath routes give one LiveRoute per nexthop. */
export function parseIpJsonRoute(stdout: string): LiveRoute[] {
  const format = 'ip -j route';
  const list = parseJsonArray(format, stdout);
  const routes: LiveRoute[] = [];
  list.forEach((raw, index) => {
    const r = routeSchema.safeParse(raw);
    if (!r.success) failOn(format, list, index, 'dst', r.error.issues[0]!);
    const route = r.data;
    if (route.type !== undefined && NON_UNICAST_ROUTE_TYPES.has(route.type)) return;
    const dst = normalizeRouteDst(route.dst);
    if (dst === undefined) {
      throw new IpOutputError(format, `${entryLabel(raw, index, 'dst')} field dst`, `not "default" nor an IP prefix`);
    }
    const hops = route.nexthops ?? (route.dev !== undefined ? [{ dev: route.dev, gateway: route.gateway }] : []);
    if (hops.length === 0) throw new IpOutputError(format, `${entryLabel(raw, index, 'dst')} field dev`, 'missing');
    for (const hop of hops) {
      const out: LiveRoute = { dst, dev: hop.dev };
      if (hop.gateway !== undefined) out.gateway = hop.gateway;
      routes.push(out);
    }
  });
  return routes;
}
