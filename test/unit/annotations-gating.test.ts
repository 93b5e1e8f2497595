import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { byId } from '../../helpers/scenario/catalog.ts';
import type { ClusterInfo } from '../../helpers/scenario/cluster-info.ts';
import { groupOf } from '../../helpers/scenario/groups.ts';
import { skipReason } from '../../helpers/scenario/targets.ts';
import { payload } from './recorded.ts';
import { unitCluster } from './unit-cluster.ts';

// annotations/*: they run where the profile (or network.*) names their
// subnets, and skip naming the missing key elsewhere.
const probe = parseProbeOutput(payload('testbed-probe-output.txt'));

function cluster(provider: 'local' | 'existing', network: Record<string, string> = {}): ClusterInfo {
  const settings = loadSettings({ flags: { provider, network } });
  return unitCluster({
    provider,
    profileName: settings.profile,
    profile: { ...loadProfile(settings), master: 'mc-seg0' },
    mode: 'non-disruptive',
    nodes: [{ name: 'mc-node', ready: true, selected: true, probe, sriovResources: {} }],
  });
}

describe('annotations/* gating', () => {
  it('run on the testbed profile', () => {
    expect(skipReason(byId('annotations/default-network'), cluster('local'))).toBeUndefined();
    expect(skipReason(byId('annotations/nad-change'), cluster('local'))).toBeUndefined();
  });

  it('skip on the generic profile, naming the keys to set', () => {
    expect(skipReason(byId('annotations/default-network'), cluster('existing'))).toBe(
      "no subnet for it in profile generic: set network.defaultNetworkSubnet to a free /27 of the master's segment (a subnet of its own each)",
    );
    expect(skipReason(byId('annotations/nad-change'), cluster('existing'))).toMatch(/set network\.nadChangeSubnet and network\.nadChangeNewSubnet to a free \/27/);
  });

  it('run on the generic profile once network.* names the subnets', () => {
    const c = cluster('existing', { defaultNetworkSubnet: '10.1.2.0/27', nadChangeSubnet: '10.1.2.32/27', nadChangeNewSubnet: '10.1.2.64/27' });
    expect(c.profile.defaultNetworkSubnet).toBe('10.1.2.0/27');
    expect(skipReason(byId('annotations/default-network'), c)).toBeUndefined();
    expect(skipReason(byId('annotations/nad-change'), c)).toBeUndefined();
    expect(skipReason(byId('annotations/nad-change'), cluster('existing', { nadChangeSubnet: '10.1.2.32/27' }))).toMatch(/set network\.nadChangeNewSubnet to/);
  });

  it('annotations/static-pod: on the local testbed only, the reason named elsewhere', () => {
    expect(skipReason(byId('annotations/static-pod'), cluster('local'))).toBeUndefined();
    expect(skipReason(byId('annotations/static-pod'), { ...cluster('local'), provider: 'kind' })).toMatch(/the kind provider does not write into its node containers' \/etc\/kubernetes\/manifests/);
    expect(skipReason(byId('annotations/static-pod'), cluster('existing'))).toMatch(/writes a pod manifest into a node's kubelet manifest directory: only on clusters the suite created/);
  });

  it('both run in the conformance group (lifecycle/* is the disruptive one)', () => {
    expect(groupOf(byId('annotations/default-network'))).toBe('conformance');
    expect(groupOf(byId('annotations/nad-change'))).toBe('conformance');
  });
});
