import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import type { NodeCapabilities } from '../../helpers/capabilities/types.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { profileVars, renderNad } from '../../helpers/fixtures/render.ts';
import { byId } from '../../helpers/scenario/catalog.ts';
import type { ClusterInfo } from '../../helpers/scenario/cluster-info.ts';
import { selectionNeedsProbe } from '../../helpers/scenario/list.ts';
import { skipReason } from '../../helpers/scenario/targets.ts';
import { payload } from './recorded.ts';
import { unitCluster } from './unit-cluster.ts';

// plugins/*: node-side state only on clusters the suite created, the plugin
// binary on the node, the profile's tuning range; on the recorded testbed
// probe (Debian's plugins 1.1.1: bridge, host-device, tuning, vlan present).
const probe = parseProbeOutput(payload('testbed-probe-output.txt'));
const node = (name: string, over: Partial<NodeCapabilities> = {}): NodeCapabilities => ({ name, ready: true, selected: true, probe, sriovResources: {}, ...over });
const localProfile = loadProfile(loadSettings({}));
const existingProfile = (profile: 'tkg' | 'generic'): ClusterInfo['profile'] => ({
  ...loadProfile(loadSettings({ flags: { provider: 'existing', profile } })),
  master: 'mc-seg0',
});

function cluster(over: Partial<ClusterInfo> = {}): ClusterInfo {
  return unitCluster({ profile: localProfile, nodes: [node('mc-node')], ...over });
}

function without(plugin: string): NodeCapabilities {
  const { [plugin]: _gone, ...rest } = probe!.cniBinaries;
  return node('mc-node', { probe: { ...probe!, cniBinaries: rest } });
}

const existing = (profile: 'tkg' | 'generic'): Partial<ClusterInfo> => ({ provider: 'existing', profileName: profile, profile: existingProfile(profile) });

describe('plugins/* gating', () => {
  it.each([
    ['plugins/bridge', cluster(), undefined],
    ['plugins/host-device', cluster(), undefined],
    ['plugins/tuning', cluster(), undefined],
    ['plugins/tuning-allowlist', cluster(), undefined],
    ['plugins/vlan', cluster(), undefined],
    ['plugins/bridge', cluster({ provider: 'kind', profileName: 'kind' }), undefined],
    ['plugins/bridge', cluster(existing('tkg')), /writes to a node \(a link or a file, removed again by the scenario\), which the suite does only on clusters it created \(provider local or kind\), not on provider existing/],
    ['plugins/host-device', cluster(existing('generic')), /only on clusters it created/],
    ['plugins/tuning-allowlist', cluster(existing('tkg')), /only on clusters it created/],
    ['plugins/tuning', cluster(existing('tkg')), /no address range for plugins\/tuning in profile tkg: tuningSubnet, tuningRangeStart, tuningRangeEnd unset/],
    ['plugins/tuning', cluster(existing('generic')), /in profile generic: tuningSubnet, tuningRangeStart, tuningRangeEnd unset/],
    ['plugins/bridge', cluster({ nodes: [without('bridge')] }), /node mc-node has no \/opt\/cni\/bin\/bridge/],
    ['plugins/host-device', cluster({ nodes: [without('host-device')] }), /no \/opt\/cni\/bin\/host-device/],
    ['plugins/tuning', cluster({ nodes: [without('tuning')] }), /no \/opt\/cni\/bin\/tuning/],
    ['plugins/vlan', cluster({ nodes: [without('vlan')] }), /no \/opt\/cni\/bin\/vlan/],
  ])('%s', (id, c, reason) => {
    const got = skipReason(byId(id), c);
    if (reason === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(reason);
  });

  it('runs the node probe when a plugins scenario is selected (its binaries are read there)', () => {
    expect(selectionNeedsProbe({ ...loadSettings({}), tests: ['^plugins/bridge$'] })).toBe(true);
  });
});

describe('plugins fixtures', () => {
  const vars = { bridge: 'mcbr-unit', device: 'mchdunita', arpIgnore: '2', somaxconn: '1031' };
  it.each(['bridge-l2', 'host-device', 'macvlan-tuning'])('%s renders and validates with the local and kind profiles', (fixture) => {
    for (const profile of [localProfile, loadProfile(loadSettings({ flags: { provider: 'kind' } }))]) {
      expect(renderNad(fixture, profileVars(profile, { name: fixture, ...vars })).metadata.name).toBe(fixture);
    }
  });

  it('vlan renders with a VLAN id and subnet (profiles set none by default)', () => {
    const nad = renderNad('vlan', profileVars({ ...localProfile, vlanId: 42, vlanSubnet: '192.168.10.0/24' }, { name: 'vlan' }));
    expect(JSON.parse(nad.spec.config!)).toMatchObject({ type: 'vlan', master: 'mc-seg0', vlanId: 42 });
    expect(() => renderNad('vlan', profileVars(localProfile, { name: 'vlan' }))).toThrow(/no value for \$\{vlanId\}/);
  });

  it('tuning sets the per-interface sysctl through IFNAME and the namespace one', () => {
    const nad = renderNad('macvlan-tuning', profileVars(localProfile, { name: 't', ...vars }));
    const tuning = (JSON.parse(nad.spec.config!) as { plugins: { type: string; sysctl?: Record<string, string> }[] }).plugins[1]!;
    expect(tuning).toEqual({ type: 'tuning', sysctl: { 'net.ipv4.conf.IFNAME.arp_ignore': '2', 'net.core.somaxconn': '1031' } });
  });
});
