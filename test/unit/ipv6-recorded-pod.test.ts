import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assignedIps } from '../../helpers/assert/addresses.ts';
import { assertIpsInPool } from '../../helpers/assert/ip-pool.ts';
import { assertDadSettled, assertOnePerFamily } from '../../helpers/assert/ipv6.ts';
import { assertStatusMatchesLive } from '../../helpers/assert/network-status.ts';
import { assertRoute } from '../../helpers/assert/routes.ts';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import { parseIpJsonAddr, parseIpJsonRoute, type LiveInterface } from '../../helpers/parse/ip-output.ts';
import { parseNetworkStatus } from '../../helpers/parse/network-status.ts';
import { expectFailure } from './expect-failure.ts';
import { clone, payload } from './recorded.ts';

// A real dual-stack pod of the testbed (test/payloads/README.md): every
// ipv6/* check passes on it as recorded, and fails on it made wrong.
const POD = 'mc-h-ipv6-rec/rec';
const live = parseIpJsonAddr(payload('ipv6/ip-j-d-addr.dual-stack.json'));
const net1 = live.find((i) => i.name === 'net1')!;
const status = parseNetworkStatus(payload('ipv6/network-status.dual-stack.json'), POD);
const routes6 = parseIpJsonRoute(payload('ipv6/ip-j-6-route.dual-stack.json'));
const routes4 = parseIpJsonRoute(payload('ipv6/ip-j-route.dual-stack.json'));
const objects = payload('ipv6/recording-objects.yaml').split(/^---$/m).map((d) => parse(d) as { kind: string; spec?: { config?: string } });
const pools = computeIpamPoolsFromJson(objects.find((o) => o.kind === 'NetworkAttachmentDefinition')!.spec!.config!);

function withNet1(f: (i: LiveInterface) => void): LiveInterface[] {
  const copy = clone(live);
  f(copy.find((i) => i.name === 'net1')!);
  return copy;
}

describe('the ipv6/dual-stack checks on a recorded testbed pod', () => {
  it('all pass as recorded', () => {
    expect(() => assertDadSettled(POD, net1)).not.toThrow();
    expect(assignedIps(net1)).toEqual(['192.168.8.2', 'fd00:6d63::1c0']);
    expect(() => assertOnePerFamily(POD, 'net1', assignedIps(net1), [4, 6])).not.toThrow();
    expect(() => assertIpsInPool(POD, 'net1', assignedIps(net1), pools)).not.toThrow();
    expect(() => assertStatusMatchesLive(POD, status, live)).not.toThrow();
    expect(() => assertRoute(POD, routes6, { dst: 'fd00:6d63::/64', dev: 'net1' })).not.toThrow();
    expect(() => assertRoute(POD, routes6, { dst: 'fd00:6d63:1::/64', gateway: 'fd00:6d63::1', dev: 'net1' })).not.toThrow();
    expect(() => assertRoute(POD, routes4, { dst: '192.168.8.0/24', dev: 'net1' })).not.toThrow();
  });

  it('an extra IPv6 address outside the range on net1 fails the range check, naming the ranges and the address', () => {
    const extra = withNet1((i) => i.addresses.push({ family: 'inet6', address: 'fd00:6d63::9999', prefixLength: 64 }));
    const ips = assignedIps(extra.find((i) => i.name === 'net1')!);
    const f = expectFailure(() => assertIpsInPool(POD, 'net1', ips, pools), { iface: 'net1', expected: 'fd00:6d63::1c0-fd00:6d63::1ff', actual: 'fd00:6d63::9999' }, POD);
    expect(f.message).toContain('192.168.8.2-192.168.8.63');
    // …and status-vs-live and one-per-family see it too.
    expectFailure(() => assertStatusMatchesLive(POD, status, extra), { iface: 'net1', expected: 'fd00:6d63::1c0 (network-status)', actual: 'fd00:6d63::9999' }, POD);
    expectFailure(() => assertOnePerFamily(POD, 'net1', ips, [4, 6]), { iface: 'net1', expected: 'one IPv6 address', actual: 'fd00:6d63::9999' }, POD);
  });

  it('the IPv6 address gone from net1 fails one-per-family and status-vs-live (the annotation still lists it)', () => {
    const gone = withNet1((i) => (i.addresses = i.addresses.filter((a) => a.address !== 'fd00:6d63::1c0')));
    expectFailure(() => assertOnePerFamily(POD, 'net1', assignedIps(gone.find((i) => i.name === 'net1')!), [4, 6]), { iface: 'net1', expected: 'one IPv4 address and one IPv6 address', actual: '192.168.8.2' }, POD);
    expectFailure(() => assertStatusMatchesLive(POD, status, gone), { iface: 'net1', expected: '192.168.8.2, fd00:6d63::1c0', actual: '192.168.8.2 (inside the pod)' }, POD);
  });

  it('the IPv6 address still tentative, or dadfailed, fails DAD naming the address', () => {
    const flagged = (flags: ('tentative' | 'dadfailed')[]) => withNet1((i) => (i.addresses.find((a) => a.address === 'fd00:6d63::1c0')!.flags = flags)).find((i) => i.name === 'net1')!;
    expectFailure(() => assertDadSettled(POD, flagged(['tentative'])), { iface: 'net1', expected: 'neither tentative nor dadfailed', actual: 'fd00:6d63::1c0/64 tentative' }, POD);
    expectFailure(() => assertDadSettled(POD, flagged(['tentative', 'dadfailed'])), { iface: 'net1', expected: 'neither tentative nor dadfailed', actual: 'fd00:6d63::1c0/64 tentative dadfailed' }, POD);
  });

  it('the configured IPv6 route missing, or via another gateway, fails naming net1 and the routes there are', () => {
    const without = routes6.filter((r) => r.dst !== 'fd00:6d63:1::/64');
    expectFailure(() => assertRoute(POD, without, { dst: 'fd00:6d63:1::/64', gateway: 'fd00:6d63::1', dev: 'net1' }), { iface: 'net1', expected: 'fd00:6d63:1::/64 via fd00:6d63::1 dev net1', actual: 'no route to fd00:6d63:1::/64' }, POD);
    const elsewhere = routes6.map((r) => (r.dst === 'fd00:6d63:1::/64' ? { ...r, gateway: 'fd00:6d63::2' } : r));
    expectFailure(() => assertRoute(POD, elsewhere, { dst: 'fd00:6d63:1::/64', gateway: 'fd00:6d63::1', dev: 'net1' }), { iface: 'net1', expected: 'via fd00:6d63::1', actual: 'fd00:6d63:1::/64 via fd00:6d63::2 dev net1' }, POD);
    expectFailure(() => assertRoute(POD, routes6.filter((r) => r.dst !== 'fd00:6d63::/64'), { dst: 'fd00:6d63::/64', dev: 'net1' }), { iface: 'net1', expected: 'fd00:6d63::/64 dev net1', actual: 'no route' }, POD);
  });
});
