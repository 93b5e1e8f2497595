import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

export interface ParsedIp {
  family: IpFamily;
  value: bigint;
  /** Canonical text (IPv6 compressed per RFC 5952). */
  text: string;
}

export interface ParsedCidr {
  /** The address as written, host bits included. */
  ip: ParsedIp;
  prefix: number;
  network: bigint;
  /** Highest address of the prefix (the IPv4 broadcast address). */
  last: bigint;
  /** Canonical `network/prefix`. */
  text: string;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function bits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/**
 * Strict parse: IPv4 only in dotted four-part decimal (ipaddr.js would also
 * take "10" or "0x0a.1.1.1", which Go's net.ParseIP and so every CNI plugin
 * reject); IPv6 without a zone.
 */
export function parseIp(text: string): ParsedIp | undefined {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) addr = ipaddr.IPv4.parse(text);
  else if (!text.includes('%') && ipaddr.IPv6.isValid(text)) addr = ipaddr.IPv6.parse(text);
  else return undefined;
  let value = 0n;
  for (const b of addr.toByteArray()) value = (value << 8n) | BigInt(b);
  const family: IpFamily = addr.kind() === 'ipv4' ? 4 : 6;
  return { family, value, text: addr.toString() };
}

export function isIp(text: string): boolean {
  return parseIp(text) !== undefined;
}

export function formatIp(family: IpFamily, value: bigint): string {
  const bytes: number[] = [];
  for (let i = bits(family) / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const width = bits(ip.family);
  if (prefix > width) return undefined;
  const hostMask = (1n << BigInt(width - prefix)) - 1n;
  const network = ip.value & ~hostMask;
  return { ip, prefix, network, last: network | hostMask, text: `${formatIp(ip.family, network)}/${prefix}` };
}

export function isCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

/** An IP given either bare or as `ip/prefix` (selection and status annotations use both). */
export function parseIpMaybeCidr(text: string): ParsedIp | undefined {
  const slash = text.indexOf('/');
  return slash < 0 ? parseIp(text) : parseCidr(text)?.ip;
}

export function cidrContains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  return cidr.ip.family === ip.family && ip.value >= cidr.network && ip.value <= cidr.last;
}

export function sameIp(a: string, b: string): boolean {
  const x = parseIpMaybeCidr(a);
  const y = parseIpMaybeCidr(b);
  return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}

export function isIpv6LinkLocal(ip: ParsedIp): boolean {
  return ip.family === 6 && ip.value >> 118n === 0x3fan; // fe80::/10
}

export function isMac(text: string): boolean {
  return MAC.test(text);
}
