import { describe, expect, it } from 'vitest';
import { parseProbeOutput, parseProbeSteps } from '../../helpers/capabilities/probe-output.ts';
import { classifyLinkAdd } from '../../helpers/capabilities/link-support.ts';
import { candidateMasters, masterState } from '../../helpers/capabilities/master.ts';
import { sriovResourcesOf } from '../../helpers/capabilities/discover.ts';
import type { NodeCapabilities } from '../../helpers/capabilities/types.ts';
import type { LiveInterface } from '../../helpers/parse/live-network.ts';
import { checkCniConfigOrder, checkPluginBinaries } from '../../helpers/scenario/health-checks.ts';
import { expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// Output of fixtures/pods/probe-pod.yaml on the testbed node (busybox ip, kernel without ipvlan),
// and the same script run with iproute2 (test/payloads/README.md).
const BUSYBOX = 'testbed-probe-output.txt';
const STATES = 'testbed-probe-output.master-states.txt';
const IPROUTE2 = 'host-probe-output.iproute2.txt';

const probe = (file = BUSYBOX): ReturnType<typeof parseProbeOutput> => parseProbeOutput(payload(file));
const node = (name: string, p = probe()): NodeCapabilities => ({ name, ready: true, selected: true, probe: p, sriovResources: {} });

function linksOf(file: string): LiveInterface[] {
  const links = probe(file).links;
  if (!links.ok) throw new Error(`links of ${file} did not parse: ${links.problem}`);
  return links.list;
}

/** Replaces one section of a recorded output (header line to the next header). */
function withSection(text: string, name: string, body: string): string {
  return text.replace(new RegExp(`== ${name}\\n[\\s\\S]*?(?=\\n== )`), `== ${name}\n${body}`);
}

/** Cuts the recorded output from the kernel checks on, and puts these lines in their place. */
function withKernelChecks(text: string, lines: string): string {
  return `${text.split('== netns')[0]}${lines}\n== end\n`;
}

describe('probe output', () => {
  it.each([
    [BUSYBOX, 'ip: RTNETLINK answers: Operation not supported'],
    [IPROUTE2, 'Error: Unknown device type.'],
  ])('%s: config files, binaries, node links and link support', (file, ipvlanAnswer) => {
    const p = probe(file);
    expect(p.cniConfFiles[0]).toBe('00-multus.conflist');
    expect(Object.keys(p.cniBinaries)).toContain('macvlan');
    expect(linksOf(file).map((l) => l.name)).toContain('mc-seg0');
    expect(p.macvlan).toEqual({ status: 'supported' });
    expect(p.ipvlan).toEqual({ status: 'unsupported', answer: ipvlanAnswer });
  });

  it('rejects the output cut after any line, instead of returning part of it', () => {
    for (const file of [BUSYBOX, IPROUTE2]) {
      const lines = payload(file).trimEnd().split('\n');
      for (let i = 0; i < lines.length - 1; i++) {
        const cut = lines.slice(0, i + 1).join('\n');
        expect(() => parseProbeOutput(cut), `${file} cut after line ${i + 1}`).toThrow(/probe output/);
      }
    }
  });

  it.each([
    ['empty', ''],
    ['no sections', 'sh: can\'t open /bin/sh\n'],
    ['unknown section', payload(BUSYBOX).replace('== bin', '== binaries')],
    ['a section twice', payload(BUSYBOX).replace('== end', '== conf\n$ ls\nrc 0\n== end')],
    ['text before the first section', `hello\n${payload(BUSYBOX)}`],
    ['a step without its rc line', payload(BUSYBOX).replace(/\nrc 0\n== bin/, '\n== bin')],
    ['a step without its command line', payload(BUSYBOX).replace('$ ls -1 /host/cni-conf\n', '')],
    ['a bad sha256sum line', payload(BUSYBOX).replace(/^[0-9a-f]{64} {2}bridge$/m, 'deadbeef  bridge')],
    ['binary garbage', '\u0000\u0001\u00ff== \u0007'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseProbeOutput(text)).toThrow(/probe (output|command)/);
  });

  it('fails the whole probe when the CNI directories cannot be listed, naming the command', () => {
    const text = withSection(payload(BUSYBOX), 'conf', '$ ls -1 /host/cni-conf\nls: /host/cni-conf: Permission denied\nrc 1');
    expect(() => parseProbeOutput(text)).toThrow('probe command `ls -1 /host/cni-conf` exited 1: ls: /host/cni-conf: Permission denied');
  });

  it('reports links it could not read as a problem naming the command, not as an empty node', () => {
    const cmd = "$ sh -c ip -j -d addr show 2>/dev/null || ip addr show";
    expect(probe().links.ok).toBe(true);
    const noIp = parseProbeOutput(withSection(payload(BUSYBOX), 'links', `${cmd}\nsh: ip: not found\nrc 127`)).links;
    expect(noIp).toEqual({ ok: false, problem: 'probe command `sh -c ip -j -d addr show 2>/dev/null || ip addr show` exited 127: sh: ip: not found' });
    const garbage = parseProbeOutput(withSection(payload(BUSYBOX), 'links', `${cmd}\nthis is not ip output\nrc 0`)).links;
    expect(garbage).toMatchObject({ ok: false, problem: expect.stringMatching(/unreadable output: busybox ip addr: line 1: expected "N: name: <FLAGS> …"/) });
    const badJson = parseProbeOutput(withSection(payload(IPROUTE2), 'links', `${cmd}\n[{"ifname":"eth0"}]\nrc 0`)).links;
    expect(badJson).toMatchObject({ ok: false, problem: expect.stringMatching(/unreadable output: ip -j addr: entry 0 \(eth0\) field flags/) });
  });

  it('says which command failed when no private namespace could be made (unshare without CAP_SYS_ADMIN)', () => {
    const answers = linkAddAnswers().find((a) => a.command.includes('unshare'))!;
    const text = withKernelChecks(payload(BUSYBOX), `== netns\n$ unshare -n sh -c <kernel checks>\n${answers.output.join('\n')}\nrc ${answers.rc}`);
    const p = parseProbeOutput(text);
    for (const kind of ['macvlan', 'ipvlan'] as const) {
      expect(p[kind]).toEqual({
        status: 'failed',
        command: 'unshare -n sh -c <kernel checks>',
        problem: '`unshare -n sh -c <kernel checks>` exited 1: unshare: unshare(0x40000000): Operation not permitted',
      });
    }
  });

  it('refuses to test kernels in a namespace that is not empty (never the node\'s)', () => {
    const text = withKernelChecks(
      payload(BUSYBOX),
      '== netns\n$ ip -o link show (inside unshare -n: must list lo only)\n1: lo: <LOOPBACK> mtu 65536\n4: eth0: <UP> mtu 1500\nnot a private network namespace: refusing to create links\nrc 1',
    );
    expect(parseProbeOutput(text).macvlan).toMatchObject({ status: 'failed', problem: expect.stringMatching(/refusing to create links/) });
  });

  it('says which command failed when the veth parent could not be made', () => {
    const text = withKernelChecks(
      payload(BUSYBOX),
      '== netns\n$ ip -o link show\n1: lo: <LOOPBACK> mtu 65536\nrc 0\n== parent\n$ ip link add mcprobe-p0 type veth peer name mcprobe-p1\nip: RTNETLINK answers: Operation not permitted\nrc 2',
    );
    expect(parseProbeOutput(text).ipvlan).toEqual({
      status: 'failed',
      command: 'ip link add mcprobe-p0 type veth peer name mcprobe-p1',
      problem: '`ip link add mcprobe-p0 type veth peer name mcprobe-p1` exited 2: ip: RTNETLINK answers: Operation not permitted',
    });
  });

  it('needs the link sections once the namespace and parent were made', () => {
    const noKinds = payload(BUSYBOX).replace(/== macvlan[\s\S]*?(?=== end)/, '');
    expect(() => parseProbeSteps(noKinds)).toThrow(/missing section\(s\) macvlan, ipvlan/);
  });
});

interface Answer {
  command: string;
  output: string[];
  rc: number;
}

/** test/payloads/link-add-answers.txt: blocks of `$ command`, output, `rc N`. */
function linkAddAnswers(): Answer[] {
  return payload('link-add-answers.txt')
    .trim()
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      return { command: lines[0]!.slice(2), output: lines.slice(1, -1), rc: Number(lines.at(-1)!.slice(3)) };
    });
}

describe('kernel support: only the kernel\'s own "no such link type" answer means the kernel lacks it', () => {
  const answers = linkAddAnswers();

  it('has the recorded answers', () => {
    expect(answers).toHaveLength(16);
  });

  it.each(answers.map((a) => [a.command, a] as const))('%s', (_command, a) => {
    const lacksType = / type (ipvlan|dummy|vlan)\b/.test(a.command) && !a.command.startsWith('setpriv');
    const got = classifyLinkAdd(a);
    if (lacksType) expect(got).toEqual({ status: 'unsupported', answer: a.output[0] });
    else expect(got).toEqual({ status: 'failed', command: a.command, problem: `\`${a.command}\` exited ${a.rc}: ${a.output.join(' ')}` });
  });

  it.each([
    ['a second line after the answer', ['RTNETLINK answers: Operation not supported', 'and something else']],
    ['the answer inside another message', ['unshare: unshare(0x40000000): Operation not supported']],
    ['no output at all', []],
    ['a wrapper quoting it', ['error: Error: Unknown device type. (while probing)']],
  ])('is not fooled by %s', (_what, output) => {
    expect(classifyLinkAdd({ command: 'ip link add x type ipvlan', output, rc: 2 })).toMatchObject({ status: 'failed' });
  });

  it('calls exit code 0 supported, whatever was printed', () => {
    expect(classifyLinkAdd({ command: 'ip link add x type macvlan', output: ['warning: something'], rc: 0 })).toEqual({ status: 'supported' });
  });
});

describe('master state on the node', () => {
  it.each([
    [STATES, 'mc-seg0', { state: 'up' }],
    [STATES, 'eth0', { state: 'up' }],
    [STATES, 'mc-h-skips0', { state: 'down', detail: 'no carrier: operstate UNKNOWN, flags <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>' }],
    [STATES, 'mc-h-skips1', { state: 'down', detail: 'administratively down: operstate UNKNOWN, flags <BROADCAST,MULTICAST>' }],
    [STATES, 'ifb0', { state: 'down', detail: 'administratively down: operstate UNKNOWN, flags <BROADCAST,NOARP>' }],
    [STATES, 'ens5', { state: 'missing' }],
    [IPROUTE2, 'mc-seg0', { state: 'up' }],
    [IPROUTE2, 'mc-h-skips0', { state: 'down', detail: 'no carrier: operstate LOWERLAYERDOWN, flags <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>' }],
    [IPROUTE2, 'mc-h-skips1', { state: 'down', detail: 'administratively down: operstate DOWN, flags <BROADCAST,MULTICAST>' }],
    [IPROUTE2, 'ens5', { state: 'missing' }],
  ])('%s: %s', (file, master, expected) => {
    expect(masterState(linksOf(file), master)).toEqual(expected);
  });

  it('does not take a prefix or another case for the master', () => {
    expect(masterState(linksOf(STATES), 'mc-seg')).toEqual({ state: 'missing' });
    expect(masterState(linksOf(STATES), 'MC-SEG0')).toEqual({ state: 'missing' });
  });

  it('lists the interfaces a node offers, without lo and pod veths (kind-node eth0 and mc-seg0 are veths too)', () => {
    const names = candidateMasters(linksOf(IPROUTE2));
    expect(names).toEqual(expect.arrayContaining(['eth0', 'mc-seg0', 'mc-cni0']));
    expect(names.some((n) => n === 'lo' || n.startsWith('veth'))).toBe(false);
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
