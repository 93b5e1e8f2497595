import { describe, expect, it } from 'vitest';
import { assertBridgePorts, assertDeviceReturned, assertLinkGone, assertNodeLink } from '../../helpers/assert/node-links.ts';
import { assertSysctl, assertSysctlsUnchanged, unlike } from '../../helpers/assert/sysctl.ts';
import { parseLinkView, parsePortNames } from '../../helpers/scenario/node-shell.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// The plugins scenarios' checks, on links and port lists recorded with real
// iproute2 (test/payloads/plugins/, README there); POD plays the node pod
// that looked (its `ns/name (node X)`).
const bridge = parseLinkView(payload('plugins/bridge-addr.json'), 'mcrec-br')!;
const veth = parseLinkView(payload('plugins/veth-addr.json'), 'mcrec-v1')!;

describe('node link reads', () => {
  it('parse a recorded bridge, a veth, and an absent link', () => {
    expect(bridge).toMatchObject({ name: 'mcrec-br', kind: 'bridge' });
    expect(veth).toMatchObject({ name: 'mcrec-v1', kind: 'veth' });
    expect(parseLinkView('absent', 'nope')).toBeUndefined();
  });

  it('refuse output that holds another link (a failed look is never an absent link)', () => {
    expect(() => parseLinkView(payload('plugins/veth-addr.json'), 'mcrec-br')).toThrow(/no entry named mcrec-br/);
    expect(() => parseLinkView('Cannot open netlink socket: Operation not permitted', 'x')).toThrow();
  });

  it('read port names, none when the bridge has none, and refuse what is not a port list', () => {
    expect(parsePortNames(payload('plugins/bridge-ports.json'))).toEqual(['mcrec-v0']);
    expect(parsePortNames(payload('plugins/bridge-no-ports.json'))).toEqual([]);
    expect(parsePortNames('')).toEqual([]);
    expect(() => parsePortNames('Device "x" does not exist.')).toThrow(/not JSON/);
    expect(() => parsePortNames('[{"ifindex":3}]')).toThrow(/entry 0 has no ifname/);
  });
});

describe('assertNodeLink', () => {
  it('passes on the bridge the plugin made', () => {
    expect(assertNodeLink(POD, 'mcrec-br', bridge, 'bridge', 'bridge made by the plugin').name).toBe('mcrec-br');
  });
  it('fails on a missing link and on a link of another kind, naming node pod, link, expected and actual', () => {
    expectFailure(() => assertNodeLink(POD, 'mcrec-br', undefined, 'bridge', 'bridge made by the plugin'), { iface: 'mcrec-br', expected: 'a bridge link mcrec-br', actual: 'no such link' });
    expectFailure(() => assertNodeLink(POD, 'mcrec-v1', veth, 'bridge', 'bridge made by the plugin'), { iface: 'mcrec-v1', expected: 'a bridge link', actual: 'mcrec-v1 (veth' });
  });
});

describe('assertBridgePorts', () => {
  it('passes on one port per pod', () => {
    expect(() => assertBridgePorts(POD, 'mcrec-br', parsePortNames(payload('plugins/bridge-ports.json')), 1)).not.toThrow();
  });
  it('fails on too few or too many ports', () => {
    expectFailure(() => assertBridgePorts(POD, 'mcrec-br', parsePortNames(payload('plugins/bridge-ports.json')), 2), { iface: 'mcrec-br', expected: '2 port(s)', actual: '1: mcrec-v0' });
    expectFailure(() => assertBridgePorts(POD, 'mcrec-br', [], 2), { iface: 'mcrec-br', expected: '2 port(s)', actual: 'no ports' });
    expectFailure(() => assertBridgePorts(POD, 'mcrec-br', ['mcrec-v0'], 0), { iface: 'mcrec-br', expected: '0 port(s)', actual: 'mcrec-v0' });
  });
});

describe('assertLinkGone', () => {
  it('passes when the link is not there', () => {
    expect(() => assertLinkGone(POD, 'mcrec-br', undefined, 'bridge removed by the scenario')).not.toThrow();
  });
  it('fails when it still is, naming it', () => {
    expectFailure(() => assertLinkGone(POD, 'mcrec-br', bridge, 'bridge removed by the scenario'), { iface: 'mcrec-br', expected: 'no link mcrec-br on the node', actual: 'mcrec-br (bridge' });
  });
});

describe('assertDeviceReturned', () => {
  it('passes when the device is back with its MAC (any case)', () => {
    expect(() => assertDeviceReturned(POD, 'mcrec-v1', veth, veth.mac!.toUpperCase())).not.toThrow();
  });
  it('fails when it is not back, or back with another MAC', () => {
    expectFailure(() => assertDeviceReturned(POD, 'mcrec-v1', undefined, veth.mac), { iface: 'mcrec-v1', expected: `mcrec-v1 with MAC ${veth.mac!}`, actual: 'no such link' });
    expectFailure(() => assertDeviceReturned(POD, 'mcrec-v1', veth, '02:00:00:00:00:01'), { iface: 'mcrec-v1', expected: 'MAC 02:00:00:00:00:01', actual: `MAC ${veth.mac!}` });
  });
});

describe('assertSysctl', () => {
  it('passes when the pod sees the value the NAD set', () => {
    expect(() => assertSysctl(POD, 'net1', 'net.ipv4.conf.net1.arp_ignore', '2', '2\n')).not.toThrow();
  });
  it('fails on the value reverted, and on nothing read', () => {
    expectFailure(() => assertSysctl(POD, 'net1', 'net.ipv4.conf.net1.arp_ignore', '2', '0'), { iface: 'net1', expected: '2', actual: '0' });
    expectFailure(() => assertSysctl(POD, 'net1', 'net.core.somaxconn', '1031', ''), { iface: 'net1', expected: '1031', actual: '(empty)' });
  });
});

describe('assertSysctlsUnchanged', () => {
  const before = { 'net.core.somaxconn': '4096', 'net.ipv4.conf.all.arp_ignore': '0' };
  it('passes when the node kept its values', () => {
    expect(() => assertSysctlsUnchanged(POD, { pod: 'ns/tuned', iface: 'net1' }, before, { ...before })).not.toThrow();
  });
  it("fails when a value changed or was not read, naming the tuned pod's interface", () => {
    const f = expectFailure(() => assertSysctlsUnchanged(POD, { pod: 'ns/tuned', iface: 'net1' }, before, { ...before, 'net.core.somaxconn': '1031' }), {
      expected: '4096',
      actual: '1031',
    });
    expect(f.message).toContain('ns/tuned, interface net1');
    expect(f.message).toContain('net.core.somaxconn');
    expectFailure(() => assertSysctlsUnchanged(POD, { pod: 'ns/tuned', iface: 'net1' }, before, { 'net.core.somaxconn': '4096' }), { expected: '0', actual: 'not read' });
  });
});

describe('unlike', () => {
  it('picks the first value nobody has, and refuses when every one is taken', () => {
    expect(unlike(['2', '1', '3'], ['0', '2 '])).toBe('1');
    expect(() => unlike(['1'], ['1'])).toThrow(/already set/);
  });
});
