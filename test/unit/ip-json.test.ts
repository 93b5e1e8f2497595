import { describe, expect, it } from 'vitest';
import { IpOutputError, parseIpJsonAddr, parseIpJsonRoute } from '../../helpers/parse/ip-output.ts';
import { clone, payload } from './recorded.ts';

describe('parseIpJsonAddr on recorded iproute2 output', () => {
  const up = parseIpJsonAddr(payload('ip-j-d-addr.up.json'));

  it('lists every interface with kind, mode, MTU, MAC and addresses', () => {
    expect(up.map((i) => i.name)).toEqual(['lo', 'recpod0', 'recnet1', 'recnet2']);
    expect(up[2]).toEqual({
      name: 'recnet1',
      mac: '02:77:cb:a0:60:e3',
      mtu: 1500,
      operstate: 'UP',
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      kind: 'macvlan',
      mode: 'bridge',
      addresses: [
        { family: 'inet', address: '192.168.1.201', prefixLength: 24 },
        { family: 'inet6', address: 'fd00:1::c9', prefixLength: 64 },
        { family: 'inet6', address: 'fe80::77:cbff:fea0:60e3', prefixLength: 64 },
      ],
    });
    expect(up[1]).toMatchObject({ kind: 'veth', mac: '66:39:dc:63:50:a3' });
    expect(up[1]).not.toHaveProperty('mode');
    expect(up[3]).toMatchObject({ kind: 'macvlan', mode: 'private', mtu: 1400 });
    expect(up[0]).toMatchObject({ operstate: 'UNKNOWN', mtu: 65536 });
    expect(up[0]).not.toHaveProperty('kind');
  });

  it.each([
    ['ip-j-d-addr.master-down.json', 'recnet1', 'DOWN', ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP']],
    ['ip-j-d-addr.master-down.json', 'recnet2', 'DOWN', ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP']],
    ['ip-j-d-addr.admin-down.json', 'recnet2', 'DOWN', ['BROADCAST', 'MULTICAST']],
    ['ip-j-d-addr.admin-down.json', 'recnet1', 'UP', ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']],
  ])('%s: %s is %s', (file, name, operstate, flags) => {
    const iface = parseIpJsonAddr(payload(file)).find((i) => i.name === name);
    expect(iface).toMatchObject({ operstate, flags });
  });

  it('parses a single-device listing and output without -d (no link kind)', () => {
    expect(parseIpJsonAddr(payload('ip-j-d-addr.dev-recnet1.json')).map((i) => i.name)).toEqual(['recnet1']);
    const plain = parseIpJsonAddr(payload('ip-j-addr.no-details.json'));
    expect(plain.every((i) => i.kind === undefined && i.mode === undefined)).toBe(true);
    // Recorded after recnet2 was set down, like the admin-down capture.
    const adminDown = parseIpJsonAddr(payload('ip-j-d-addr.admin-down.json'));
    expect(plain.map((i) => i.addresses)).toEqual(adminDown.map((i) => i.addresses));
  });

  const base = JSON.parse(payload('ip-j-d-addr.up.json')) as Record<string, unknown>[];
  const mutated = (f: (links: Record<string, unknown>[]) => void): string => {
    const links = clone(base);
    f(links);
    return JSON.stringify(links);
  };
  it.each([
    ['empty output', '', /ip -j addr: output: not JSON/],
    ['text instead of JSON', 'Device "net9" does not exist.', /not JSON/],
    ['an object, not a list', '{"ifname":"lo"}', /expected a JSON list/],
    ['no interfaces', '[]', /no interfaces/],
    ['missing mtu', mutated((l) => delete l[2]!['mtu']), /entry 2 \(recnet1\) field mtu/],
    ['operstate not a string', mutated((l) => (l[1]!['operstate'] = 1)), /entry 1 \(recpod0\) field operstate/],
    ['bad address', mutated((l) => ((l[2]!['addr_info'] as Record<string, unknown>[])[0]!['local'] = '192.168.1.999')), /entry 2 \(recnet1\) field addr_info\[0\]/],
    ['unknown family', mutated((l) => ((l[3]!['addr_info'] as Record<string, unknown>[])[0]!['family'] = 'inet5')), /entry 3 \(recnet2\) field addr_info\[0\]/],
    ['missing ifname', mutated((l) => delete l[0]!['ifname']), /entry 0 field ifname/],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseIpJsonAddr(input)).toThrow(IpOutputError);
    expect(() => parseIpJsonAddr(input)).toThrow(message);
  });
});

describe('parseIpJsonRoute on recorded iproute2 output', () => {
  it('gives dst, gateway and dev of every route', () => {
    expect(parseIpJsonRoute(payload('ip-j-route.json'))).toEqual([
      { dst: 'default', gateway: '100.96.1.1', dev: 'recpod0' },
      { dst: '10.10.0.0/16', gateway: '192.168.1.1', dev: 'recnet1' },
      { dst: '100.96.1.0/24', dev: 'recpod0' },
      { dst: '192.168.1.0/24', dev: 'recnet1' },
      { dst: '192.168.1.0/24', dev: 'recnet2' },
    ]);
  });

  it('parses IPv6 routes and routes flagged linkdown', () => {
    expect(parseIpJsonRoute(payload('ip-j-6-route.json'))).toContainEqual({ dst: 'fd00:2::/64', gateway: 'fd00:1::1', dev: 'recnet1' });
    expect(parseIpJsonRoute(payload('ip-j-route.master-down.json'))).toHaveLength(5);
  });

  // Shapes the recording had no reason to produce; written after iproute2's JSON field names.
  it('expands multipath routes, drops local/broadcast routes, gives host routes a prefix', () => {
    const text = JSON.stringify([
      { dst: '10.20.0.0/16', nexthops: [{ gateway: '192.168.1.1', dev: 'net1' }, { gateway: '192.168.2.1', dev: 'net2' }] },
      { type: 'local', dst: '127.0.0.1', dev: 'lo' },
      { type: 'blackhole', dst: '10.99.0.0/16' },
      { dst: '10.0.0.5', dev: 'net1' },
    ]);
    expect(parseIpJsonRoute(text)).toEqual([
      { dst: '10.20.0.0/16', gateway: '192.168.1.1', dev: 'net1' },
      { dst: '10.20.0.0/16', gateway: '192.168.2.1', dev: 'net2' },
      { dst: '10.0.0.5/32', dev: 'net1' },
    ]);
  });

  it.each([
    ['empty output', '', /ip -j route: output: not JSON/],
    ['bad gateway', '[{"dst":"default","gateway":"100.96.1","dev":"eth0"}]', /entry 0 \(default\) field gateway/],
    ['bad dst', '[{"dst":"somewhere","dev":"eth0"}]', /entry 0 \(somewhere\) field dst/],
    ['no dev', '[{"dst":"10.0.0.0/8"}]', /entry 0 \(10.0.0.0\/8\) field dev: missing/],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseIpJsonRoute(input)).toThrow(message);
  });
});
