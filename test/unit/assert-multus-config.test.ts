import { describe, expect, it } from 'vitest';
import { assertConfigFollowsMultus, assertConfigMatchesFlavor, assertDelegateConfig, type NodeConfDir } from '../../helpers/assert/multus-config.ts';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import { backupOf, delegateTarget } from '../../helpers/multus/config-files.ts';
import { parseCniConfFile, type CniConfFile } from '../../helpers/parse/cni-conf-file.ts';
import { expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// The thin testbed as its node probe saw it, and the config files of the kind nodes (thin and
// thick Multus v4.2.3) read on the nodes (test/payloads/README.md).
const probe = parseProbeOutput(payload('probe/testbed-thin.txt'));
if (!probe.cniConfigs?.ok) throw new Error('recorded probe output without config facts');
const TESTBED: NodeConfDir = { node: 'mc-node', files: probe.cniConfFiles, configs: probe.cniConfigs.value };
const NODE = '(node mc-node)';

const conf = (file: string, payloadFile = file): CniConfFile => parseCniConfFile(file, payload(`cni-conf/${payloadFile}`));
const KIND_THIN: NodeConfDir = {
  node: 'kind-worker',
  files: ['00-multus.conf', '10-mc-ptp.conflist', 'multus.d'],
  configs: [conf('00-multus.conf', 'kind-thin-00-multus.conf'), conf('10-mc-ptp.conflist', 'kind-10-mc-ptp.conflist')],
};
const KIND_THICK: NodeConfDir = {
  node: 'kind-worker',
  files: ['00-multus.conf', '10-mc-ptp.conflist'],
  configs: [conf('00-multus.conf', 'kind-thick-00-multus.conf'), conf('10-mc-ptp.conflist', 'kind-10-mc-ptp.conflist')],
};
const KIND = '(node kind-worker)';

/** The node with these files added (content from `from`, a file already there) or removed. */
function edited(n: NodeConfDir, change: { add?: [string, string][]; remove?: string[] }): NodeConfDir {
  const removed = new Set(change.remove ?? []);
  const added = (change.add ?? []).map(([file, from]) => ({ ...n.configs!.find((c) => c.file === from)!, file }));
  return {
    ...n,
    files: [...n.files.filter((f) => !removed.has(f)), ...added.map((a) => a.file)].sort(),
    configs: [...n.configs!.filter((c) => !removed.has(c.file)), ...added],
  };
}

describe('config file facts', () => {
  it('thin (conflist and conf), thick, and the primary networks', () => {
    expect(conf('00-multus.conf', 'kind-thick-00-multus.conf')).toEqual({
      file: '00-multus.conf',
      network: 'multus-cni-network',
      types: ['multus-shim'],
      multus: { type: 'multus-shim', clusterNetwork: '/host/etc/cni/net.d/10-mc-ptp.conflist', delegates: [] },
    });
    expect(conf('00-multus.conf', 'kind-thin-00-multus.conf').multus).toEqual({
      type: 'multus',
      kubeconfig: '/etc/cni/net.d/multus.d/multus.kubeconfig',
      delegates: [{ network: 'mc-ptp', types: ['ptp', 'portmap'] }],
    });
    expect(conf('10-mc-ptp.conflist', 'kind-10-mc-ptp.conflist')).toEqual({ file: '10-mc-ptp.conflist', network: 'mc-ptp', types: ['ptp', 'portmap'] });
  });

  it.each([
    ['not JSON', '{"cniVersion":', /^not JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    ['no type', '{"cniVersion":"0.3.1","name":"x"}', /no "type" and no "plugins"/],
    ['a plugin without type', '{"name":"x","plugins":[{"type":"bridge"},{}]}', /a plugin without "type"/],
  ])('a file the runtime cannot load: %s', (_what, text, problem) => {
    expect(parseCniConfFile('x.conf', text).problem).toMatch(problem);
  });

  it('a single-plugin config named .conflist cannot be loaded; as .conf it can', () => {
    const single = '{"cniVersion":"0.3.1","name":"multus-cni-network","type":"multus-shim","socketDir":"/run/multus/"}';
    expect(parseCniConfFile('00-multus.conflist', single).problem).toBe('a .conflist without "plugins" (libcni: no \'plugins\' key)');
    expect(parseCniConfFile('00-multus.conf', single).problem).toBeUndefined();
  });

  it('backups: what a copy was made from; loadable names are no backups', () => {
    expect(backupOf('10-mc-bridge.conflist.cilium_bak')).toBe('10-mc-bridge.conflist');
    expect(backupOf('00-multus.conf.old')).toBe('00-multus.conf');
    expect(backupOf('10-calico.conflist~')).toBe('10-calico.conflist');
    expect(backupOf('10-calico.conflist')).toBeUndefined();
    expect(backupOf('99-x.conf.json')).toBeUndefined();
    expect(backupOf('multus.d')).toBeUndefined();
  });

  it('the delegate target: a clusterNetwork path in or outside /etc/cni/net.d, a name, the first delegate', () => {
    const keys = conf('00-multus.conf', 'kind-thick-00-multus.conf').multus!;
    expect(delegateTarget('00-multus.conf', keys)).toMatchObject({ kind: 'file', file: '10-mc-ptp.conflist' });
    expect(delegateTarget('00-multus.conf', { ...keys, clusterNetwork: '/etc/cni/net.d/10-x.conf' })).toMatchObject({ kind: 'file', file: '10-x.conf' });
    expect(delegateTarget('00-multus.conf', { ...keys, clusterNetwork: '/etc/cni/multus/net.d/10-x.conf' })).toMatchObject({ kind: 'unchecked' });
    expect(delegateTarget('00-multus.conf', { ...keys, clusterNetwork: 'antrea' })).toMatchObject({ kind: 'network', network: 'antrea' });
    expect(delegateTarget('00-multus.conflist', TESTBED.configs![0]!.multus!)).toMatchObject({ kind: 'network', network: 'mc-bridge' });
    expect(delegateTarget('00-multus.conf', { type: 'multus', delegates: [] })).toEqual({ kind: 'none' });
  });
});

const RUNNING = { daemonSet: 'kube-system/kube-multus-ds', pods: [{ node: 'mc-node', name: 'kube-multus-ds-5482x', ready: true }] };

describe('assertConfigFollowsMultus (stale config)', () => {
  it('passes on the testbed: config and a ready Multus pod on the node', () => {
    expect(assertConfigFollowsMultus([TESTBED], RUNNING)).toEqual(['node mc-node: 00-multus.conflist, Multus pod kube-multus-ds-5482x']);
  });
  it('passes on a node without Multus and without its config', () => {
    expect(() => assertConfigFollowsMultus([edited(TESTBED, { remove: ['00-multus.conflist'] })], { pods: [] })).not.toThrow();
  });
  it('fails when the config stays after the DaemonSet is gone: names node, file and the consequence', () => {
    const f = expectFailure(
      () => assertConfigFollowsMultus([TESTBED], { problem: 'kube-system/kube-multus-ds is gone since the run started', pods: [] }),
      { expected: 'no 00-multus.conf* while Multus is not installed', actual: '/etc/cni/net.d/00-multus.conflist present, but no Multus DaemonSet runs' },
      NODE,
    );
    expect(f.message).toContain('/etc/cni/net.d/00-multus.conflist: stale Multus config');
    expect(f.mismatch.actual).toMatch(/kube-multus-ds is gone since the run started.*every new pod on mc-node.*"Unauthorized".*multus-cni#592/);
  });
  it('fails when the DaemonSet runs but has no pod on that node', () => {
    expectFailure(
      () => assertConfigFollowsMultus([TESTBED], { daemonSet: 'kube-system/kube-multus-ds', pods: [{ node: 'other', name: 'x', ready: true }] }),
      { expected: 'a Multus pod on mc-node', actual: 'no pod of the Multus DaemonSet kube-system/kube-multus-ds runs on mc-node' },
      NODE,
    );
  });
  it('fails when a ready Multus pod has no config on its node', () => {
    expectFailure(
      () => assertConfigFollowsMultus([edited(TESTBED, { remove: ['00-multus.conflist'] })], RUNNING),
      { expected: 'written by the ready Multus pod kube-multus-ds-5482x', actual: 'none (files: 10-mc-bridge.conflist, multus.d): new pods on mc-node bypass Multus' },
      NODE,
    );
  });
  it('a backup of the config is no config: a renamed-away 00-multus.conf is missing', () => {
    const renamed = edited(TESTBED, { remove: ['00-multus.conflist'], add: [['00-multus.conflist.cilium_bak', '00-multus.conflist']] });
    expectFailure(() => assertConfigFollowsMultus([renamed], RUNNING), { expected: '00-multus.conf or 00-multus.conflist', actual: 'none (files: 00-multus.conflist.cilium_bak' }, NODE);
  });
  it('leaves a Multus pod that is not ready to the DaemonSet check', () => {
    const notReady = { ...RUNNING, pods: [{ ...RUNNING.pods[0]!, ready: false }] };
    expect(() => assertConfigFollowsMultus([edited(TESTBED, { remove: ['00-multus.conflist'] })], notReady)).not.toThrow();
  });
});

describe('assertConfigMatchesFlavor', () => {
  it('passes: thin testbed, thin kind, thick kind', () => {
    expect(() => assertConfigMatchesFlavor(TESTBED, 'thin', 'kube-system/kube-multus-ds')).not.toThrow();
    expect(() => assertConfigMatchesFlavor(KIND_THIN, 'thin', 'kube-system/kube-multus-ds')).not.toThrow();
    expect(() => assertConfigMatchesFlavor(KIND_THICK, 'thick', 'kube-system/kube-multus-ds')).not.toThrow();
  });
  it('fails: a thick config with the thin DaemonSet', () => {
    const f = expectFailure(
      () => assertConfigMatchesFlavor(KIND_THICK, 'thin', 'kube-system/kube-multus-ds'),
      { expected: 'type "multus" with a "kubeconfig"', actual: 'type "multus-shim", a thick config: the shim finds no multus-daemon' },
      KIND,
    );
    expect(f.message).toContain('/etc/cni/net.d/00-multus.conf written for the running Multus (thin, DaemonSet kube-system/kube-multus-ds)');
    expect(f.message).toContain('multus-cni#1218');
  });
  it('fails: a thin config left behind with a thick daemon', () => {
    expectFailure(() => assertConfigMatchesFlavor(KIND_THIN, 'thick', 'kube-system/kube-multus-ds'), { expected: 'type "multus-shim"', actual: 'type "multus", a thin config left from before' }, KIND);
  });
  it('fails on a stale thin .conflist next to the thick .conf (the daemon deletes its own file when it stops)', () => {
    const both: NodeConfDir = {
      node: 'kind-worker',
      files: ['00-multus.conf', '00-multus.conflist', '10-mc-ptp.conflist'],
      configs: [...KIND_THICK.configs!, conf('00-multus.conflist', 'testbed-thin-00-multus.conflist')],
    };
    expectFailure(() => assertConfigMatchesFlavor(both, 'thick', 'kube-system/kube-multus-ds'), { expected: 'multus-shim', actual: 'type "multus"' }, KIND);
  });
  it('fails on a Multus config that is not a config, or not Multus, or thin without kubeconfig', () => {
    const broken = { ...TESTBED, configs: [parseCniConfFile('00-multus.conflist', '{"plugins":'), ...TESTBED.configs!.slice(1)] };
    expectFailure(() => assertConfigMatchesFlavor(broken, 'thin', 'ds'), { expected: 'type "multus"', actual: 'not a CNI config the runtime can load: not JSON' }, NODE);
    const bridge = { ...TESTBED, configs: [{ ...TESTBED.configs![1]!, file: '00-multus.conflist' }] };
    expectFailure(() => assertConfigMatchesFlavor(bridge, 'thin', 'ds'), { expected: 'type "multus"', actual: 'plugin type(s) bridge, not Multus' }, NODE);
    const noKubeconfig = { ...TESTBED, configs: [parseCniConfFile('00-multus.conflist', '{"name":"m","plugins":[{"type":"multus","delegates":[]}]}')] };
    expectFailure(() => assertConfigMatchesFlavor(noKubeconfig, 'thin', 'ds'), { expected: 'type "multus"', actual: 'without "kubeconfig"' }, NODE);
    expectFailure(() => assertConfigMatchesFlavor({ ...TESTBED, configs: [] }, 'thin', 'ds'), { expected: 'type "multus"', actual: 'not read by the node probe' }, NODE);
  });
});

describe('assertDelegateConfig', () => {
  it('passes: thin testbed (embedded delegate), thin and thick kind', () => {
    expect(assertDelegateConfig(TESTBED)).toEqual({ checked: true, note: 'node mc-node: delegates[0] "mc-bridge" of 00-multus.conflist → 10-mc-bridge.conflist' });
    expect(assertDelegateConfig(KIND_THIN)).toEqual({ checked: true, note: 'node kind-worker: delegates[0] "mc-ptp" of 00-multus.conf → 10-mc-ptp.conflist' });
    expect(assertDelegateConfig(KIND_THICK)).toEqual({
      checked: true,
      note: 'node kind-worker: clusterNetwork /host/etc/cni/net.d/10-mc-ptp.conflist of 00-multus.conf → 10-mc-ptp.conflist',
    });
  });
  it('fails: a Cilium backup copy of the primary config next to it', () => {
    const f = expectFailure(
      () => assertDelegateConfig(edited(TESTBED, { add: [['10-mc-bridge.conflist.cilium_bak', '10-mc-bridge.conflist']] })),
      {
        expected: '/etc/cni/net.d/10-mc-bridge.conflist and no renamed or backup copy',
        actual: "10-mc-bridge.conflist.cilium_bak (a Cilium copy of 10-mc-bridge.conflist): Cilium's cni.exclusive renames every CNI config",
      },
      NODE,
    );
    expect(f.message).toContain('the primary network config Multus delegates to (delegates[0] "mc-bridge" of 00-multus.conflist)');
    expect(f.message).toContain('multus-cni#972');
  });
  it('fails: the primary config renamed away (thin: the embedded copy works until Multus restarts)', () => {
    const renamed = edited(TESTBED, { remove: ['10-mc-bridge.conflist'], add: [['10-mc-bridge.conflist.cilium_bak', '10-mc-bridge.conflist']] });
    expectFailure(
      () => assertDelegateConfig(renamed),
      {
        expected: 'a config file of network "mc-bridge" in /etc/cni/net.d',
        actual: 'none; 10-mc-bridge.conflist.cilium_bak (a Cilium copy of 10-mc-bridge.conflist) is there instead: pods still get the copy embedded in 00-multus.conflist, but the next Multus restart',
      },
      NODE,
    );
  });
  it('fails: the thick clusterNetwork file missing, a .bak copy there instead', () => {
    const renamed = edited(KIND_THICK, { remove: ['10-mc-ptp.conflist'], add: [['10-mc-ptp.conflist.bak', '10-mc-ptp.conflist']] });
    expectFailure(
      () => assertDelegateConfig(renamed),
      { expected: '/etc/cni/net.d/10-mc-ptp.conflist', actual: 'missing; 10-mc-ptp.conflist.bak (a renamed or backup copy of 10-mc-ptp.conflist) is there instead: multus-daemon reads it on every pod ADD' },
      KIND,
    );
    expectFailure(() => assertDelegateConfig(edited(KIND_THICK, { remove: ['10-mc-ptp.conflist'] })), { expected: '10-mc-ptp.conflist', actual: 'missing: multus-daemon reads it' }, KIND);
  });
  it('fails: Multus\' own config renamed by Cilium, next to a fresh one', () => {
    expectFailure(
      () => assertDelegateConfig(edited(TESTBED, { add: [['00-multus.conflist.cilium_bak', '00-multus.conflist']] })),
      { expected: 'none', actual: '00-multus.conflist.cilium_bak (a Cilium copy of 00-multus.conflist)' },
      NODE,
    );
  });
  it('fails: any *.cilium_bak, even of another config', () => {
    expectFailure(
      () => {
        const flannel = parseCniConfFile('05-flannel.conflist.cilium_bak', '{"name":"cbr0","plugins":[{"type":"flannel"}]}');
        assertDelegateConfig({ ...TESTBED, files: [...TESTBED.files, flannel.file], configs: [...TESTBED.configs!, flannel] });
      },
      { expected: 'no *.cilium_bak in the directory', actual: '05-flannel.conflist.cilium_bak: Cilium' },
      NODE,
    );
  });
  it('fails: no Multus config, or one naming no primary network', () => {
    expectFailure(() => assertDelegateConfig(edited(TESTBED, { remove: ['00-multus.conflist'] })), { expected: "Multus' config on the node", actual: 'none (files: 10-mc-bridge.conflist, multus.d)' }, NODE);
    const empty = { ...TESTBED, configs: [parseCniConfFile('00-multus.conflist', '{"name":"m","plugins":[{"type":"multus","kubeconfig":"/k","delegates":[]}]}'), TESTBED.configs![1]!] };
    expectFailure(() => assertDelegateConfig(empty), { expected: 'clusterNetwork or a delegate', actual: '00-multus.conflist names neither' }, NODE);
  });
  it('a clusterNetwork it cannot follow is a note and not checked, not a pass claim', () => {
    const outside = { ...KIND_THICK, configs: [{ ...KIND_THICK.configs![0]!, multus: { type: 'multus-shim' as const, clusterNetwork: '/etc/cni/multus/net.d/10-x.conf', delegates: [] } }, KIND_THICK.configs![1]!] };
    expect(assertDelegateConfig(outside)).toEqual({ checked: false, note: expect.stringMatching(/outside \/etc\/cni\/net\.d, which is all the probe reads; not checked$/) });
    const byName = { ...KIND_THICK, configs: [{ ...KIND_THICK.configs![0]!, multus: { type: 'multus-shim' as const, clusterNetwork: 'antrea', delegates: [] } }, KIND_THICK.configs![1]!] };
    expect(assertDelegateConfig(byName)).toEqual({ checked: false, note: expect.stringMatching(/clusterNetwork "antrea" of 00-multus.conf is no network of a config file .* not checked$/) });
  });
});
