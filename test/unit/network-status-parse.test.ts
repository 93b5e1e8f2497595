import { describe, expect, it } from 'vitest';
import { ConformanceFailure } from '../../helpers/errors.ts';
import { parseNetworkStatus } from '../../helpers/parse/network-status.ts';
import { POD } from './expect-failure.ts';
import { clone, payload } from './recorded.ts';

const seedText = payload('seed-network-status.json');
const seed = JSON.parse(seedText) as Record<string, unknown>[];
const variant = (f: (entries: Record<string, unknown>[]) => void): string => {
  const entries = clone(seed);
  f(entries);
  return JSON.stringify(entries);
};

describe('parseNetworkStatus', () => {
  it('parses the seed annotation (TKG + Antrea + Multus)', () => {
    expect(parseNetworkStatus(seedText, POD)).toEqual([
      { name: '', interface: 'eth0', ips: ['100.96.1.80'], mac: '66:39:dc:63:50:a3', default: true, dns: {} },
      { name: 'default/macvlan-conf', interface: 'net1', ips: ['192.168.1.201'], mac: '02:77:cb:a0:60:e3', dns: {} },
    ]);
  });

  it('accepts the keys the Go client writes (mtu, gateway, device-info, dns)', () => {
    const text = variant((e) => {
      Object.assign(e[1]!, {
        mtu: 1500,
        gateway: ['192.168.1.1'],
        dns: { nameservers: ['10.96.0.10'], search: ['svc.cluster.local'] },
        'device-info': { type: 'pci', version: '1.0.0', pci: { 'pci-address': '0000:18:02.5' } },
      });
    });
    expect(parseNetworkStatus(text, POD)[1]).toMatchObject({ mtu: 1500, 'device-info': { pci: { 'pci-address': '0000:18:02.5' } } });
  });

  it.each([
    ['absent', undefined, 'expected k8s.v1.cni.cncf.io/network-status present, got absent'],
    ['empty', '', 'got absent'],
    ['not JSON', '[{"name": "x",', 'got invalid JSON'],
    ['an object, not a list', JSON.stringify(seed[0]), 'got the annotation: Invalid input: expected array'],
    ['an entry without name', variant((e) => delete e[1]!['name']), 'got entry 1 field "name"'],
    ['a bad IP', variant((e) => ((e[1]!['ips'] as string[])[0] = '192.168.1.300')), 'got entry 1 field "ips[0]": not an IP address'],
    ['a bad MAC', variant((e) => (e[0]!['mac'] = '66:39:dc:63:50')), 'got entry 0 field "mac": not a 6-byte MAC'],
    ['a MAC without interface', variant((e) => delete e[1]!['interface']), 'got entry 1 field "mac": "mac" requires "interface"'],
    ['default as a string', variant((e) => (e[0]!['default'] = 'true')), 'got entry 0 field "default"'],
    ['device-info without version', variant((e) => (e[1]!['device-info'] = { type: 'pci' })), 'got entry 1 field "device-info.version"'],
  ])('fails on %s', (_name, raw, message) => {
    let caught: unknown;
    try {
      parseNetworkStatus(raw, POD);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConformanceFailure);
    const failure = caught as ConformanceFailure;
    expect(failure.message).toContain(`pod ${POD}: network-status annotation: expected`);
    expect(failure.message).toContain(message);
  });
});
