import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import type { NodeCapabilities } from '../../helpers/capabilities/types.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import { UsageError } from '../../helpers/errors.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { profileVars, renderNad, renderTemplate } from '../../helpers/fixtures/render.ts';
import { CATALOG, byId } from '../../helpers/scenario/catalog.ts';
import type { ClusterInfo } from '../../helpers/scenario/cluster-info.ts';
import { listScenariosFor, selectedSuiteFiles } from '../../helpers/scenario/list.ts';
import { skipReason, targetsOf } from '../../helpers/scenario/scenario.ts';
import { timeoutsFor } from '../../helpers/scenario/timeouts.ts';
import { payload } from './recorded.ts';

const settings = loadSettings({});
const probe = parseProbeOutput(payload('testbed-probe-output.txt'));
const node = (name: string, over: Partial<NodeCapabilities> = {}): NodeCapabilities => ({ name, ready: true, probe, sriovResources: {}, ...over });

function cluster(over: Partial<ClusterInfo> = {}): ClusterInfo {
  return {
    kubeconfig: '/dev/null',
    provider: 'local',
    runId: 'unit',
    profileName: 'local',
    profile: loadProfile(settings),
    mode: 'full',
    strict: false,
    keep: false,
    tests: [],
    reportDir: '/tmp',
    timeouts: timeoutsFor('local'),
    serverVersion: 'v1.34.4',
    multus: { daemonSet: 'kube-system/kube-multus-ds', desired: 1, ready: 1, flavor: 'thin', crdServed: true, installedBySuite: false, carvelPackaging: false },
    nodes: [node('mc-node')],
    ...over,
  };
}

function withoutDaemonSet(): ClusterInfo['multus'] {
  const { daemonSet: _gone, ...rest } = cluster().multus;
  return rest;
}

function withoutPeer(): ClusterInfo['profile'] {
  const { externalPeer: _gone, ...rest } = cluster().profile;
  return rest;
}

describe('skip reasons come from what the cluster really lacks', () => {
  it.each([
    ['in-pod/macvlan', cluster(), undefined],
    ['in-pod/ipvlan', cluster(), /node mc-node: node kernel lacks ipvlan \(creating a ipvlan link failed: .*Operation not supported\)/],
    ['sriov/vf', cluster(), /no node advertises an SR-IOV resource/],
    ['sriov/vf', cluster({ nodes: [node('n1', { sriovResources: { 'intel.com/intel_sriov_netdevice': '4' } })] }), undefined],
    ['traffic/cross-node', cluster(), /the cluster has 1/],
    ['in-pod/whereabouts', cluster(), /whereabouts IPAM is not installed: node mc-node has no \/opt\/cni\/bin\/whereabouts/],
    ['traffic/cross-node', cluster({ nodes: [node('a'), node('b')] }), undefined],
    ['health/tkg-package', cluster(), /not a TKG cluster/],
    ['lifecycle/multus-restart', cluster({ mode: 'non-disruptive' }), /mode non-disruptive leaves out disruptive scenarios/],
    ['selection/comma-list', cluster({ mode: 'quick' }), /mode quick leaves out standard scenarios/],
    ['in-pod/macvlan', cluster({ multus: withoutDaemonSet() }), /Multus is not installed/],
    ['in-pod/macvlan', cluster({ profile: { ...cluster().profile, master: 'ens5' } }), /master interface ens5 does not exist on the node/],
    ['in-pod/macvlan', cluster({ nodes: [{ name: 'mc-node', ready: true, probeError: 'probe pod failed', sriovResources: {} }] }), /capabilities unknown \(probe pod failed\)/],
    ['traffic/external-host', cluster({ profile: withoutPeer() }), /no external host/],
  ])('%s', (id, c, reason) => {
    const got = skipReason(byId(id), c);
    if (reason === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(reason);
  });

  it('expands per-node scenarios to the nodes that can run them', () => {
    expect(targetsOf(byId('in-pod/macvlan'), cluster({ nodes: [node('a'), node('b')] }))).toEqual(['a', 'b']);
    expect(targetsOf(byId('in-pod/ipvlan'), cluster())).toEqual([undefined]);
  });
});

describe('selection', () => {
  it('loads only suite files with a selected scenario', () => {
    expect(selectedSuiteFiles({ tests: ['^in-pod/'] })).toEqual(['suites/in-pod.test.ts']);
    expect(selectedSuiteFiles({ tests: ['nothing-matches-this'] })).toEqual([]);
    expect(selectedSuiteFiles({ tests: [] })).toHaveLength(new Set(CATALOG.map((d) => d.area)).size);
  });

  it('list marks excluded, skipped and probe-deferred scenarios', () => {
    const rows = listScenariosFor(loadSettings({ flags: { tests: ['!^negative/'] } }), cluster());
    expect(rows.find((r) => r.id === 'negative/bad-ip')).toMatchObject({ status: 'excluded' });
    expect(rows.find((r) => r.id === 'sriov/vf')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/SR-IOV/) });
    expect(rows.find((r) => r.id === 'in-pod/ipvlan')).toMatchObject({ status: 'run', reason: expect.stringMatching(/probe pod when the run starts/) });
  });
});

describe('fixtures', () => {
  it('render the seed NAD with the profile and validate it', () => {
    const nad = renderNad('macvlan-bridge', profileVars(cluster().profile, { name: 'macvlan-conf' }));
    expect(JSON.parse(nad.spec.config!)).toMatchObject({ type: 'macvlan', master: 'mc-seg0', ipam: { gateway: '192.168.1.1' } });
  });

  it.each(['macvlan-bridge', 'macvlan-mtu', 'macvlan-static', 'macvlan-small-range', 'macvlan-whereabouts', 'ipvlan-l2', 'sriov'])(
    'every NAD fixture renders and validates with the local profile: %s',
    (fixture) => {
      expect(renderNad(fixture, profileVars(cluster().profile, { name: fixture })).metadata.name).toBe(fixture);
    },
  );

  it('refuse a template value that is missing, naming the file and key', () => {
    expect(() => renderTemplate('"master": "${master}"', {}, 'fixtures/nads/x.yaml')).toThrow(new UsageError('fixture fixtures/nads/x.yaml: no value for ${master}'));
  });

  it('refuse a rendered NAD that does not validate', () => {
    expect(() => renderNad('macvlan-bridge', profileVars(cluster().profile, { name: 'macvlan-conf', rangeStart: '10.9.9.9' }))).toThrow(
      /invalid NAD fixture: .*rangeStart/,
    );
  });
});
