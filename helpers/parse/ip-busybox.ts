import { isMac, parseCidr, parseIp } from './ip-address.ts';
import {
  ADDRESS_FLAGS,
  IpOutputError,
  NON_UNICAST_ROUTE_TYPES,
  normalizeRouteDst,
  type LiveAddress,
  type LiveInterface,
  type LiveRoute,
} from './live-network.ts';
import { excerpt } from './zod-path.ts';

// Busybox ip only speaks text. Its header line also carries `state X` only when
// busybox was built with IFF_DORMANT (Alpine's is; Debian's busybox-static is
// not), and it never prints the link kind.
const HEADER = /^(\d+):\s+([^\s:@]+)(?:@[^\s:]*)?:\s+<([^>]*)>(.*)$/;
const HEADER_KEYS = new Set(['mtu', 'qdisc', 'master', 'state', 'qlen', 'mode', 'group']);
const LINK = /^\s+link\/(\S+)(?:\s+(\S+))?/;
const ADDRESS = /^\s+(inet6?)\s+(\S+)(.*)$/;
const IGNORED = /^\s+(valid_lft|altname)\s/;

/** Parses busybox `ip addr show` (also fine on iproute2's plain text form). */
export function parseBusyboxIpAddr(stdout: string): LiveInterface[] {
  const format = 'busybox ip addr';
  const out: LiveInterface[] = [];
  let current: LiveInterface | undefined;
  stdout.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    const header = HEADER.exec(line);
    if (header) {
      current = parseHeader(format, where, line, header);
      out.push(current);
      return;
    }
    if (!current) throw new IpOutputError(format, where, `expected "N: name: <FLAGS> …", got ${excerpt(line)}`);
    if (IGNORED.test(line)) return;
    const link = LINK.exec(line);
    if (link) {
      const mac = link[2];
      if (mac !== undefined && isMac(mac)) current.mac = mac.toLowerCase();
      return;
    }
    const addr = ADDRESS.exec(line);
    if (addr) {
      current.addresses.push(parseAddress(format, where, line, addr[1] as 'inet' | 'inet6', addr[2]!, addr[3]!));
      return;
    }
    throw new IpOutputError(format, where, `unrecognised line ${excerpt(line)}`);
  });
  if (out.length === 0) throw new IpOutputError(format, 'output', `no interfaces (ip addr always lists lo): ${excerpt(stdout)}`);
  return out;
}

function parseHeader(format: string, where: string, line: string, m: RegExpExecArray): LiveInterface {
  const tokens = m[4]!.trim().split(/\s+/).filter(Boolean);
  const values = new Map<string, string>();
  for (let k = 0; k < tokens.length; k += 2) {
    const key = tokens[k]!;
    const value = tokens[k + 1];
    if (!HEADER_KEYS.has(key) || value === undefined) {
      throw new IpOutputError(format, where, `unexpected token "${key}" in ${excerpt(line)}`);
    }
    values.set(key, value);
  }
  const mtuText = values.get('mtu');
  if (mtuText === undefined || !/^\d+$/.test(mtuText)) {
    throw new IpOutputError(format, where, `no numeric mtu in ${excerpt(line)}`);
  }
  return {
    name: m[2]!,
    mtu: Number(mtuText),
    // No state token: report UNKNOWN like the kernel does for drivers without operstate; assertOperUp then relies on LOWER_UP.
    operstate: values.get('state') ?? 'UNKNOWN',
    flags: m[3]!.split(',').filter(Boolean),
    addresses: [],
  };
}

function parseAddress(format: string, where: string, line: string, family: 'inet' | 'inet6', token: string, rest: string): LiveAddress {
  let text = token;
  // Point-to-point addresses print as "a peer b/len": the prefix belongs to the peer.
  const peer = /^\s*peer\s+(\S+)/.exec(rest);
  if (!text.includes('/') && peer) text = `${text}/${peer[1]!.split('/')[1] ?? ''}`;
  const cidr = text.includes('/') ? parseCidr(text) : undefined;
  const bare = text.includes('/') ? undefined : parseIp(text);
  const ip = cidr?.ip ?? bare;
  if (!ip || (family === 'inet') !== (ip.family === 4)) {
    throw new IpOutputError(format, where, `bad ${family} address "${token}" in ${excerpt(line)}`);
  }
  const address: LiveAddress = { family, address: text.split('/')[0]!, prefixLength: cidr?.prefix ?? (ip.family === 4 ? 32 : 128) };
  // The states are bare words after the scope ("scope global tentative dadfailed").
  const words = new Set(rest.trim().split(/\s+/));
  const flags = ADDRESS_FLAGS.filter((f) => words.has(f));
  if (flags.length > 0) address.flags = flags;
  return address;
}

const ROUTE_VALUE_KEYS = new Set([
  'via', 'dev', 'src', 'metric', 'proto', 'scope', 'table', 'mtu', 'advmss', 'rtt', 'rttvar', 'window', 'cwnd',
  'initcwnd', 'initrwnd', 'expires', 'from', 'tos', 'pref', 'error', 'realms', 'weight',
]);
const ROUTE_FLAGS = new Set(['linkdown', 'onlink', 'dead', 'pervasive', 'offload', 'notify', 'cache', 'trap', 'rt_offload']);
const ROUTE_TYPES = new Set(['unicast', ...NON_UNICAST_ROUTE_TYPES]);

/** Parses busybox `ip [-6] route show` (and iproute2's text form, multipath included). */
export function parseBusyboxIpRoute(stdout: string): LiveRoute[] {
  const format = 'busybox ip route';
  const routes: LiveRoute[] = [];
  // A multipath route's line has no dev; its "nexthop via … dev …" lines follow.
  let pending: { dst: string; where: string; skip: boolean; hops: number } | undefined;
  const closePending = (): void => {
    if (pending && !pending.skip && pending.hops === 0) {
      throw new IpOutputError(format, pending.where, `route to ${pending.dst} has no dev`);
    }
    pending = undefined;
  };
  stdout.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    const tokens = line.trim().split(/\s+/);
    if (/^\s/.test(line) && tokens[0] === 'nexthop' && pending) {
      const kv = routeTokens(format, where, line, tokens.slice(1));
      pending.hops++;
      if (!pending.skip) routes.push(makeRoute(format, where, line, pending.dst, kv));
      return;
    }
    closePending();
    let type = 'unicast';
    if (ROUTE_TYPES.has(tokens[0]!)) type = tokens.shift()!;
    const rawDst = tokens.shift();
    const dst = rawDst === undefined ? undefined : normalizeRouteDst(rawDst);
    if (dst === undefined) throw new IpOutputError(format, where, `no destination in ${excerpt(line)}`);
    const kv = routeTokens(format, where, line, tokens);
    const skip = type !== 'unicast';
    if (kv.has('dev')) {
      if (!skip) routes.push(makeRoute(format, where, line, dst, kv));
    } else {
      pending = { dst, where, skip, hops: 0 };
    }
  });
  closePending();
  return routes;
}

function routeTokens(format: string, where: string, line: string, tokens: string[]): Map<string, string> {
  const kv = new Map<string, string>();
  for (let k = 0; k < tokens.length; k++) {
    const key = tokens[k]!;
    if (ROUTE_FLAGS.has(key)) continue;
    const value = tokens[k + 1];
    if (!ROUTE_VALUE_KEYS.has(key) || value === undefined) {
      throw new IpOutputError(format, where, `unexpected token "${key}" in ${excerpt(line)}`);
    }
    kv.set(key, value);
    k++;
  }
  return kv;
}

function makeRoute(format: string, where: string, line: string, dst: string, kv: Map<string, string>): LiveRoute {
  const dev = kv.get('dev');
  if (dev === undefined) throw new IpOutputError(format, where, `no dev in ${excerpt(line)}`);
  const route: LiveRoute = { dst, dev };
  const via = kv.get('via');
  if (via !== undefined) {
    if (!parseIp(via)) throw new IpOutputError(format, where, `bad gateway "${via}" in ${excerpt(line)}`);
    route.gateway = via;
  }
  return route;
}
