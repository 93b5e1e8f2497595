import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { auditPod, type AuditSource } from '../../cli/audit/audit-pod.ts';
import type { ExecResult } from '../../helpers/k8s/exec.ts';

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

function pod(status: unknown, phase = 'Running'): k8s.V1Pod {
  return {
    metadata: {
      namespace: 'default',
      name: 'app-1',
      annotations: {
        'k8s.v1.cni.cncf.io/networks': 'macvlan-conf,macvlan-conf',
        ...(status === undefined ? {} : { 'k8s.v1.cni.cncf.io/network-status': JSON.stringify(status) }),
      },
    },
    spec: { containers: [{ name: 'app' }, { name: 'sidecar' }] },
    status: { phase },
  };
}

const ok = (stdout: string): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
const notFound: ExecResult = { stdout: '', stderr: 'exec: "ip": executable file not found in $PATH', exitCode: 127 };

/** A cluster stand-in: `ip` answers per command, NADs from a map. */
function source(ip: { json?: ExecResult; text?: ExecResult }, nads: Record<string, string | undefined> = { 'default/macvlan-conf': SEED_NAD_CONFIG }): AuditSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async exec(_ns, _pod, container, command) {
      calls.push(`${container}: ${command.join(' ')}`);
      return (command.includes('-j') ? ip.json : ip.text) ?? notFound;
    },
    async nadConfig(namespace, name) {
      const key = `${namespace}/${name}`;
      if (!(key in nads)) throw new Error('not found');
      return nads[key];
    },
  };
}

describe('auditPod', () => {
  it('finds nothing on a pod whose annotation agrees with its interfaces and NAD', async () => {
    const a = await auditPod(pod(GOOD_STATUS), source({ json: ok(ipJsonAgreeingWithStatus()) }), { strict: false });
    expect(a).toEqual({ pod: 'default/app-1', checked: true, findings: [], notes: [] });
  });

  it('falls back to busybox ip when ip -j is not there, in any container', async () => {
    const s = source({ text: ok(busyboxAgreeingWithStatus()) });
    const a = await auditPod(pod(GOOD_STATUS), s, { strict: false });
    expect(a.findings).toEqual([]);
    expect(a.checked).toBe(true);
    expect(s.calls).toEqual(['app: ip -j -d addr show', 'app: ip addr show']);
  });

  it('collects a finding from every check instead of stopping at the first', async () => {
    const status = [
      { ...SEED_STATUS[0] },
      { ...SEED_STATUS[1], default: true },
      { ...NET2, ips: ['192.168.1.1'] },
    ];
    const live = ipJsonAgreeingWithStatus().replace('"192.168.1.202"', '"192.168.1.1"');
    const a = await auditPod(pod(status), source({ json: ok(live) }), { strict: false });
    expect(a.findings.map((f) => [f.iface, f.check])).toEqual([
      ['eth0, net1', expect.stringContaining('default entries')],
      ['net2', expect.stringMatching(/^IP in range 192\.168\.1\.200-192\.168\.1\.216.*never the gateway/)],
    ]);
    expect(a.findings[1]).toMatchObject({ pod: 'default/app-1', actual: '192.168.1.1 (the gateway)' });
  });

  it('reports the annotation disagreeing with the live interfaces', async () => {
    // The seed's annotation lists neither net1's IPv6 address nor net2.
    const a = await auditPod(pod(SEED_STATUS), source({ json: ok(asPod(payload('ip-j-d-addr.up.json'))) }), { strict: false });
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
    const a = await auditPod(pod(status), source({ json: ok(live) }), { strict: false });
    expect(a.findings).toEqual([
      expect.objectContaining({ iface: 'net1', check: expect.stringMatching(/^IP in range 192\.168\.1\.200-192\.168\.1\.216/), actual: '192.168.1.99' }),
    ]);
  });

  it('flags the default entry name only in strict mode', async () => {
    const s = source({ json: ok(ipJsonAgreeingWithStatus()) });
    expect((await auditPod(pod(GOOD_STATUS), s, { strict: false })).findings).toEqual([]);
    expect((await auditPod(pod(GOOD_STATUS), s, { strict: true })).findings).toEqual([
      expect.objectContaining({ iface: 'eth0', expected: 'namespace/name', actual: '"" (entry 0)' }),
    ]);
  });

  it('makes a missing network-status annotation a finding', async () => {
    const a = await auditPod(pod(undefined), source({}), { strict: false });
    expect(a.findings).toEqual([expect.objectContaining({ check: 'network-status annotation', actual: 'absent' })]);
  });

  it('notes, without a finding, what it could not check', async () => {
    const a = await auditPod(pod(GOOD_STATUS), source({}, { 'default/macvlan-conf': undefined }), { strict: false });
    expect(a.findings).toEqual([]);
    expect(a.checked).toBe(false);
    expect(a.notes).toEqual([
      'interfaces not read (ip addr show in container sidecar: exit 127: exec: "ip": executable file not found in $PATH)',
      'net1: NAD default/macvlan-conf has no spec.config; IPs not checked',
      'net2: NAD default/macvlan-conf has no spec.config; IPs not checked',
    ]);
  });

  it('notes a NAD that is gone', async () => {
    const a = await auditPod(pod(GOOD_STATUS), source({ json: ok(ipJsonAgreeingWithStatus()) }, {}), { strict: false });
    expect(a.notes).toContain('net1: NAD default/macvlan-conf: not found; IPs not checked');
  });

  it('skips pods that are not running', async () => {
    const a = await auditPod(pod(GOOD_STATUS, 'Pending'), source({}), { strict: false });
    expect(a).toEqual({ pod: 'default/app-1', checked: false, findings: [], notes: ['not running (phase Pending)'] });
  });
});
