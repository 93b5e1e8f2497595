import { parseCidr, parseIp } from '../parse/ip-address.ts';
import { formatPath } from '../parse/zod-path.ts';
import { cniConfigListSchema, isConfigList, pluginConfigSchema } from './cni-config.ts';
import { analyzeIpam } from './ipam-range.ts';
import { decodeManifests } from './kube-decode.ts';

export interface Finding {
  file: string;
  /** Where in the document, e.g. "spec.config.ipam.rangeEnd"; prefixed with documents[i] / items[i] when the file holds several. */
  path: string;
  severity: 'error' | 'warning';
  message: string;
  /** Set on errors of reading the file (kubectl would not get past parsing it either). */
  parse?: true;
}

export const NAD_API_VERSION = 'k8s.cni.cncf.io/v1';
export const NAD_KIND = 'NetworkAttachmentDefinition';
export const RESOURCE_NAME_ANNOTATION = 'k8s.v1.cni.cncf.io/resourceName';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

type Push = (path: string, severity: Finding['severity'], message: string) => void;

function join(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? JSON.stringify(v) : typeof v;
}

/**
 * Statically checks NetworkAttachmentDefinitions in a YAML (one or more
 * documents, or a List) or JSON text, read as kubectl reads it (see
 * kube-decode.ts): a file kubectl applies is never "not valid YAML" here.
 * Errors are what kubectl, Multus or the plugin would reject; warnings are
 * likely mistakes.
 */
export function validateNadText(text: string, file: string): Finding[] {
  const findings: Finding[] = [];
  const decoded = decodeManifests(text);
  const several = decoded.documents.length > 1;
  const prefixOf = (index: number): string => (several ? `documents[${index}]` : '');
  for (const e of decoded.errors) {
    findings.push({ file, path: prefixOf(e.index), severity: 'error', message: e.line === undefined ? e.message : `line ${e.line}: ${e.message}`, parse: true });
  }
  for (const w of decoded.warnings) {
    findings.push({ file, path: prefixOf(w.index), severity: 'warning', message: w.line === undefined ? w.message : `line ${w.line}: ${w.message}` });
  }
  let checked = 0;
  for (const doc of decoded.documents) {
    const value = doc.value;
    // undefined: the document did not parse (reported above); null: an empty document, which kubectl skips.
    if (value === null || value === undefined) continue;
    checked++;
    const docPrefix = prefixOf(doc.index);
    const push: Push = (path, severity, message) => findings.push({ file, path: join(docPrefix, path), severity, message });
    if (isRecord(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
      value['items'].forEach((item, j) => validateNad(item, `items[${j}]`, push));
      continue;
    }
    validateNad(value, '', push);
  }
  if (checked === 0 && findings.length === 0) {
    findings.push({ file, path: '', severity: 'error', message: 'no NetworkAttachmentDefinition in the file' });
  }
  return findings;
}

function validateNad(obj: unknown, prefix: string, pushRoot: Push): void {
  const push: Push = (path, severity, message) => pushRoot(join(prefix, path), severity, message);
  if (!isRecord(obj)) {
    push('', 'error', `expected a ${NAD_KIND} object, got ${describe(obj)}`);
    return;
  }
  if (obj['apiVersion'] !== NAD_API_VERSION) {
    push('apiVersion', 'error', `expected "${NAD_API_VERSION}", got ${describe(obj['apiVersion'])}`);
  }
  if (obj['kind'] !== NAD_KIND) push('kind', 'error', `expected "${NAD_KIND}", got ${describe(obj['kind'])}`);
  validateMetadata(obj['metadata'], push);
  const spec = obj['spec'];
  if (spec === undefined || spec === null) return; // §3.2.4: refers to an implementation-known network of the same name
  if (!isRecord(spec)) {
    push('spec', 'error', `expected an object, got ${describe(spec)}`);
    return;
  }
  const config = spec['config'];
  // Multus reads an absent or empty config from its on-disk config of the same name (§3.4.1).
  if (config === undefined || config === null || config === '') return;
  if (typeof config !== 'string') {
    push('spec.config', 'error', `must be a string holding the CNI config as JSON, got ${describe(config)}`);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(config);
  } catch (e) {
    push('spec.config', 'error', `not valid JSON: ${(e as Error).message}`);
    return;
  }
  if (!isRecord(parsed)) {
    push('spec.config', 'error', `expected a JSON object, got ${describe(parsed)}`);
    return;
  }
  validateCniConfig(parsed, (path, severity, message) => push(join('spec.config', path), severity, message));
}

function validateMetadata(meta: unknown, push: Push): void {
  if (!isRecord(meta)) {
    push('metadata', 'error', `expected an object with a name, got ${describe(meta)}`);
    return;
  }
  const name = meta['name'];
  if (typeof name !== 'string' || name === '') {
    push('metadata.name', 'error', `missing (got ${describe(name)})`);
  } else if (!DNS_LABEL.test(name)) {
    push('metadata.name', 'error', `"${name}" is not a DNS-1123 label (lower-case alphanumerics and "-", starting and ending alphanumeric) (§3.3)`);
  } else if (name.length > 63) {
    push('metadata.name', 'warning', `"${name}" is ${name.length} characters; 63 or fewer is recommended (§3.3)`);
  }
  const ns = meta['namespace'];
  if (ns !== undefined && (typeof ns !== 'string' || !DNS_LABEL.test(ns) || ns.length > 63)) {
    push('metadata.namespace', 'error', `${describe(ns)} is not a DNS-1123 label`);
  }
  const annotations = meta['annotations'];
  if (annotations === undefined || annotations === null) return;
  if (!isRecord(annotations)) {
    push('metadata.annotations', 'error', `expected a map of strings, got ${describe(annotations)}`);
    return;
  }
  const resource = annotations[RESOURCE_NAME_ANNOTATION];
  if (resource !== undefined) {
    const problem = resourceNameProblem(resource);
    if (problem) push(`metadata.annotations["${RESOURCE_NAME_ANNOTATION}"]`, 'error', problem);
  }
}

/** An extended resource name, `vendor-domain/name` (e.g. intel.com/intel_sriov_netdevice). */
function resourceNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
  const slash = value.indexOf('/');
  const domain = value.slice(0, slash);
  const name = value.slice(slash + 1);
  if (slash < 0 || !DNS_SUBDOMAIN.test(domain) || domain.length > 253 || !QUALIFIED_NAME_PART.test(name) || name.length > 63) {
    return `"${value}" is not an extended resource name like "intel.com/intel_sriov_netdevice" (domain/name)`;
  }
  if (domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io')) {
    return `"${value}": the kubernetes.io domain is reserved; device plugin resources use the vendor's domain`;
  }
  return undefined;
}

function validateCniConfig(conf: Record<string, unknown>, push: Push): void {
  const list = isConfigList(conf);
  const schema = list ? cniConfigListSchema : pluginConfigSchema;
  const r = schema.safeParse(conf);
  const schemaPaths: string[] = [];
  if (!r.success) {
    for (const issue of r.error.issues) {
      const path = formatPath(issue.path);
      schemaPaths.push(path);
      const missing = issue.code === 'invalid_type' && valueAt(conf, issue.path) === undefined;
      push(path, 'error', missing ? `missing (required): ${issue.message}` : issue.message);
    }
  }
  if (conf['cniVersion'] === undefined) {
    push('cniVersion', 'warning', 'missing: plugins then assume 0.1.0 (one address per family, no interfaces in the result)');
  }
  const plugins: { conf: unknown; at: string }[] = list
    ? (Array.isArray(conf['plugins']) ? conf['plugins'] : []).map((p, i) => ({ conf: p, at: `plugins[${i}]` }))
    : [{ conf, at: '' }];
  if (list && conf['type'] !== undefined) push('type', 'warning', 'ignored in a config list: each plugin has its own "type"');
  const ipsCapability = plugins.some((p) => isRecord(p.conf) && isRecord(p.conf['capabilities']) && p.conf['capabilities']['ips'] === true);
  for (const { conf: plugin, at } of plugins) {
    if (!isRecord(plugin)) continue;
    if (list && plugin['cniVersion'] !== undefined && plugin['cniVersion'] !== conf['cniVersion']) {
      push(join(at, 'cniVersion'), 'warning', `ignored: the list's cniVersion ${describe(conf['cniVersion'])} applies to every plugin`);
    }
    const ipam = plugin['ipam'];
    if (!isRecord(ipam)) continue;
    const ipamAt = join(at, 'ipam');
    // Schema issues under ipam are already reported; range maths on broken input would only repeat them.
    if (schemaPaths.some((p) => p === ipamAt || p.startsWith(`${ipamAt}.`) || p.startsWith(`${ipamAt}[`))) continue;
    const analysis = analyzeIpam(ipam);
    for (const p of analysis.problems) push(join(ipamAt, formatPath(p.path)), p.severity, p.message);
    checkRoutes(ipam['routes'], ipamAt, push);
    if (ipam['type'] === 'static' && !Array.isArray(ipam['addresses']) && !ipsCapability) {
      push(join(ipamAt, 'addresses'), 'warning', 'static IPAM without addresses needs "capabilities": {"ips": true} so the pod annotation can supply them');
    }
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function checkRoutes(routes: unknown, ipamAt: string, push: Push): void {
  if (!Array.isArray(routes)) return;
  routes.forEach((route, i) => {
    if (!isRecord(route) || typeof route['dst'] !== 'string' || typeof route['gw'] !== 'string') return;
    const dst = parseCidr(route['dst']);
    const gw = parseIp(route['gw']);
    if (dst && gw && dst.ip.family !== gw.family) {
      push(join(ipamAt, `routes[${i}].gw`), 'error', `gateway ${gw.text} is IPv${gw.family} but dst ${route['dst']} is IPv${dst.ip.family}`);
    }
  });
}

/** `file: path: message`, the path left out when the finding is about the whole file. */
export function formatFinding(f: Finding): string {
  return f.path === '' ? `${f.file}: ${f.message}` : `${f.file}: ${f.path}: ${f.message}`;
}
