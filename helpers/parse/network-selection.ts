import { z } from 'zod';
import { isMac, parseIp, parseIpMaybeCidr } from './ip-address.ts';
import { excerpt, formatPath } from './zod-path.ts';

export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';

/** One element of the `k8s.v1.cni.cncf.io/networks` annotation (§4.1). */
export interface NetworkSelection {
  name: string;
  namespace?: string;
  interface?: string;
  ips?: string[];
  mac?: string;
  defaultRoute?: string[];
  cniArgs?: Record<string, unknown>;
}

export class NetworkSelectionError extends Error {
  override name = 'NetworkSelectionError';
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The kernel's dev_valid_name: 1–15 bytes, not "." or "..", no "/", ":" or whitespace. */
export function isValidInterfaceName(name: string): boolean {
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= 15 &&
    name !== '.' &&
    name !== '..' &&
    !/[/:\s]/.test(name)
  );
}

const jsonElementSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().regex(DNS_LABEL, 'not a DNS-1123 label').optional(),
  ips: z.array(z.string().refine((s) => parseIpMaybeCidr(s) !== undefined, 'not an IP address')).optional(),
  mac: z.string().refine(isMac, 'not a 6-byte MAC address').optional(),
  interface: z.string().refine(isValidInterfaceName, 'not a valid kernel interface name (1-15 chars, no "/", ":" or spaces)').optional(),
  'default-route': z.array(z.string().refine((s) => parseIp(s) !== undefined, 'not an IP address')).optional(),
  'cni-args': z.record(z.string(), z.unknown()).optional(),
});

/**
 * Parses the networks annotation. Like Multus, any of `[`, `{` or `"` means
 * the JSON form, otherwise it is the comma form with `ns/name@ifname` items.
 * Multus fails the pod on a malformed annotation (the spec would ignore it),
 * so this throws NetworkSelectionError instead of guessing.
 */
export function parseNetworkSelection(raw: string): NetworkSelection[] {
  if (raw.trim() === '') return [];
  return /[[{"]/.test(raw) ? parseJsonForm(raw) : parseCommaForm(raw);
}

function parseJsonForm(raw: string): NetworkSelection[] {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    throw new NetworkSelectionError(`networks annotation (JSON form): invalid JSON (${(e as Error).message}): ${excerpt(raw)}`);
  }
  const r = z.array(jsonElementSchema).safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const [index, ...field] = issue.path;
    const where = typeof index === 'number' ? `element ${index} field "${formatPath(field)}"` : 'the annotation';
    throw new NetworkSelectionError(`networks annotation (JSON form): ${where}: ${issue.message}`);
  }
  return r.data.map((e) => {
    const sel: NetworkSelection = { name: e.name };
    if (e.namespace !== undefined) sel.namespace = e.namespace;
    if (e.interface !== undefined) sel.interface = e.interface;
    if (e.ips !== undefined) sel.ips = e.ips;
    if (e.mac !== undefined) sel.mac = e.mac;
    if (e['default-route'] !== undefined) sel.defaultRoute = e['default-route'];
    if (e['cni-args'] !== undefined) sel.cniArgs = e['cni-args'];
    return sel;
  });
}

function parseCommaForm(raw: string): NetworkSelection[] {
  return raw.split(',').map((item, index) => {
    const fail = (why: string): never => {
      throw new NetworkSelectionError(`networks annotation (comma form): item ${index} ${excerpt(item.trim())}: ${why}`);
    };
    const slash = item.split('/');
    if (slash.length > 2) fail('more than one "/"');
    const namespace = slash.length === 2 ? slash[0]!.trim() : undefined;
    const at = slash[slash.length - 1]!.split('@');
    if (at.length > 2) fail('more than one "@"');
    const name = at[0]!.trim();
    const iface = at.length === 2 ? at[1]!.trim() : undefined;
    if (name === '') fail('empty network name');
    if (!DNS_LABEL.test(name)) fail(`name "${name}" is not a DNS-1123 label`);
    if (namespace !== undefined && !DNS_LABEL.test(namespace)) fail(`namespace "${namespace}" is not a DNS-1123 label`);
    if (iface !== undefined && !isValidInterfaceName(iface)) fail(`interface "${iface}" is not a valid kernel interface name`);
    const sel: NetworkSelection = { name };
    if (namespace !== undefined) sel.namespace = namespace;
    if (iface !== undefined) sel.interface = iface;
    return sel;
  });
}

/**
 * Builds an annotation value. `auto` uses the comma form when nothing needs
 * JSON. No validation: negative scenarios build invalid annotations on purpose.
 */
export function serializeNetworkSelection(
  selections: readonly NetworkSelection[],
  form: 'auto' | 'comma' | 'json' = 'auto',
): string {
  const needsJson = selections.some(
    (s) => s.ips !== undefined || s.mac !== undefined || s.defaultRoute !== undefined || s.cniArgs !== undefined,
  );
  if (form === 'comma' && needsJson) {
    throw new NetworkSelectionError('comma form cannot carry ips, mac, default-route or cni-args');
  }
  if (form === 'comma' || (form === 'auto' && !needsJson)) {
    return selections
      .map((s) => `${s.namespace !== undefined ? `${s.namespace}/` : ''}${s.name}${s.interface !== undefined ? `@${s.interface}` : ''}`)
      .join(',');
  }
  return JSON.stringify(
    selections.map((s) => {
      const o: Record<string, unknown> = { name: s.name };
      if (s.namespace !== undefined) o['namespace'] = s.namespace;
      if (s.ips !== undefined) o['ips'] = s.ips;
      if (s.mac !== undefined) o['mac'] = s.mac;
      if (s.interface !== undefined) o['interface'] = s.interface;
      if (s.defaultRoute !== undefined) o['default-route'] = s.defaultRoute;
      if (s.cniArgs !== undefined) o['cni-args'] = s.cniArgs;
      return o;
    }),
  );
}

/**
 * The interface names Multus gives the selections: the requested name, or
 * `net<i>` where i is the delegate's position. Delegate 0 is the cluster
 * network (eth0); Multus `defaultNetworks` come next, so pass
 * `firstIndex: 1 + defaultNetworks.length` when the config has any.
 */
export function expectedInterfaceNames(
  selections: readonly NetworkSelection[],
  opts: { firstIndex?: number } = {},
): string[] {
  const first = opts.firstIndex ?? 1;
  return selections.map((s, i) => s.interface ?? `net${first + i}`);
}

/** `namespace/name` as the status annotation writes it; the pod's namespace when the selection has none. */
export function qualifiedNetworkName(selection: NetworkSelection, podNamespace: string): string {
  return `${selection.namespace ?? podNamespace}/${selection.name}`;
}

/**
 * Rules across elements that Multus enforces at attach time, not parse time:
 * unique interface names (§4.2.1), default-route on one element at most
 * (§4.1.2.1.9), and one IPv4 default gateway (Multus has no ECMP).
 */
export function selectionProblems(selections: readonly NetworkSelection[], opts: { firstIndex?: number } = {}): string[] {
  const problems: string[] = [];
  const names = expectedInterfaceNames(selections, opts);
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const before = seen.get(n);
    if (before !== undefined) problems.push(`elements ${before} and ${i} both get interface ${n}`);
    else seen.set(n, i);
  });
  const withRoute = selections.flatMap((s, i) => (s.defaultRoute !== undefined ? [i] : []));
  if (withRoute.length > 1) problems.push(`default-route on elements ${withRoute.join(', ')}; at most one allowed`);
  const v4Gateways = selections.flatMap((s) => (s.defaultRoute ?? []).filter((g) => parseIp(g)?.family === 4));
  if (v4Gateways.length > 1) problems.push(`${v4Gateways.length} IPv4 default-route gateways (${v4Gateways.join(', ')}); Multus supports one`);
  return problems;
}
