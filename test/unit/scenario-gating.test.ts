import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import type { NodeCapabilities } from '../../helpers/capabilities/types.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import { UsageError } from '../../helpers/errors.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { profileVars, renderNad, renderTemplate } from '../../helpers/fixtures/render.ts';
import { byId } from '../../helpers/scenario/catalog.ts';
import { areasToLoad } from '../../helpers/scenario/groups.ts';
import type { ClusterInfo } from '../../helpers/scenario/cluster-info.ts';
import { listScenariosFor, selectedSuiteFiles, selectionNeedsMaster, selectionNeedsProbe } from '../../helpers/scenario/list.ts';
import { caseName, scenarioGate, skipReason, targetsOf } from '../../helpers/scenario/targets.ts';
import { attachVerdicts, nodesFor, type NodeVerdict } from '../../helpers/scenario/requirements.ts';
import { masterConfigProblem, nodeSelectorProblem } from '../../helpers/capabilities/config-check.ts';
import { nodeFacts } from '../../helpers/capabilities/discover.ts';
import type { V1Node } from '@kubernetes/client-node';
import { payload } from './recorded.ts';
import { unitCluster } from './unit-cluster.ts';

const settings = loadSettings({});
const probe = parseProbeOutput(payload('testbed-probe-output.txt'));
const node = (name: string, over: Partial<NodeCapabilities> = {}): NodeCapabilities => ({ name, ready: true, selected: true, probe, sriovResources: {}, ...over });

/** A node whose probe failed (with the error) or did not run (`list`). */
function withoutProbe(name: string, probeError?: string): NodeCapabilities {
  return { name, ready: true, selected: true, sriovResources: {}, ...(probeError ? { probeError } : {}) };
}

function cluster(over: Partial<ClusterInfo> = {}): ClusterInfo {
  return unitCluster({ profile: loadProfile(settings), nodes: [node('mc-node')], ...over });
}

/** A node whose probe found /opt/cni/bin/whereabouts (the recorded testbed probe predates it). */
function withWhereabouts(name: string): NodeCapabilities {
  return node(name, { probe: { ...probe, cniBinaries: { ...probe.cniBinaries, whereabouts: probe.cniBinaries['macvlan']! } } });
}

function withoutDaemonSet(): ClusterInfo['multus'] {
  const { daemonSet: _gone, ...rest } = cluster().multus;
  return rest;
}

function withoutMaster(): ClusterInfo['profile'] {
  const { master: _gone, ...rest } = cluster().profile;
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
    ['ipam/whereabouts-burst', cluster(), /whereabouts IPAM is not installed: node mc-node has no \/opt\/cni\/bin\/whereabouts/],
    ['ipam/whereabouts-overlap', cluster({ nodes: [withWhereabouts('mc-node')] }), undefined],
    [
      'ipam/whereabouts-reclaim',
      cluster({ nodes: [withWhereabouts('mc-node')], multus: { ...cluster().multus, whereaboutsApi: false } }),
      /whereabouts' API \(whereabouts\.cni\.cncf\.io\/v1alpha1 IPPool\) is not served/,
    ],
    ['ipam/whereabouts-reclaim', cluster({ nodes: [withWhereabouts('mc-node')], multus: { ...cluster().multus, whereaboutsApi: true } }), undefined],
    ['traffic/cross-node', cluster({ nodes: [node('a'), node('b')] }), undefined],
    ['health/tkg-package', cluster(), /not a TKG cluster/],
    ['lifecycle/multus-restart', cluster({ mode: 'non-disruptive' }), /mode non-disruptive leaves out disruptive scenarios/],
    ['selection/comma-list', cluster({ mode: 'quick' }), /mode quick leaves out standard scenarios/],
    ['in-pod/macvlan', cluster({ multus: withoutDaemonSet() }), /Multus is not installed/],
    ['in-pod/macvlan', cluster({ profile: { ...cluster().profile, master: 'ens5' } }), /node mc-node: master interface ens5 \(network\.master\) does not exist on the node \(it has eth0, .*mc-seg0/],
    ['in-pod/macvlan', cluster({ profile: withoutMaster() }), /no master interface configured for profile local: set network\.master/],
    ['traffic/external-host', cluster({ profile: withoutPeer() }), /no external host/],
    ['policy/ingress-deny-all', cluster(), /no MultiNetworkPolicy CRD: multi-networkpolicies\.k8s\.cni\.cncf\.io\/v1beta1 is not served on the cluster/],
    ['policy/ingress-deny-all', cluster({ multus: { ...cluster().multus, multiNetworkPolicy: false } }), /no MultiNetworkPolicy CRD/],
    // Served is enough to run: whether anything enforces it is the scenario's to find out (and fail).
    ['policy/ingress-deny-all', cluster({ multus: { ...cluster().multus, multiNetworkPolicy: true } }), undefined],
    ['policy/ip-block', cluster({ multus: { ...cluster().multus, multiNetworkPolicy: true }, profile: withoutPeer() }), /no external host/],
    ['policy/egress', cluster({ multus: { ...withoutDaemonSet(), multiNetworkPolicy: true } }), /Multus is not installed/],
    ['scale/pods', cluster(), undefined],
    ['scale/pods', cluster({ mode: 'quick' }), undefined],
    [
      'scale/pods',
      cluster({ provider: 'existing', profileName: 'generic', profile: { ...loadProfile(loadSettings({ flags: { provider: 'existing' } })), master: 'mc-seg0' } }),
      /no address range for the scale scenario in profile generic: set network\.scaleSubnet/,
    ],
  ])('%s', (id, c, reason) => {
    const got = skipReason(byId(id), c);
    if (reason === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(reason);
  });
});

const states = parseProbeOutput(payload('testbed-probe-output.master-states.txt'));
const withMaster = (master: string): ClusterInfo['profile'] => ({ ...cluster().profile, master });
const brokenProbe = 'probe pod mc-unit-probe/probe-0 (fixtures/pods/probe-pod.yaml, image x) on node b: waiting for it to finish: timed out after 120s';

describe('per-node verdicts', () => {
  const verdict = (c: ClusterInfo, n = 'b', kind: 'macvlan' | 'ipvlan' = 'macvlan'): NodeVerdict =>
    attachVerdicts(c, kind).find((v) => v.node === n)!.verdict;

  it.each([
    ['master up', cluster({ nodes: [node('b', { probe: states })] }), { outcome: 'run' }],
    ['outside network.nodeSelector', cluster({ nodeSelector: 'pool=multus', nodes: [node('b', { selected: false })] }), { outcome: 'skip', reason: 'node b: not selected by network.nodeSelector "pool=multus"' }],
    ['not Ready', cluster({ nodes: [node('b', { ready: false })] }), { outcome: 'skip', reason: 'node b: not Ready' }],
    ['probe failed', cluster({ nodes: [withoutProbe('b', brokenProbe)] }), { outcome: 'fail', reason: `node b: the node probe failed: ${brokenProbe}` }],
    ['no plugin binary', cluster({ nodes: [node('b', { probe: { ...states, cniBinaries: {} } })] }), { outcome: 'skip', reason: 'node b: CNI plugin binary /opt/cni/bin/macvlan missing' }],
    [
      'kernel says no',
      cluster({ nodes: [node('b', { probe: { ...states, macvlan: { status: 'unsupported', answer: 'Error: Unknown device type.' } } })] }),
      { outcome: 'skip', reason: 'node b: node kernel lacks macvlan (creating a macvlan link failed: Error: Unknown device type.)' },
    ],
    [
      'kernel check failed',
      cluster({ nodes: [node('b', { probe: { ...states, macvlan: { status: 'failed', command: 'ip link add …', problem: '`ip link add …` exited 127: sh: ip: not found' } } })] }),
      { outcome: 'fail', reason: 'node b: could not find out whether the kernel creates macvlan links: probe command `ip link add …` exited 127: sh: ip: not found' },
    ],
    [
      'links unreadable',
      cluster({ nodes: [node('b', { probe: { ...states, links: { ok: false, problem: 'probe command `ip addr show` exited 127: sh: ip: not found' } } })] }),
      { outcome: 'fail', reason: 'node b: could not check master mc-seg0 (network.master): probe command `ip addr show` exited 127: sh: ip: not found' },
    ],
    [
      'master without carrier',
      cluster({ profile: withMaster('mc-h-skips0'), nodes: [node('b', { probe: states })] }),
      { outcome: 'fail', reason: 'node b: master interface mc-h-skips0 (network.master) is down: no carrier: operstate UNKNOWN, flags <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>' },
    ],
    [
      'master administratively down',
      cluster({ profile: withMaster('mc-h-skips1'), nodes: [node('b', { probe: states })] }),
      { outcome: 'fail', reason: 'node b: master interface mc-h-skips1 (network.master) is down: administratively down: operstate UNKNOWN, flags <BROADCAST,MULTICAST>' },
    ],
    [
      'master missing, no selector: the node cannot, skipped',
      cluster({ profile: withMaster('ens5'), nodes: [node('b', { probe: states })] }),
      { outcome: 'skip', reason: expect.stringMatching(/^node b: master interface ens5 \(network\.master\) does not exist on the node \(it has eth0, .*; network\.nodeSelector narrows the run/) },
    ],
    [
      'master missing on a node the selector picked: it should have it, failed',
      cluster({ profile: withMaster('ens5'), nodeSelector: 'pool=multus', nodes: [node('b', { probe: states })] }),
      { outcome: 'fail', reason: expect.stringMatching(/^node b: master interface ens5 \(network\.master\) does not exist on the node, which network\.nodeSelector "pool=multus" selects \(it has eth0, /) },
    ],
  ])('%s', (_what, c, expected) => {
    expect(verdict(c)).toEqual(expected);
  });

  it('checks the kernel before the master: ipvlan on the testbed is the kernel, even with a down master', () => {
    expect(verdict(cluster({ profile: withMaster('mc-h-skips1'), nodes: [node('b', { probe: states })] }), 'b', 'ipvlan')).toMatchObject({
      outcome: 'skip',
      reason: expect.stringMatching(/node kernel lacks ipvlan/),
    });
  });
});

describe('test cases of a scenario', () => {
  /** Node a can run macvlan; node b is as given (a whole node, or changes to one like a). */
  const two = (b: Partial<NodeCapabilities> | NodeCapabilities, over: Partial<ClusterInfo> = {}): ClusterInfo =>
    cluster({ profile: withMaster('mc-seg0'), nodes: [node('a', { probe: states }), 'name' in b ? (b as NodeCapabilities) : node('b', { probe: states, ...b })], ...over });
  const missingMaster = { probe: { ...states, links: { ok: true as const, list: [] } } };

  it('gives every node its own case: a node that cannot run it is skipped with its reason, not dropped', () => {
    expect(targetsOf(byId('in-pod/macvlan'), two(missingMaster))).toEqual([
      { node: 'a', verdict: { outcome: 'run' } },
      { node: 'b', verdict: { outcome: 'skip', reason: expect.stringMatching(/^node b: master interface mc-seg0 \(network\.master\) does not exist/) } },
    ]);
  });

  it('fails the case of a node that should have the master (inside network.nodeSelector) and runs the others', () => {
    const targets = targetsOf(byId('in-pod/macvlan'), two(missingMaster, { nodeSelector: 'pool=multus' }));
    expect(targets.map((t) => [t.node, t.verdict.outcome])).toEqual([['a', 'run'], ['b', 'fail']]);
  });

  it('skips the cases of nodes outside network.nodeSelector, naming the selector', () => {
    const targets = targetsOf(byId('in-pod/macvlan'), two({ selected: false }, { nodeSelector: 'pool=multus' }));
    expect(targets[1]).toEqual({ node: 'b', verdict: { outcome: 'skip', reason: 'node b: not selected by network.nodeSelector "pool=multus"' } });
  });

  it('fails a probe that failed, never skips it as "capabilities unknown"', () => {
    const targets = targetsOf(byId('in-pod/macvlan'), two(withoutProbe('b', brokenProbe)));
    expect(targets[1]).toEqual({ node: 'b', verdict: { outcome: 'fail', reason: `node b: the node probe failed: ${brokenProbe}` } });
  });

  it('names the node in the case of the testbed ipvlan skip', () => {
    expect(targetsOf(byId('in-pod/ipvlan'), cluster())).toEqual([
      { node: 'mc-node', verdict: { outcome: 'skip', reason: expect.stringMatching(/^node mc-node: node kernel lacks ipvlan/) } },
    ]);
    expect(caseName(byId('in-pod/ipvlan'), 'mc-node')).toBe('in-pod/ipvlan: ipvlan l2 attachment: name, IP in range, UP, l2 mode [node=mc-node]');
  });

  it('keeps one case without a node when the cluster as a whole decides', () => {
    expect(targetsOf(byId('in-pod/macvlan'), cluster({ mode: 'quick', multus: withoutDaemonSet() }))).toEqual([
      { verdict: { outcome: 'skip', reason: 'Multus is not installed on the cluster' } },
    ]);
    expect(targetsOf(byId('in-pod/macvlan'), cluster({ profile: withoutMaster() }))).toEqual([
      { verdict: { outcome: 'skip', reason: 'no master interface configured for profile local: set network.master' } },
    ]);
    expect(targetsOf(byId('sriov/vf'), cluster())).toEqual([{ verdict: { outcome: 'skip', reason: expect.stringMatching(/no node advertises an SR-IOV resource/) } }]);
  });

  it('expands SR-IOV to every node once one has VFs', () => {
    const c = cluster({ nodes: [node('a', { sriovResources: { 'intel.com/intel_sriov_netdevice': '4' } }), node('b')] });
    expect(targetsOf(byId('sriov/vf'), c)).toEqual([
      { node: 'a', verdict: { outcome: 'run' } },
      { node: 'b', verdict: { outcome: 'skip', reason: 'node b: advertises no SR-IOV resource in status.allocatable' } },
    ]);
  });

  it('runs a scenario that places its pods when one node can, and pods go to those nodes', () => {
    const c = two(missingMaster);
    expect(targetsOf(byId('status/shape'), c)).toEqual([{ verdict: { outcome: 'run' } }]);
    expect(nodesFor(c, 'macvlan').nodes).toEqual(['a']);
  });

  it('fails, not skips, a scenario that places its pods when the only nodes failed', () => {
    const c = cluster({ nodes: [withoutProbe('a', 'x'), withoutProbe('b', 'y')] });
    expect(targetsOf(byId('status/shape'), c)).toEqual([
      { verdict: { outcome: 'fail', reason: 'node a: the node probe failed: x; node b: the node probe failed: y' } },
    ]);
  });

  it('fails the two-node scenario when a second node exists but failed', () => {
    const c = two(withoutProbe('b', 'y'));
    expect(skipReason(byId('traffic/cross-node'), c)).toBe('needs two nodes that can attach macvlan; 1 can: node b: the node probe failed: y');
    expect(scenarioGate(byId('traffic/cross-node'), c).outcome).toBe('fail');
  });

  it('is never run when the verdict is unknown outside `list` (a node nobody probed)', () => {
    const c = cluster({ nodes: [withoutProbe('a')] });
    expect(targetsOf(byId('in-pod/macvlan'), c)[0]!.verdict.outcome).toBe('unprobed');
  });
});

describe('configuration errors found by the probe', () => {
  it('a master on no node names the setting and the interfaces the nodes have', () => {
    const nodes = [node('a', { probe: states }), node('b', { probe: states })];
    expect(masterConfigProblem(nodes, 'ens5', undefined)).toMatch(
      /^network\.master "ens5" exists on no node: nodes a, b have eth0, ifb0, ifb1, mc-cni0, .*mc-seg0.* \(set network\.master to the interface of the secondary network, and network\.nodeSelector to the nodes that carry it\)$/,
    );
  });

  it('groups nodes by what they have, and looks only at the selected ones', () => {
    const lone = { ...states, links: { ok: true as const, list: states.links.ok ? states.links.list.filter((l) => ['lo', 'eth0', 'ens5'].includes(l.name)) : [] } };
    const nodes = [node('a', { probe: states }), node('c', { probe: { ...lone, links: { ok: true, list: [{ name: 'ens5', mtu: 1500, operstate: 'UP', flags: ['UP', 'LOWER_UP'], addresses: [] }] } }, selected: false })];
    expect(masterConfigProblem(nodes, 'ens5', 'pool=multus')).toMatch(/^network\.master "ens5" exists on no node selected by network\.nodeSelector "pool=multus": a has /);
    expect(masterConfigProblem([node('a', { probe: states }), node('b', { probe: lone })], 'ens4', undefined)).toMatch(/a has eth0, .*; b has eth0 \(/);
  });

  it.each([
    ['one node has it', [node('a', { probe: states }), node('b', { probe: { ...states, links: { ok: true as const, list: [] } } })], 'mc-seg0'],
    ['it is there but down (that node fails instead)', [node('a', { probe: states })], 'mc-h-skips1'],
    ['a node could not be probed', [node('a', { probe: states }), withoutProbe('b', 'timed out')], 'ens5'],
    ['a node\'s links could not be read', [node('a', { probe: { ...states, links: { ok: false as const, problem: 'x' } } })], 'ens5'],
    ['no node is in scope', [node('a', { probe: states, ready: false })], 'ens5'],
  ])('is not declared when %s', (_what, nodes, master) => {
    expect(masterConfigProblem(nodes, master, undefined)).toBeUndefined();
  });

  it('a node selector that matches no node names the selector and the nodes', () => {
    expect(nodeSelectorProblem([{ name: 'mc-node', selected: false }], 'pool=multus')).toBe('network.nodeSelector "pool=multus" matches none of the cluster\'s 1 node(s): mc-node');
    expect(nodeSelectorProblem([{ name: 'mc-node', selected: true }], 'pool=multus')).toBeUndefined();
    expect(nodeSelectorProblem([{ name: 'mc-node', selected: true }], undefined)).toBeUndefined();
  });

  it('narrows the nodes by their labels, and refuses a selector that matches none', () => {
    const k8sNode = (name: string, labels: Record<string, string>): V1Node => ({ metadata: { name, labels }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    const nodes = [k8sNode('cp', { 'node-role.kubernetes.io/control-plane': '' }), k8sNode('w1', { pool: 'multus' }), k8sNode('w2', { pool: 'plain' })];
    expect(nodeFacts(nodes, { sriovResource: 'x', nodeSelector: 'pool=multus' }).map((n) => [n.name, n.selected])).toEqual([['cp', false], ['w1', true], ['w2', false]]);
    expect(nodeFacts(nodes, { sriovResource: 'x' }).every((n) => n.selected)).toBe(true);
    expect(() => nodeFacts(nodes, { sriovResource: 'x', nodeSelector: 'pool=sriov' })).toThrow(
      new UsageError('network.nodeSelector "pool=sriov" matches none of the cluster\'s 3 node(s): cp, w1, w2'),
    );
  });

  it('is checked only when a selected scenario needs the master', () => {
    expect(selectionNeedsMaster(loadSettings({}))).toBe(true);
    expect(selectionNeedsMaster(loadSettings({ flags: { mode: 'quick' } }))).toBe(true);
    expect(selectionNeedsMaster(loadSettings({ flags: { tests: ['^health/'] } }))).toBe(false);
    expect(selectionNeedsMaster(loadSettings({ flags: { tests: ['^traffic/cross-node$'] } }))).toBe(true);
    expect(selectionNeedsMaster(loadSettings({ flags: { tests: ['^lifecycle/'], mode: 'non-disruptive' } }))).toBe(false);
  });

  it('--scale alone needs the master and the probe (scale/pods attaches macvlan links), whatever the mode', () => {
    expect(selectionNeedsMaster(loadSettings({ flags: { scale: 10, mode: 'quick' } }))).toBe(true);
    expect(selectionNeedsProbe(loadSettings({ flags: { scale: 10, mode: 'quick' } }))).toBe(true);
    expect(selectionNeedsProbe(loadSettings({ flags: { scale: 10, tests: ['!^scale/'] } }))).toBe(false);
    expect(selectionNeedsProbe(loadSettings({ flags: { tests: ['^health/nad-crd$'] } }))).toBe(false);
  });
});

describe('selection', () => {
  it('loads only the group files with a selected scenario', () => {
    expect(selectedSuiteFiles({ tests: ['^in-pod/'] })).toEqual(['suites/conformance.test.ts']);
    expect(selectedSuiteFiles({ tests: ['^lifecycle/'] })).toEqual(['suites/disruptive.test.ts']);
    expect(selectedSuiteFiles({ tests: ['nothing-matches-this'] })).toEqual([]);
    expect(selectedSuiteFiles({ tests: [] })).toEqual(['suites/conformance.test.ts', 'suites/disruptive.test.ts']);
    // --scale alone: scale/pods only, in the conformance group, its area the only one loaded.
    expect(selectedSuiteFiles({ tests: [], scale: 10 })).toEqual(['suites/conformance.test.ts']);
    expect(areasToLoad({ tests: [], scale: 10 }, 'conformance')).toEqual(['scale']);
    expect(areasToLoad({ tests: [] }, 'conformance')).not.toContain('scale');
  });

  it('list marks excluded, skipped and probe-deferred scenarios', () => {
    const unprobed = cluster({ nodes: [withoutProbe('mc-node')] });
    const rows = listScenariosFor(loadSettings({ flags: { tests: ['!^negative/'] } }), unprobed);
    expect(rows.find((r) => r.id === 'negative/bad-ip')).toMatchObject({ status: 'excluded' });
    expect(rows.find((r) => r.id === 'sriov/vf')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/SR-IOV/) });
    expect(rows.find((r) => r.id === 'in-pod/ipvlan')).toMatchObject({ node: 'mc-node', status: 'run', reason: expect.stringMatching(/checked on the node by a probe pod when the run starts/) });
    expect(rows.find((r) => r.id === 'in-pod/whereabouts')).toMatchObject({ status: 'run', reason: expect.stringMatching(/probe pod when the run starts/) });
    expect(rows.find((r) => r.id === 'traffic/cross-node')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/the cluster has 1$/) });
    const twoUnprobed = listScenariosFor(loadSettings({}), cluster({ nodes: [withoutProbe('a'), withoutProbe('b')] }));
    expect(twoUnprobed.find((r) => r.id === 'traffic/cross-node')).toMatchObject({ status: 'run', reason: expect.stringMatching(/checked on the node by a probe pod/) });
  });

  it('list excludes scale/pods without --scale and says how to run it', () => {
    const rows = listScenariosFor(loadSettings({}), cluster());
    expect(rows.find((r) => r.id === 'scale/pods')).toMatchObject({ status: 'excluded', reason: 'runs only with --scale N' });
    const scaled = listScenariosFor(loadSettings({ flags: { scale: 100 } }), cluster());
    expect(scaled.filter((r) => r.status !== 'excluded').map((r) => [r.id, r.status])).toEqual([['scale/pods', 'run']]);
  });

  it('list shows, per node, what it can decide without a probe', () => {
    const c = cluster({ nodeSelector: 'pool=multus', nodes: [withoutProbe('w1'), { ...withoutProbe('cp'), selected: false }, { ...withoutProbe('w2'), ready: false }] });
    const rows = listScenariosFor(loadSettings({ flags: { tests: ['^in-pod/macvlan$'] } }), c).filter((r) => r.status !== 'excluded');
    expect(rows.map((r) => [r.node, r.status, r.reason])).toEqual([
      ['w1', 'run', expect.stringMatching(/master mc-seg0, the macvlan plugin and kernel support are checked/)],
      ['cp', 'skip', 'node cp: not selected by network.nodeSelector "pool=multus"'],
      ['w2', 'skip', 'node w2: not Ready'],
    ]);
  });
});

describe('fixtures', () => {
  it('render the seed NAD with the profile and validate it', () => {
    const nad = renderNad('macvlan-bridge', profileVars(cluster().profile, { name: 'macvlan-conf' }));
    expect(JSON.parse(nad.spec.config!)).toMatchObject({ type: 'macvlan', master: 'mc-seg0', ipam: { gateway: '192.168.1.1' } });
  });

  // whereabouts fixtures take the scenario's range and network name (helpers/scenario/whereabouts-state.ts).
  const wb = { range: cluster().profile.whereaboutsRange, networkName: 'mc-unit-ipam' };
  it.each(['macvlan-bridge', 'macvlan-mtu', 'macvlan-static', 'macvlan-small-range', 'whereabouts-macvlan', 'whereabouts-overlapping', 'ipvlan-l2', 'sriov'])(
    'every NAD fixture renders and validates with the local profile: %s',
    (fixture) => {
      expect(renderNad(fixture, profileVars(cluster().profile, { name: fixture, ...wb })).metadata.name).toBe(fixture);
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
