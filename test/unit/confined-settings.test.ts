import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addRunOptions, addSettingsOptions, flagsToLayer } from '../../cli/options.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import { UsageError } from '../../helpers/errors.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { byId } from '../../helpers/scenario/catalog.ts';
import { buildClusterInfo } from '../../helpers/scenario/cluster-info.ts';
import { skipReason } from '../../helpers/scenario/scenario.ts';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import { payload } from './recorded.ts';

function flags(...args: string[]): ReturnType<typeof flagsToLayer> {
  const cmd = addRunOptions(addSettingsOptions(new Command('run').exitOverride()));
  cmd.action(() => {});
  cmd.parse(args, { from: 'user' });
  return flagsToLayer(cmd);
}

describe('--multus-daemonset / multus.daemonSet', () => {
  it('maps onto multus.daemonSet', () => {
    expect(flags('--multus-daemonset', 'kube-system/kube-multus-ds')).toEqual({ multus: { daemonSet: 'kube-system/kube-multus-ds' } });
    expect(loadSettings({ flags: flags('--multus-daemonset', 'tkg-system/multus') }).multus.daemonSet).toBe('tkg-system/multus');
  });

  it.each(['kube-multus-ds', 'kube-system/', 'Kube-System/multus', 'a/b/c'])('rejects %s in one line naming the flag', (value) => {
    expect(() => loadSettings({ flags: flags('--multus-daemonset', value) })).toThrow(UsageError);
    expect(() => loadSettings({ flags: flags('--multus-daemonset', value) })).toThrow(/^--multus-daemonset: must be namespace\/name of a DaemonSet/);
  });
});

describe('--allow-node-residue', () => {
  const probe = parseProbeOutput(payload('testbed-probe-output.txt'));
  const cluster = (provider: 'local' | 'existing', extra: string[] = []) => {
    const settings = loadSettings({ flags: { ...flags(...extra), provider, ...(provider === 'existing' ? { profile: 'local' as const } : {}) } });
    return buildClusterInfo(settings, {
      kubeconfig: '/dev/null',
      profile: loadProfile(settings),
      serverVersion: 'v1.34.4',
      multus: { daemonSet: 'kube-system/kube-multus-ds', uid: 'u', desired: 1, ready: 1, flavor: 'thin', crdServed: true, installedBySuite: false, carvelPackaging: false },
      nodes: [{ name: 'mc-node', ready: true, selected: true, probe, sriovResources: {} }],
    });
  };
  const longIfname = byId('negative/long-ifname');

  it('keeps negative/long-ifname off clusters the suite did not create, saying why', () => {
    expect(skipReason(longIfname, cluster('existing'))).toBe(
      'its pod cannot be torn down on thin Multus (CNI DEL fails), which can leave a pod sandbox on the node; on a cluster the suite did not create it runs only with --allow-node-residue',
    );
  });

  it('runs it there when asked', () => {
    expect(skipReason(longIfname, cluster('existing', ['--allow-node-residue']))).toBeUndefined();
  });

  it('runs it by default on clusters the suite created', () => {
    expect(skipReason(longIfname, cluster('local'))).toBeUndefined();
  });

  it('leaves the other negatives alone', () => {
    expect(skipReason(byId('negative/duplicate-ifname'), cluster('existing'))).toBeUndefined();
  });
});
