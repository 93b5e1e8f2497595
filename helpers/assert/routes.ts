import { ConformanceFailure } from '../errors.ts';
import { parseCidr, parseIp, sameIp, type IpFamily } from '../parse/ip-address.ts';
import type { LiveRoute } from '../parse/live-network.ts';

export interface ExpectedRoute {
  /** 'default', '0.0.0.0/0', '::/0' or a CIDR. */
  dst: string;
  gateway?: string;
  dev: string;
}

type Destination = { kind: 'default'; family: IpFamily | undefined } | { kind: 'prefix'; family: IpFamily; text: string };

function destination(dst: string, gateway?: string): Destination | undefined {
  if (dst === 'default') return { kind: 'default', family: gateway !== undefined ? parseIp(gateway)?.family : undefined };
  const c = parseCidr(dst);
  if (!c) return undefined;
  if (c.prefix === 0) return { kind: 'default', family: c.ip.family };
  return { kind: 'prefix', family: c.ip.family, text: c.text };
}

function sameDestination(a: Destination, b: Destination): boolean {
  if (a.kind === 'default' && b.kind === 'default') return a.family === undefined || b.family === undefined || a.family === b.family;
  return a.kind === 'prefix' && b.kind === 'prefix' && a.text === b.text;
}

function format(r: { dst: string; gateway?: string | undefined; dev: string }): string {
  return `${r.dst}${r.gateway !== undefined ? ` via ${r.gateway}` : ''} dev ${r.dev}`;
}

/**
 * A route to `dst` out of `dev` (via `gateway` when one is expected) exists.
 * 'default' and 0.0.0.0/0 (::/0) are the same destination.
 */
export function assertRoute(pod: string, routes: readonly LiveRoute[], expected: ExpectedRoute): LiveRoute {
  const want = destination(expected.dst, expected.gateway);
  if (!want) throw new Error(`assertRoute(${pod}): "${expected.dst}" is not "default" nor a CIDR`);
  const toDst = routes.filter((r) => {
    const got = destination(r.dst, r.gateway);
    return got !== undefined && sameDestination(got, want);
  });
  const match = toDst.find(
    (r) => r.dev === expected.dev && (expected.gateway === undefined || (r.gateway !== undefined && sameIp(r.gateway, expected.gateway))),
  );
  if (match) return match;
  const shown = toDst.length > 0 ? toDst : routes;
  throw new ConformanceFailure({
    pod,
    iface: expected.dev,
    check: `route to ${expected.dst}`,
    expected: format(expected),
    actual: `${toDst.length > 0 ? '' : `no route to ${expected.dst}; routes: `}${shown.length > 0 ? shown.map(format).join('; ') : '(none)'}`,
  });
}
