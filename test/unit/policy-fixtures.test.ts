import { readdirSync, readFileSync } from 'node:fs';
import { loadAllYaml } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../helpers/config/load.ts';
import { UsageError } from '../../helpers/errors.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { POLICY_FOR_ANNOTATION, renderPolicy } from '../../helpers/fixtures/policy.ts';
import { profileVars, renderNad } from '../../helpers/fixtures/render.ts';
import { coveringCidr } from '../../helpers/nad/ipam-range.ts';
import { cidrContains, parseCidr, parseIp } from '../../helpers/parse/ip-address.ts';
import { policyRange, policyRangeCidr } from '../../helpers/scenario/policy-flows.ts';

const VARS = { name: 'p', network: 'policy-net', target: 'target', peer: 'client', peerNamespace: 'mc-x-other', cidr: '192.168.1.0/24', except: '192.168.1.64/27', port: 8080 };
const fixtures = readdirSync('fixtures/multi-networkpolicy/policies').map((f) => f.replace(/\.yaml$/, ''));

describe('MultiNetworkPolicy fixtures', () => {
  it.each(fixtures)('%s renders into a valid policy for the policy network', (name) => {
    const p = renderPolicy(name, VARS);
    expect(p.metadata.annotations[POLICY_FOR_ANNOTATION]).toBe('policy-net');
    expect(p.spec.podSelector.matchLabels).toEqual({ 'mc-policy-role': 'target' });
    expect(p.spec.policyTypes).toHaveLength(1);
  });

  it('renders the ports and the ipBlock as the scenarios mean them', () => {
    expect(renderPolicy('ingress-tcp-port', VARS).spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(renderPolicy('ingress-from-ip-block', VARS).spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '192.168.1.0/24', except: ['192.168.1.64/27'] } }] }]);
    expect(renderPolicy('ingress-deny-all', VARS).spec.ingress).toBeUndefined();
  });

  it('refuses an except block outside the cidr, and a missing template value, naming the file', () => {
    expect(() => renderPolicy('ingress-from-ip-block', { ...VARS, except: '10.0.0.0/8' })).toThrow(
      new UsageError('invalid MultiNetworkPolicy fixture fixtures/multi-networkpolicy/policies/ingress-from-ip-block.yaml: spec.ingress[0].from[0].ipBlock.except[0]: 10.0.0.0/8 is not a CIDR inside 192.168.1.0/24'),
    );
    expect(() => renderPolicy('ingress-from-pod', { name: 'p', network: 'n', target: 't' })).toThrow(/no value for \$\{peer\}/);
    expect(() => renderPolicy('ingress-deny-all', { ...VARS, name: 'Not_A_Name' })).toThrow(/metadata\.name: not a DNS-1123 label/);
  });
});

describe('the policy range', () => {
  it.each(['local', 'kind'] as const)('profile %s: a /27 of its own, inside the subnet, without the external host', (profile) => {
    const values = loadProfile({ ...loadSettings({}), profile });
    const cidr = policyRangeCidr(values);
    expect(parseCidr(cidr)?.prefix).toBe(27);
    const subnet = parseCidr(values.subnet)!;
    expect(cidrContains(subnet, parseCidr(cidr)!.ip)).toBe(true);
    expect(cidrContains(parseCidr(cidr)!, parseIp(values.externalPeer!.address)!)).toBe(false);
    // The NAD fixture takes it and passes `validate`.
    const nad = renderNad('macvlan-policy', profileVars(values, { name: 'policy-net', ...policyRange(values) }));
    expect(nad.spec.config).toContain(`"rangeStart": "${values.policyRangeStart}"`);
  });

  it('falls back to the main range where the profile has none', () => {
    const values = loadProfile({ ...loadSettings({}), profile: 'tkg' });
    expect(policyRange(values)).toEqual({ rangeStart: '192.168.1.200', rangeEnd: '192.168.1.216' });
    expect(policyRangeCidr(values)).toBe('192.168.1.192/27');
  });

  it('coveringCidr gives the smallest prefix holding both ends', () => {
    expect(coveringCidr('192.168.1.64', '192.168.1.95')).toBe('192.168.1.64/27');
    expect(coveringCidr('192.168.1.64', '192.168.1.96')).toBe('192.168.1.64/26');
    expect(coveringCidr('192.168.1.63', '192.168.1.64')).toBe('192.168.1.0/25');
    expect(coveringCidr('10.0.0.5', '10.0.0.5')).toBe('10.0.0.5/32');
    expect(coveringCidr('fd00::10', 'fd00::1f')).toBe('fd00::10/124');
    expect(() => coveringCidr('10.0.0.9', '10.0.0.1')).toThrow(/not a range/);
  });
});

describe('the MultiNetworkPolicy install manifests', () => {
  it('parse, and the CRD serves multi-networkpolicies in k8s.cni.cncf.io/v1beta1', () => {
    const crd = loadAllYaml(readFileSync('fixtures/multi-networkpolicy/crd.yaml', 'utf8'))[0] as {
      spec: { group: string; names: { plural: string }; versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, { items?: { properties: Record<string, unknown> } }> } } } } }> };
    };
    expect([crd.spec.group, crd.spec.names.plural, crd.spec.versions[0]?.name, crd.spec.versions[0]?.served]).toEqual(['k8s.cni.cncf.io', 'multi-networkpolicies', 'v1beta1', true]);
    // The YAML anchors resolved: egress rules have the same ports and peers as ingress.
    const spec = crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties;
    expect(spec['egress']?.items?.properties['to']).toEqual(spec['ingress']?.items?.properties['from']);
    const kinds = loadAllYaml(readFileSync('fixtures/multi-networkpolicy/daemonset.yaml', 'utf8')).map((o: { kind: string }) => o.kind);
    expect(kinds).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'DaemonSet']);
  });
});
