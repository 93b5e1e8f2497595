import { describe, expect, it } from 'vitest';
import { ConformanceFailure } from '../../helpers/errors.ts';
import { assertRoute, type ExpectedRoute } from '../../helpers/assert/routes.ts';
import type { LiveRoute } from '../../helpers/parse/ip-output.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { routes } from './live-pod.ts';

describe('assertRoute', () => {
  it.each<[string, LiveRoute[], ExpectedRoute]>([
    ['default via the cluster gateway', routes.v4, { dst: 'default', gateway: '100.96.1.1', dev: 'eth0' }],
    ['0.0.0.0/0 is the default route', routes.v4, { dst: '0.0.0.0/0', dev: 'eth0' }],
    ['a NAD route via 192.168.1.1 on net1', routes.v4, { dst: '10.10.0.0/16', gateway: '192.168.1.1', dev: 'net1' }],
    ['the connected route of net2', routes.v4, { dst: '192.168.1.0/24', dev: 'net2' }],
    ['the same from busybox', routes.v4Busybox, { dst: '10.10.0.0/16', gateway: '192.168.1.1', dev: 'net1' }],
    ['an IPv6 route', routes.v6, { dst: 'fd00:2::/64', gateway: 'fd00:1:0::1', dev: 'net1' }],
  ])('passes on %s', (_name, table, expected) => {
    expect(assertRoute(POD, table, expected).dev).toBe(expected.dev);
  });

  it.each<[string, LiveRoute[], ExpectedRoute, string, string]>([
    ["the seed's default route via net1", routes.v4, { dst: '0.0.0.0/0', gateway: '192.168.1.1', dev: 'net1' }, '0.0.0.0/0 via 192.168.1.1 dev net1', 'default via 100.96.1.1 dev eth0'],
    ['a wrong gateway', routes.v4, { dst: '10.10.0.0/16', gateway: '192.168.1.254', dev: 'net1' }, '10.10.0.0/16 via 192.168.1.254 dev net1', '10.10.0.0/16 via 192.168.1.1 dev net1'],
    ['a wrong device', routes.v4, { dst: '10.10.0.0/16', dev: 'net2' }, '10.10.0.0/16 dev net2', '10.10.0.0/16 via 192.168.1.1 dev net1'],
    ['a missing route', routes.v4Busybox, { dst: '172.16.0.0/12', dev: 'net1' }, '172.16.0.0/12 dev net1', 'no route to 172.16.0.0/12; routes: default via 100.96.1.1 dev eth0'],
    ['no IPv6 default route', routes.v6, { dst: '::/0', dev: 'net1' }, '::/0 dev net1', 'no route to ::/0'],
  ])('fails on %s', (_name, table, expected, exp, act) => {
    expectFailure(() => assertRoute(POD, table, expected), { iface: expected.dev, expected: exp, actual: act });
  });

  it('refuses a malformed expectation with a plain error', () => {
    let caught: unknown;
    try {
      assertRoute(POD, routes.v4, { dst: 'somewhere', dev: 'net1' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).not.toBeInstanceOf(ConformanceFailure);
  });
});
