import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { auditPods, type AuditSource, type NadLookup, type PodAudit } from '../../cli/audit/audit-pod.ts';
import { liveFromReading, parseNetnsProbeLog, type NetnsTarget } from '../../cli/audit/node-probe.ts';
import type { ExecResult } from '../../helpers/k8s/exec.ts';
import type { LiveInterface } from '../../helpers/parse/ip-output.ts';

const PAYLOADS = join(import.meta.dirname, '../payloads');
const payload = (name: string): string => readFileSync(join(PAYLOADS, name), 'utf8');
// The recording's stand-in names, as a pod shows them (see test/payloads/README.md).
const asPod = (text: string): string => text.replaceAll('recpod0', 'eth0').replaceAll('recnet1', 'net1').replaceAll('recnet2', 'net2');

const SEED_NAD_CONFIG = (JSON.parse(payload('nad/seed-macvlan-conf.json')) as { spec: { config: string } }).spec.config;

/** `ip -j -d addr` of the recording with net1's extra IPv6 address dropped, so it agrees with the seed plus net2. */
function ipJsonAgreeingWithStatus(): string {
  const links = JSON.parse(asPod(payload('ip-j-d-addr.up.json'))) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>;
  for (const l of links) if (l.ifname === 'net1') l.addr_info = l.addr_info.filter((a) => a.local !== 'fd00:1::c9');
  return JSON.stringify(links);
}

function busyboxAgreeingWithStatus(): string {
  return asPod(payload('busybox-ip-addr.up.txt')).replace(/ {4}inet6 fd00:1::c9\/64 scope global \n {7}valid_lft forever preferred_lft forever\n/, '');
}

const SEED_STATUS = JSON.parse(payload('seed-network-status.json')) as Array<Record<string, unknown>>;
const NET2 = { name: 'default/macvlan-conf', interface: 'net2', ips: ['192.168.1.202'], mac: '02:77:cb:a0:60:e4', dns: {} };
const GOOD_STATUS = [...SEED_STATUS, NET2];

function pod(status: unknown, over: { phase?: string; networks?: string; hostNetwork?: boolean } = {}): k8s.V1Pod {
  return {
    metadata: {
      namespace: 'default',
      name: 'app-1',
      uid: '0b7c3a52-1d2e-4f60-9a1b-2c3d4e5f6a7b',
      annotations: {
        'k8s.v1.cni.cncf.io/networks': over.networks ?? 'macvlan-conf,macvlan-conf',
        ...(status === undefined ? {} : { 'k8s.v1.cni.cncf.io/network-status': JSON.stringify(status) }),
      },
    },
    spec: { nodeName: 'node-a', containers: [{ name: 'app' }, { name: 'sidecar' }], ...(over.hostNetwork ? { hostNetwork: true } : {}) },
    status: { phase: over.phase ?? 'Running' },
  };
}

// The recorded pause-image pod on the testbed (test/payloads/README.md) and its NAD's config.
const PAUSE_POD = JSON.parse(payload('pause-pod.json')) as k8s.V1Pod;
const PAUSE_NAD_CONFIG =
  '{"cniVersion":"0.3.1","name":"mc-h-audit","type":"macvlan","master":"mc-seg0","mode":"bridge","ipam":{"type":"host-local","subnet":"192.168.1.0/24","rangeStart":"192.168.1.241","rangeEnd":"192.168.1.249","gateway":"192.168.1.1"}}';
const PROBE_LOG = payload('netns-probe.pause-pod.txt');
const EXEC_NOT_FOUND = JSON.parse(payload('exec-status.ip-not-found.json')) as { message: string };

const ok = (stdout: string): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
// What the client returns for an image without ip: status Failure (HTTP 500), no ExitCode cause.
const noIp: ExecResult = { stdout: '', stderr: '', exitCode: 1, message: EXEC_NOT_FOUND.message };
// Debian busybox's `ip -j`: usage on stderr, exit 1.
const busyboxJson: ExecResult = { stdout: '', stderr: 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n', exitCode: 1 };

type Answer = ExecResult | Error;

interface FakeSource extends AuditSource {
  calls: string[];
  probed: Array<{ node: string; targets: NetnsTarget[] }>;
}

/** A cluster stand-in: `ip` answers per command, NADs from a map, the node probe from a recorded log. */
function source(
  ip: { json?: Answer; text?: Answer },
  opts: { nads?: Record<string, string | undefined | Error>; probe?: 'off' | ((node: string, targets: NetnsTarget[]) => Map<string, LiveInterface[] | string>) } = {},
): FakeSource {
  const nads = opts.nads ?? { 'default/macvlan-conf': SEED_NAD_CONFIG };
  const s: FakeSource = {
    calls: [],
    probed: [],
    async exec(_ns, _pod, container, command) {
      s.calls.push(`${container}: ${command.join(' ')}`);
      const a = (command.includes('-j') ? ip.json : ip.text) ?? noIp;
      if (a instanceof Error) throw a;
      return a;
    },
    async nad(namespace, name): Promise<NadLookup> {
      const key = `${namespace}/${name}`;
      if (!(key in nads)) return { found: false };
      const v = nads[key];
      if (v instanceof Error) throw v;
      return { found: true, config: v };
    },
  };
  const probe = opts.probe;
  if (probe !== 'off') {
    s.readFromNode = async (node, targets) => {
      s.probed.push({ node, targets });
      if (!probe) throw new Error('no node probe expected in this test');
      return probe(node, targets);
    };
  }
  return s;
}

/** The recorded probe log, answering for whichever target asked (its key in the recording was 0). */
const recordedProbe = (node: string, targets: NetnsTarget[]): Map<string, LiveInterface[] | string> => {
  const reading = parseNetnsProbeLog(PROBE_LOG).get('0');
  return new Map(targets.map((t) => [t.key, liveFromReading(reading, node)]));
};

const one = async (p: k8s.V1Pod, s: AuditSource, strict = false): Promise<PodAudit> => (await auditPods([p], s, { strict }))[0]!;

describe('auditPods: pods exec can read', () => {
  it('finds nothing on a pod whose annotation agrees with its interfaces and NAD: correct, read by exec', async () => {
    const s = source({ json: ok(ipJsonAgreeingWithStatus()) });
    const a = await one(pod(GOOD_STATUS), s);
    expect(a).toEqual({ pod: 'default/app-1', node: 'node-a', verdict: 'correct', readBy: 'exec', findings: [], notes: [] });
    expect(s.probed).toEqual([]);
  });

  it('falls back to busybox ip when ip -j is not understood, without the node probe', async () => {
    const s = source({ json: busyboxJson, text: ok(busyboxAgreeingWithStatus()) });
    const a = await one(pod(GOOD_STATUS), s);
    expect(a).toMatchObject({ verdict: 'correct', readBy: 'exec', findings: [] });
    expect(s.calls).toEqual(['app: ip -j -d addr show', 'app: ip addr show']);
    expect(s.probed).toEqual([]);
  });

  it('collects a finding from every check instead of stopping at the first', async () => {
    const status = [{ ...SEED_STATUS[0] }, { ...SEED_STATUS[1], default: true }, { ...NET2, ips: ['192.168.1.1'] }];
    const live = ipJsonAgreeingWithStatus().replace('"192.168.1.202"', '"192.168.1.1"');
    const a = await one(pod(status), source({ json: ok(live) }));
    expect(a.verdict).toBe('wrong');
    expect(a.findings.map((f) => [f.iface, f.check])).toEqual([
      ['eth0, net1', expect.stringContaining('default entries')],
      ['net2', expect.stringMatching(/^IP in range 192\.168\.1\.200-192\.168\.1\.216.*never the gateway/)],
    ]);
    expect(a.findings[1]).toMatchObject({ pod: 'default/app-1', actual: '192.168.1.1 (the gateway)' });
  });

  it('reports the annotation disagreeing with the live interfaces', async () => {
    // The seed's annotation lists neither net1's IPv6 address nor net2.
    const a = await one(pod(SEED_STATUS, { networks: 'macvlan-conf' }), source({ json: ok(asPod(payload('ip-j-d-addr.up.json'))) }));
    expect(a.verdict).toBe('wrong');
    expect(a.findings).toEqual([
      {
        pod: 'default/app-1',
        iface: 'net1',
        check: 'network-status ips match the interface',
        expected: '192.168.1.201 (network-status)',
        actual: '192.168.1.201, fd00:1::c9 (inside the pod)',
      },
    ]);
  });

  it('reports an IP outside the NAD range', async () => {
    const status = [SEED_STATUS[0], { ...SEED_STATUS[1], ips: ['192.168.1.99'] }, NET2];
    const live = ipJsonAgreeingWithStatus().replace('"192.168.1.201"', '"192.168.1.99"');
    const a = await one(pod(status), source({ json: ok(live) }));
    expect(a.findings).toEqual([
      expect.objectContaining({ iface: 'net1', check: expect.stringMatching(/^IP in range 192\.168\.1\.200-192\.168\.1\.216/), actual: '192.168.1.99' }),
    ]);
  });

  it('flags the default entry name only in strict mode', async () => {
    const s = source({ json: ok(ipJsonAgreeingWithStatus()) });
    expect((await one(pod(GOOD_STATUS), s)).findings).toEqual([]);
    expect((await one(pod(GOOD_STATUS), s, true)).findings).toEqual([
      expect.objectContaining({ iface: 'eth0', expected: 'namespace/name', actual: '"" (entry 0)' }),
    ]);
  });

  it('makes a missing network-status annotation a finding; nothing to compare with, so not read', async () => {
    const s = source({});
    const a = await one(pod(undefined), s);
    expect(a.verdict).toBe('wrong');
    expect(a.findings).toEqual([expect.objectContaining({ check: 'network-status annotation', actual: 'absent' })]);
    expect(a.why).toBe('no usable network-status annotation to compare with');
    expect(s.calls).toEqual([]);
  });

  it('notes, without a finding, a NAD it cannot read or that has no config', async () => {
    const s = source({ json: ok(ipJsonAgreeingWithStatus()) }, { nads: { 'default/macvlan-conf': undefined } });
    const a = await one(pod(GOOD_STATUS), s);
    expect(a).toMatchObject({ verdict: 'correct', findings: [] });
    expect(a.notes).toEqual(['net1, net2: NAD default/macvlan-conf has no spec.config; IPs not checked']);
    const denied = await one(pod(GOOD_STATUS), source({ json: ok(ipJsonAgreeingWithStatus()) }, { nads: { 'default/macvlan-conf': new Error('cannot be read: HTTP 403: forbidden') } }));
    expect(denied).toMatchObject({ verdict: 'correct', findings: [] });
    expect(denied.notes).toEqual(['net1, net2: NAD default/macvlan-conf cannot be read: HTTP 403: forbidden; not checked']);
  });
});

describe('auditPods: a NAD deleted under a running pod is a finding', () => {
  it('named in the networks annotation and in network-status: one finding per NAD, with its interfaces', async () => {
    const a = await one(pod(GOOD_STATUS), source({ json: ok(ipJsonAgreeingWithStatus()) }, { nads: {} }));
    expect(a.verdict).toBe('wrong');
    expect(a.findings).toEqual([
      {
        pod: 'default/app-1',
        iface: 'net1, net2',
        check: 'NetworkAttachmentDefinition the pod uses exists',
        expected: 'NAD default/macvlan-conf',
        actual: 'not found',
      },
    ]);
  });

  it('named only in the networks annotation (another namespace, requested interface name)', async () => {
    const status = [SEED_STATUS[0], SEED_STATUS[1], NET2];
    const networks = 'macvlan-conf,macvlan-conf,other/gone@extra0';
    const a = await one(pod(status, { networks }), source({ json: ok(ipJsonAgreeingWithStatus()) }));
    expect(a.findings).toEqual([expect.objectContaining({ iface: 'extra0', expected: 'NAD other/gone', actual: 'not found' })]);
  });

  it('named only in network-status (e.g. a Multus defaultNetworks NAD)', async () => {
    const status = [...GOOD_STATUS];
    status[2] = { ...NET2, name: 'kube-system/gone' };
    const a = await one(pod(status, { networks: 'macvlan-conf' }), source({ json: ok(ipJsonAgreeingWithStatus()) }));
    expect(a.findings).toEqual([expect.objectContaining({ iface: 'net2', expected: 'NAD kube-system/gone', actual: 'not found' })]);
  });

  it('not a finding when the NAD is there (wrong data for the check above)', async () => {
    const a = await one(pod(GOOD_STATUS), source({ json: ok(ipJsonAgreeingWithStatus()) }, { nads: { 'default/macvlan-conf': SEED_NAD_CONFIG, 'other/x': SEED_NAD_CONFIG } }));
    expect(a.findings).toEqual([]);
  });

  it('is not asked of pods that are not running', async () => {
    const a = await one(pod(GOOD_STATUS, { phase: 'Pending' }), source({}, { nads: {} }));
    expect(a).toMatchObject({ verdict: 'not-checked', findings: [], why: 'not running (phase Pending)' });
  });
});

describe('auditPods: which pods need the node probe', () => {
  it('the recorded pause-image pod: exec finds no ip, the node probe reads it, and it is compared: correct', async () => {
    const s = source({}, { nads: { 'mc-h-audit-1/mv': PAUSE_NAD_CONFIG }, probe: recordedProbe });
    const a = await one(PAUSE_POD, s);
    expect(a).toEqual({ pod: 'mc-h-audit-1/pause', node: 'mc-node', verdict: 'correct', readBy: 'node-probe', findings: [], notes: [] });
    // One try in its one container: without ip, `ip addr` would fail the same way.
    expect(s.calls).toEqual(['pause: ip -j -d addr show']);
    expect(s.probed).toEqual([
      {
        node: 'mc-node',
        targets: [
          {
            key: '0',
            pod: 'mc-h-audit-1/pause',
            node: 'mc-node',
            patterns: [
              'd684c7da-f6b4-45ee-a651-ae0b1e323f2f',
              'd684c7da_f6b4_45ee_a651_ae0b1e323f2f',
              '2db5fe82708a3c5fb6ef2e13e11909a37c4fa6da3439d60af0b0aa4e95f77f80',
            ],
          },
        ],
      },
    ]);
  });

  it('the same pod with its status patched to a wrong IP: a finding naming pod, interface, expected and actual', async () => {
    const p = structuredClone(PAUSE_POD);
    const ann = p.metadata!.annotations!;
    ann['k8s.v1.cni.cncf.io/network-status'] = ann['k8s.v1.cni.cncf.io/network-status']!.replace('"192.168.1.241"', '"192.168.1.248"');
    const a = await one(p, source({}, { nads: { 'mc-h-audit-1/mv': PAUSE_NAD_CONFIG }, probe: recordedProbe }));
    expect(a.verdict).toBe('wrong');
    expect(a.readBy).toBe('node-probe');
    expect(a.findings).toEqual([
      {
        pod: 'mc-h-audit-1/pause',
        iface: 'net1',
        check: 'network-status ips match the interface',
        expected: '192.168.1.248 (network-status)',
        actual: '192.168.1.241 (inside the pod)',
      },
    ]);
  });

  it('exec denied: straight to the node probe, no further exec attempts', async () => {
    const denied = new Error('exec in pod default/app-1: Unexpected server response: 403');
    const s = source({ json: denied }, { probe: (node, targets) => new Map(targets.map((t) => [t.key, `nothing on ${node}`])) });
    const a = await one(pod(GOOD_STATUS), s);
    expect(s.calls).toEqual(['app: ip -j -d addr show']);
    expect(s.probed).toHaveLength(1);
    expect(a).toMatchObject({ verdict: 'not-checked', readFailed: true });
    expect(a.why).toBe('exec denied (exec in pod default/app-1: Unexpected server response: 403); node probe: nothing on node-a');
  });

  it('exec timed out: the node probe too', async () => {
    const s = source({ json: new Error('exec in pod default/app-1 (ip -j -d addr show): no answer after 20000 ms') }, { probe: recordedProbe });
    await one(pod(GOOD_STATUS), s);
    expect(s.probed.map((p) => p.targets.map((t) => t.pod))).toEqual([['default/app-1']]);
  });

  it('one probe per node, for all its pods; none for pods exec read or that are not running', async () => {
    const pods = [pod(GOOD_STATUS), structuredClone(PAUSE_POD), pod(GOOD_STATUS, { phase: 'Pending' }), pod(GOOD_STATUS, { hostNetwork: true })];
    const second = structuredClone(PAUSE_POD);
    second.metadata!.name = 'pause-2';
    pods.push(second);
    const s = source({}, { probe: recordedProbe, nads: { 'mc-h-audit-1/mv': PAUSE_NAD_CONFIG, 'default/macvlan-conf': SEED_NAD_CONFIG } });
    const audits = await auditPods(pods, s, { strict: false });
    expect(s.probed.map((p) => [p.node, p.targets.map((t) => `${t.key} ${t.pod}`)])).toEqual([
      ['node-a', ['0 default/app-1']],
      ['mc-node', ['1 mc-h-audit-1/pause', '4 mc-h-audit-1/pause-2']],
    ]);
    expect(audits.map((a) => a.verdict)).toEqual(['wrong', 'correct', 'not-checked', 'not-checked', 'correct']);
    expect(audits[3]!.why).toBe('hostNetwork pod: Multus attaches no networks to it');
  });

  it('node probe off: not checked, saying why, and not a failure of the audit', async () => {
    const a = await one(PAUSE_POD, source({}, { nads: { 'mc-h-audit-1/mv': PAUSE_NAD_CONFIG }, probe: 'off' }));
    expect(a).toEqual({
      pod: 'mc-h-audit-1/pause',
      node: 'mc-node',
      verdict: 'not-checked',
      findings: [],
      why: 'no ip in container pause; reading from the node is off (--no-node-probe)',
      notes: [],
    });
  });

  it('a probe that could not run: not checked and a failure of the audit, naming the node', async () => {
    const s = source({}, { nads: { 'mc-h-audit-1/mv': PAUSE_NAD_CONFIG } });
    s.readFromNode = async () => {
      throw new Error('node probe pod x/netns-probe-0 on node mc-node cannot start (image nope:1): phase Pending, waiting: ErrImageNeverPull');
    };
    const a = await one(PAUSE_POD, s);
    expect(a).toMatchObject({ verdict: 'not-checked', readFailed: true });
    expect(a.why).toMatch(/^no ip in container pause; node probe on mc-node failed: .*ErrImageNeverPull/);
  });

  it('a pod exec cannot read and the probe cannot find (no process on the node): read failed', async () => {
    const empty = (_node: string, targets: NetnsTarget[]): Map<string, LiveInterface[] | string> =>
      new Map(targets.map((t) => [t.key, liveFromReading(parseNetnsProbeLog(PROBE_LOG).get('1'), 'mc-node')]));
    const a = await one(PAUSE_POD, source({}, { nads: { 'mc-h-audit-1/mv': PAUSE_NAD_CONFIG }, probe: empty }));
    expect(a).toMatchObject({ verdict: 'not-checked', readFailed: true });
    expect(a.why).toContain('no process of the pod found on node mc-node');
  });
});
