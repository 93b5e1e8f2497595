import { describe, expect, it } from 'vitest';
import { cniConfigListSchema, cniConfigSchemaFor, ipamPlugin, isConfigList, pluginConfigSchema } from '../../helpers/nad/cni-config.ts';
import { formatPath } from '../../helpers/parse/zod-path.ts';

const seedConfig = {
  cniVersion: '0.3.0',
  type: 'macvlan',
  master: 'ens5',
  mode: 'bridge',
  ipam: {
    type: 'host-local',
    subnet: '192.168.1.0/24',
    rangeStart: '192.168.1.200',
    rangeEnd: '192.168.1.216',
    routes: [{ dst: '0.0.0.0/0' }],
    gateway: '192.168.1.1',
  },
};

function issues(value: unknown): string[] {
  const r = cniConfigSchemaFor(value).safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => formatPath(i.path));
}

describe('CNI config schemas', () => {
  it.each<[string, unknown]>([
    ['the seed macvlan', seedConfig],
    ['type and cniVersion only (§3.2.3)', { cniVersion: '1.0.0', type: 'bridge' }],
    ['an unknown plugin type', { cniVersion: '0.4.0', type: 'my-plugin', whatever: [1, 2] }],
    ['ipvlan l3s', { cniVersion: '0.3.1', type: 'ipvlan', mode: 'l3s' }],
    ['"ipam": {} (no IPAM)', { cniVersion: '0.3.1', type: 'macvlan', ipam: {} }],
    ['host-local ranges', { type: 'bridge', ipam: { type: 'host-local', ranges: [[{ subnet: 'fd00::/64' }], [{ subnet: '10.1.0.0/16', gateway: '10.1.0.254' }]] } }],
    ['static with capabilities ips', { type: 'macvlan', capabilities: { ips: true }, ipam: { type: 'static' } }],
    ['whereabouts dash range', { type: 'macvlan', ipam: { type: 'whereabouts', range: '192.168.2.225-192.168.2.230/28', exclude: ['192.168.2.229/32'] } }],
    ['a config list', { cniVersion: '1.0.0', name: 'n', plugins: [seedConfig, { type: 'tuning', capabilities: { mac: true } }] }],
  ])('accepts %s', (_name, value) => {
    expect(issues(value)).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    ['missing type', { cniVersion: '0.3.1' }, ['type']],
    ['bad cniVersion', { ...seedConfig, cniVersion: '0.3.2' }, ['cniVersion']],
    ['bad macvlan mode', { ...seedConfig, mode: 'l2' }, ['mode']],
    ['bad ipvlan mode', { type: 'ipvlan', mode: 'bridge' }, ['mode']],
    ['host-local without subnet', { type: 'macvlan', ipam: { type: 'host-local', rangeStart: '10.0.0.5' } }, ['ipam.subnet']],
    ['a bad subnet', { ...seedConfig, ipam: { ...seedConfig.ipam, subnet: '192.168.1.0' } }, ['ipam.subnet']],
    ['a bad route dst', { ...seedConfig, ipam: { ...seedConfig.ipam, routes: [{ dst: 'default' }] } }, ['ipam.routes[0].dst']],
    ['static address without prefix', { type: 'macvlan', ipam: { type: 'static', addresses: [{ address: '10.0.0.5' }] } }, ['ipam.addresses[0].address']],
    ['whereabouts without range', { type: 'macvlan', ipam: { type: 'whereabouts' } }, ['ipam.range']],
    ['empty plugins', { cniVersion: '1.0.0', plugins: [] }, ['plugins']],
    ['a plugin without type', { cniVersion: '1.0.0', plugins: [{ type: 'macvlan' }, { mtu: 1400 }] }, ['plugins[1].type']],
    ['a bad mode inside a list', { plugins: [{ type: 'macvlan', mode: 'l2' }] }, ['plugins[0].mode']],
  ])('rejects %s at %j', (_name, value, paths) => {
    expect(issues(value)).toEqual(paths);
  });

  it('tells a list from a config and finds the plugin with IPAM', () => {
    const list = cniConfigListSchema.parse({ plugins: [{ type: 'tuning' }, seedConfig] });
    expect(isConfigList(list)).toBe(true);
    expect(ipamPlugin(list)?.type).toBe('macvlan');
    expect(ipamPlugin(pluginConfigSchema.parse({ type: 'bridge' }))).toBeUndefined();
  });
});
