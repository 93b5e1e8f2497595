import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { liveFromReading, NetnsProbeOutputError, netnsTarget, parseNetnsProbeLog, probeArgs } from '../../cli/audit/node-probe.ts';
import { renderPodFixture } from '../../helpers/fixtures/render.ts';

const PAYLOADS = join(import.meta.dirname, '../payloads');
const payload = (name: string): string => readFileSync(join(PAYLOADS, name), 'utf8');
// Recorded on the testbed: a probe pod asked for the pause-image pod (key 0) and for a UID no pod has (key 1).
const LOG = payload('netns-probe.pause-pod.txt');
const PAUSE_POD = JSON.parse(payload('pause-pod.json')) as k8s.V1Pod;
const BUSYBOX_ADDR = payload('busybox-ip-addr.up.txt');

describe('netnsTarget: how the probe finds a pod', () => {
  it('the recorded pause pod: its node, its UID both ways, its container ID', () => {
    expect(netnsTarget(PAUSE_POD, '3')).toEqual({
      key: '3',
      pod: 'mc-h-audit-1/pause',
      node: 'mc-node',
      patterns: [
        'd684c7da-f6b4-45ee-a651-ae0b1e323f2f',
        'd684c7da_f6b4_45ee_a651_ae0b1e323f2f',
        '2db5fe82708a3c5fb6ef2e13e11909a37c4fa6da3439d60af0b0aa4e95f77f80',
      ],
    });
  });

  it.each<[string, (p: k8s.V1Pod) => void, RegExp]>([
    ['no node', (p) => delete p.spec!.nodeName, /no node/],
    ['a UID that is not a UUID (it would go through a shell)', (p) => (p.metadata!.uid = 'x; reboot'), /not a UUID/],
  ])('refuses a pod with %s', (_name, spoil, why) => {
    const p = structuredClone(PAUSE_POD);
    spoil(p);
    expect(netnsTarget(p, '0')).toMatch(why);
  });

  it('leaves out a container ID that is not hex, rather than passing it on', () => {
    const p = structuredClone(PAUSE_POD);
    p.status!.containerStatuses![0]!.containerID = 'containerd://$(reboot)';
    expect(netnsTarget(p, '0')).toMatchObject({ patterns: ['d684c7da-f6b4-45ee-a651-ae0b1e323f2f', 'd684c7da_f6b4_45ee_a651_ae0b1e323f2f'] });
  });

  it('probeArgs: one "KEY PATTERN…" argument per pod, and nothing unsafe', () => {
    const t = netnsTarget(PAUSE_POD, '0');
    if (typeof t === 'string') throw new Error(t);
    expect(probeArgs([t])).toEqual([`0 ${t.patterns.join(' ')}`]);
    expect(() => probeArgs([{ ...t, patterns: ['abc def'] }])).toThrow(/unsafe/);
    expect(() => probeArgs([{ ...t, key: '0;id' }])).toThrow(/unsafe/);
  });

  it('the fixture renders with hostPID, privileged, on the node, and the arguments as given', () => {
    const pod = renderPodFixture<k8s.V1Pod>('netns-probe-pod', { name: 'netns-probe-0', node: 'mc-node', image: 'img:1' });
    expect(pod.spec).toMatchObject({ nodeName: 'mc-node', hostPID: true, restartPolicy: 'Never', automountServiceAccountToken: false });
    const c = pod.spec!.containers[0]!;
    expect(c).toMatchObject({ image: 'img:1', securityContext: { privileged: true } });
    // The script takes its targets as "$@": the last command word is $0.
    expect(c.command!.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(c.command![2]).toContain('nsenter -t "$1" -n');
    expect(c.command![2]).not.toMatch(/ip (link|addr|route) (add|del|set|flush)|ip netns add|ip -n \S+ (link|addr)/);
    expect(c.args).toBeUndefined();
  });
});

describe('parseNetnsProbeLog and liveFromReading', () => {
  it('the recorded log: the pause pod has two processes in one namespace, read with ip -j; the other key found nothing', () => {
    const readings = parseNetnsProbeLog(LOG);
    expect([...readings.keys()]).toEqual(['0', '1']);
    const r = readings.get('0')!;
    expect(r.procs).toEqual([
      { pid: 17346, netns: 'net:[4026532257]', comm: 'pause' },
      { pid: 17379, netns: 'net:[4026532257]', comm: 'pause' },
    ]);
    expect(r.netns).toEqual([expect.objectContaining({ netns: 'net:[4026532257]', pid: 17346, format: 'json' })]);
    const live = liveFromReading(r, 'mc-node');
    if (typeof live === 'string') throw new Error(live);
    expect(live.map((i) => [i.name, i.kind, i.addresses.map((a) => a.address).join(' ')])).toEqual([
      ['lo', undefined, '127.0.0.1 ::1'],
      ['eth0', 'veth', '10.244.0.14 fe80::4d4:6aff:fe39:a762'],
      ['net1', 'macvlan', '192.168.1.241 fe80::cccd:d8ff:fe29:6d33'],
    ]);
    expect(liveFromReading(readings.get('1'), 'mc-node')).toBe(
      'no process of the pod found on node mc-node (matched by pod UID and container IDs in /proc/*/cgroup)',
    );
    expect(liveFromReading(readings.get('7'), 'mc-node')).toBe('the node probe on mc-node did not report the pod');
  });

  it('busybox ip (an image without iproute2): the text form, parsed by the busybox parser', () => {
    // The recorded busybox output framed as the probe frames it (the probe's ip-text branch).
    const log = `== pod 0\n== proc 10 net:[1] pause\n== netns net:[1] 10\n== ip-text\n${BUSYBOX_ADDR}== end\n`;
    const live = liveFromReading(parseNetnsProbeLog(log).get('0'), 'n');
    if (typeof live === 'string') throw new Error(live);
    expect(live.map((i) => i.name)).toEqual(['lo', 'recpod0', 'recnet1', 'recnet2']);
  });

  it('a container in its own network namespace: the sandbox (pause) process decides', () => {
    const json = LOG.split('\n').find((l) => l.startsWith('[{'))!;
    const log = [
      '== pod 0',
      '== proc 20 net:[9] app',
      '== netns net:[9] 20',
      '== ip-json',
      '[]',
      '== proc 10 net:[1] pause',
      '== netns net:[1] 10',
      '== ip-json',
      json,
      '== end',
      '',
    ].join('\n');
    const live = liveFromReading(parseNetnsProbeLog(log).get('0'), 'n');
    expect(Array.isArray(live) && live.map((i) => i.name)).toEqual(['lo', 'eth0', 'net1']);
    // Without a pause process it cannot tell: says so rather than guess.
    expect(liveFromReading(parseNetnsProbeLog(log.replace(' pause', ' other')).get('0'), 'n')).toMatch(/2 network namespaces \(net:\[9\], net:\[1\]\)/);
  });

  it('ip failing inside the namespace: the probe error, not an empty pod', () => {
    const log = '== pod 0\n== proc 10 net:[1] pause\n== netns net:[1] 10\n== error nsenter -t 10 -n ip addr show: nsenter: not found\n== end\n';
    expect(liveFromReading(parseNetnsProbeLog(log).get('0'), 'n')).toBe('reading net:[1] of pid 10 on node n: nsenter -t 10 -n ip addr show: nsenter: not found');
  });

  it('unparsable ip output: says so', () => {
    const log = '== pod 0\n== proc 10 net:[1] pause\n== netns net:[1] 10\n== ip-json\n{"not":"a list"}\n== end\n';
    expect(liveFromReading(parseNetnsProbeLog(log).get('0'), 'n')).toMatch(/^ip output from net:\[1\] on node n not understood \(ip -j addr/);
  });

  it.each<[string, string, RegExp]>([
    ['a log cut off before "== end"', LOG.replace('== end\n', ''), /cut off/],
    ['ip output outside a section', `text\n${LOG}`, /line 1: output outside an ip section/],
    ['an unknown marker', LOG.replace('== proc 17379', '== prok 17379'), /unknown marker/],
    ['a malformed process line', LOG.replace('== proc 17379 net', '== proc x net'), /malformed process line/],
    ['the same pod twice', LOG.replace('== pod 1', '== pod 0'), /pod 0 twice/],
    ['text after the end', `${LOG}more\n`, /text after "== end"/],
  ])('rejects %s', (_name, log, message) => {
    expect(() => parseNetnsProbeLog(log)).toThrow(NetnsProbeOutputError);
    expect(() => parseNetnsProbeLog(log)).toThrow(message);
  });
});
