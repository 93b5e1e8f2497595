import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatFinding, validateNadText, type Finding } from '../../helpers/nad/validate.ts';
import { clone, payload } from './recorded.ts';

// The NADs the validator must accept; variants/ is the kubectl differential corpus (nad-kube-decode.test.ts).
const nadFiles = readdirSync(fileURLToPath(new URL('../payloads/nad/', import.meta.url)), { withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => e.name);

const errors = (findings: Finding[]) => findings.filter((f) => f.severity === 'error');
const seedConfig = JSON.parse(
  '{"cniVersion":"0.3.0","type":"macvlan","master":"ens5","mode":"bridge","ipam":{"type":"host-local","subnet":"192.168.1.0/24","rangeStart":"192.168.1.200","rangeEnd":"192.168.1.216","routes":[{"dst":"0.0.0.0/0"}],"gateway":"192.168.1.1"}}',
) as Record<string, unknown> & { ipam: Record<string, unknown> };

/** The seed NAD as JSON text, its object and config changed by `f`. */
interface NadDraft {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec: { config?: unknown };
}

function seedNad(f: (nad: NadDraft, config: typeof seedConfig) => void = () => {}, configText?: string): string {
  const config = clone(seedConfig);
  const nad: NadDraft = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'macvlan-conf' }, spec: {} };
  f(nad, config);
  if (!('config' in nad.spec)) nad.spec.config = configText ?? JSON.stringify(config);
  return JSON.stringify(nad);
}

describe('validateNadText accepts', () => {
  it.each(nadFiles)('payload nad/%s', (file) => {
    expect(validateNadText(payload(`nad/${file}`), file)).toEqual([]);
  });

  it('the seed NAD built here (sanity of the helper)', () => {
    expect(validateNadText(seedNad(), 'seed.json')).toEqual([]);
  });
});

describe('validateNadText rejects', () => {
  it.each<[string, string, string, RegExp]>([
    ['bad JSON in spec.config', seedNad(() => {}, '{"cniVersion": "0.3.0", "type": "macvlan",}'), 'spec.config', /not valid JSON/],
    ['missing type', seedNad((_n, c) => delete c['type']), 'spec.config.type', /missing \(required\)/],
    ['a bad cniVersion', seedNad((_n, c) => (c['cniVersion'] = '0.3.2')), 'spec.config.cniVersion', /Invalid option/],
    ['a bad macvlan mode', seedNad((_n, c) => (c['mode'] = 'l2')), 'spec.config.mode', /"bridge"\|"private"\|"vepa"\|"passthru"/],
    ['a bad ipvlan mode', seedNad((_n, c) => Object.assign(c, { type: 'ipvlan', mode: 'bridge' })), 'spec.config.mode', /"l2"\|"l3"\|"l3s"/],
    ['rangeStart outside the subnet', seedNad((_n, c) => (c.ipam['rangeStart'] = '192.168.2.200')), 'spec.config.ipam.rangeStart', /start 192.168.2.200 is not inside subnet 192.168.1.0\/24/],
    ['rangeEnd outside the subnet', seedNad((_n, c) => (c.ipam['rangeEnd'] = '10.0.0.1')), 'spec.config.ipam.rangeEnd', /not inside subnet/],
    ['start after end', seedNad((_n, c) => (c.ipam['rangeStart'] = '192.168.1.220')), 'spec.config.ipam.rangeStart', /range start 192.168.1.220 is after range end 192.168.1.216/],
    ['a gateway outside the subnet', seedNad((_n, c) => (c.ipam['gateway'] = '192.168.2.1')), 'spec.config.ipam.gateway', /gateway 192.168.2.1 is not inside subnet/],
    ['a subnet with host bits', seedNad((_n, c) => (c.ipam['subnet'] = '192.168.1.5/24')), 'spec.config.ipam.subnet', /host bits set; the network address is 192.168.1.0\/24/],
    ['a /32 subnet', seedNad((_n, c) => (c.ipam = { type: 'host-local', subnet: '192.168.1.5/32' })), 'spec.config.ipam.subnet', /too small/],
    ['a bad route dst', seedNad((_n, c) => (c.ipam['routes'] = [{ dst: '0.0.0.0' }])), 'spec.config.ipam.routes[0].dst', /not a CIDR/],
    ['a route gateway of the other family', seedNad((_n, c) => (c.ipam['routes'] = [{ dst: '0.0.0.0/0', gw: 'fd00::1' }])), 'spec.config.ipam.routes[0].gw', /IPv6 but dst 0.0.0.0\/0 is IPv4/],
    ['an IPv6 rangeStart in an IPv4 subnet', seedNad((_n, c) => (c.ipam['rangeStart'] = 'fd00::1')), 'spec.config.ipam.rangeStart', /not inside subnet/],
    ['a bad name', seedNad((n) => (n.metadata.name = 'Macvlan_Conf')), 'metadata.name', /not a DNS-1123 label/],
    ['a missing name', seedNad((n) => (n.metadata = {})), 'metadata.name', /missing/],
    ['a bad namespace', seedNad((n) => (n.metadata.namespace = 'My NS')), 'metadata.namespace', /not a DNS-1123 label/],
    ['the wrong kind', seedNad((n) => (n.kind = 'NetworkAttachment')), 'kind', /expected "NetworkAttachmentDefinition", got "NetworkAttachment"/],
    ['the wrong apiVersion', seedNad((n) => (n.apiVersion = 'k8s.cni.cncf.io/v1beta1')), 'apiVersion', /expected "k8s.cni.cncf.io\/v1"/],
    ['empty plugins', seedNad(() => {}, '{"cniVersion":"1.0.0","name":"x","plugins":[]}'), 'spec.config.plugins', /at least one plugin/],
    ['a list plugin without type', seedNad(() => {}, `{"cniVersion":"1.0.0","plugins":[${JSON.stringify(seedConfig)},{"capabilities":{"mac":true}}]}`), 'spec.config.plugins[1].type', /missing/],
    ['a bad range in a list plugin', seedNad(() => {}, `{"cniVersion":"1.0.0","plugins":[${JSON.stringify({ ...seedConfig, ipam: { ...seedConfig.ipam, rangeEnd: '192.168.1.100' } })}]}`), 'spec.config.plugins[0].ipam.rangeStart', /after range end/],
    ['spec.config written as YAML', seedNad((n) => (n.spec = { config: { type: 'macvlan' } })), 'spec.config', /must be a string holding the CNI config as JSON, got object/],
    ['a config that is a list', seedNad(() => {}, '[1,2]'), 'spec.config', /expected a JSON object, got a list/],
    ['a bad resourceName', seedNad((n) => (n.metadata.annotations = { 'k8s.v1.cni.cncf.io/resourceName': 'intel_sriov_netdevice' })), 'metadata.annotations["k8s.v1.cni.cncf.io/resourceName"]', /not an extended resource name/],
    ['a kubernetes.io resourceName', seedNad((n) => (n.metadata.annotations = { 'k8s.v1.cni.cncf.io/resourceName': 'kubernetes.io/sriov' })), 'metadata.annotations["k8s.v1.cni.cncf.io/resourceName"]', /reserved/],
    ['whereabouts range_start outside the range', seedNad((_n, c) => (c.ipam = { type: 'whereabouts', range: '192.168.2.224/28', range_start: '192.168.2.100' })), 'spec.config.ipam.range_start', /not inside subnet 192.168.2.224\/28/],
    ['static gateway outside the address prefix', seedNad((_n, c) => (c.ipam = { type: 'static', addresses: [{ address: '10.2.2.42/24', gateway: '10.3.0.1' }] })), 'spec.config.ipam.addresses[0].gateway', /not inside subnet 10.2.2.0\/24/],
  ])('%s', (_name, text, path, message) => {
    const found = errors(validateNadText(text, 'nad.json'));
    expect(found.map((f) => f.path)).toContain(path);
    expect(found.find((f) => f.path === path)?.message).toMatch(message);
  });

  it.each([
    ['a YAML syntax error', 'apiVersion: k8s.cni.cncf.io/v1\nkind: [NetworkAttachmentDefinition\n', '', /^line 3: not valid YAML: Flow sequence .* must .* end with a \]/],
    ['a document separator followed by content', '--- apiVersion: v1\n', '', /^line 1: invalid document separator "---" followed by "apiVersion: v1"/],
    ['a null key', 'apiVersion: k8s.cni.cncf.io/v1\n~: x\n', '', /^line 2: not valid for kubectl: a map key is null/],
    ['an empty file', '', '', /no NetworkAttachmentDefinition in the file/],
    ['a scalar document', 'just text\n', '', /expected a NetworkAttachmentDefinition object, got "just text"/],
  ])('%s', (_name, text, path, message) => {
    const found = errors(validateNadText(text, 'nad.yaml'));
    expect(found[0]?.path).toBe(path);
    expect(found[0]?.message).toMatch(message);
  });

  it('prefixes paths with the document and list item when a file holds several', () => {
    const text = payload('nad/multi-document.yaml').replace('"mode":"l3s"', '"mode":"l4"');
    expect(validateNadText(text, 'multi.yaml').map(formatFinding)).toEqual([
      'multi.yaml: documents[1].items[1].spec.config.mode: Invalid option: expected one of "l2"|"l3"|"l3s"',
    ]);
  });
});

describe('validateNadText warnings', () => {
  it.each<[string, string, string, RegExp]>([
    ['a gateway inside the carved-out range', seedNad((_n, c) => (c.ipam['gateway'] = '192.168.1.210')), 'spec.config.ipam.gateway', /lies inside the allocation range 192.168.1.200-192.168.1.216/],
    ['a missing cniVersion', seedNad((_n, c) => delete c['cniVersion']), 'spec.config.cniVersion', /assume 0.1.0/],
    ['a name over 63 characters', seedNad((n) => (n.metadata.name = 'a'.repeat(64))), 'metadata.name', /63 or fewer is recommended/],
    ['static IPAM with no addresses and no ips capability', seedNad((_n, c) => (c.ipam = { type: 'static' })), 'spec.config.ipam.addresses', /capabilities/],
    ['rangeEnd on the broadcast address', seedNad((_n, c) => (c.ipam['rangeEnd'] = '192.168.1.255')), 'spec.config.ipam.rangeEnd', /broadcast/],
  ])('%s', (_name, text, path, message) => {
    const found = validateNadText(text, 'nad.json');
    expect(errors(found)).toEqual([]);
    expect(found.find((f) => f.path === path)?.message).toMatch(message);
  });
});

describe('formatFinding', () => {
  it('renders file: path: message', () => {
    expect(formatFinding({ file: 'a.yaml', path: 'spec.config.ipam.rangeEnd', severity: 'error', message: 'm' })).toBe('a.yaml: spec.config.ipam.rangeEnd: m');
    expect(formatFinding({ file: 'a.yaml', path: '', severity: 'error', message: 'm' })).toBe('a.yaml: m');
  });
});
