import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import { sriovResourcesOf } from '../../helpers/capabilities/discover.ts';
import type { NodeCapabilities } from '../../helpers/capabilities/types.ts';
import { checkCniConfigOrder, checkPluginBinaries } from '../../helpers/scenario/health-checks.ts';
import { expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// Output of fixtures/pods/probe-pod.yaml on the testbed node (kernel without ipvlan).
const probe = (): ReturnType<typeof parseProbeOutput> => parseProbeOutput(payload('testbed-probe-output.txt'));
const node = (name: string, p = probe()): NodeCapabilities => ({ name, ready: true, probe: p, sriovResources: {} });

describe('probe output', () => {
  it('parses config files, binaries, devices and link support', () => {
    const p = probe();
    expect(p.cniConfFiles[0]).toBe('00-multus.conflist');
    expect(Object.keys(p.cniBinaries)).toContain('macvlan');
    expect(p.netdevs).toContain('mc-seg0');
    expect(p.macvlan.ok).toBe(true);
    expect(p.ipvlan).toEqual({ ok: false, error: expect.stringContaining('Operation not supported') });
  });

  it('rejects a truncated output instead of returning part of it', () => {
    const cut = payload('testbed-probe-output.txt').split('== ipvlan')[0]!;
    expect(() => parseProbeOutput(cut)).toThrow(/missing section\(s\) ipvlan, end/);
  });
});

describe('health checks on probe data', () => {
  it('pass on the testbed node', () => {
    expect(() => checkCniConfigOrder([node('mc-node')])).not.toThrow();
    expect(() => checkPluginBinaries([node('mc-node'), node('mc-node-2')], ['multus', 'macvlan'])).not.toThrow();
  });

  it('fail when another config sorts before 00-multus', () => {
    const p = probe();
    p.cniConfFiles = ['00-calico.conflist', ...p.cniConfFiles];
    expectFailure(() => checkCniConfigOrder([node('mc-node', p)]), { expected: '00-multus.conf', actual: '00-calico.conflist' }, '(node mc-node)');
  });

  it('fail when a plugin is missing on a node', () => {
    const p = probe();
    delete p.cniBinaries['macvlan'];
    expectFailure(() => checkPluginBinaries([node('mc-node', p)], ['multus', 'macvlan']), { expected: 'multus, macvlan', actual: 'missing macvlan' }, '(node mc-node)');
  });

  it('fail when nodes carry different builds of a plugin', () => {
    const p = probe();
    p.cniBinaries['multus'] = 'f'.repeat(64);
    expectFailure(() => checkPluginBinaries([node('a'), node('b', p)], ['multus']), { expected: 'as on a', actual: 'ffffffffffff on b' }, '(nodes b)');
  });
});

describe('SR-IOV discovery from allocatable', () => {
  it.each([
    [{ cpu: '2', memory: '1Gi', pods: '110' }, {}],
    [{ cpu: '2', 'intel.com/intel_sriov_netdevice': '4' }, { 'intel.com/intel_sriov_netdevice': '4' }],
    [{ 'openshift.io/mlx_sriov': '8', 'example.com/gpu': '1' }, { 'openshift.io/mlx_sriov': '8' }],
    [{ 'intel.com/intel_sriov_netdevice': '0' }, {}],
  ])('%j → %j', (allocatable, expected) => {
    expect(sriovResourcesOf(allocatable, 'intel.com/intel_sriov_netdevice')).toEqual(expected);
  });
});
