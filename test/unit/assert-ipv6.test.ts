import { describe, expect, it } from 'vitest';
import { assertDadSettled, assertOnePerFamily, dadPending } from '../../helpers/assert/ipv6.ts';
import { assertIpsInPool } from '../../helpers/assert/ip-pool.ts';
import { assignedIps } from '../../helpers/assert/addresses.ts';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import { parseBusyboxIpAddr, parseIpJsonAddr, type LiveInterface } from '../../helpers/parse/ip-output.ts';
import { expectFailure as expectShape } from './expect-failure.ts';
import { payload } from './recorded.ts';

// Recorded DAD states (test/payloads/README.md): mcv6a's address failed DAD, mcv6b's settled.
const json = (state: string) => parseIpJsonAddr(payload(`ipv6/ip-j-d-addr.${state}.json`));
const link = (live: LiveInterface[], name: string): LiveInterface => ({ ...live.find((i) => i.name === name)!, name: 'net1' });
const POD = 'mc-x-ipv6/v6-a';

/** The shared helper (pod, interface, "expected …, got …" in the message), then each part matched. */
function expectFailure(fn: () => unknown, want: { pod: string; iface: string; check?: RegExp; expected?: RegExp; actual: RegExp }): void {
  const f = expectShape(fn, { iface: want.iface, expected: '', actual: '' }, want.pod);
  expect(f.mismatch.iface).toBe(want.iface);
  if (want.check) expect(f.mismatch.check).toMatch(want.check);
  if (want.expected) expect(f.mismatch.expected).toMatch(want.expected);
  expect(f.mismatch.actual).toMatch(want.actual);
}

describe('dadPending', () => {
  it('is true while an address is tentative, false once settled, and false for a dadfailed one (waiting cannot help)', () => {
    expect(dadPending(link(json('tentative'), 'mcv6a'))).toBe(true);
    expect(dadPending(link(json('dadfailed'), 'mcv6b'))).toBe(false);
    expect(dadPending(link(json('dadfailed'), 'mcv6a'))).toBe(false);
  });
});

describe('assertDadSettled', () => {
  it('passes a settled interface', () => {
    expect(() => assertDadSettled(POD, link(json('dadfailed'), 'mcv6b'))).not.toThrow();
    expect(() => assertDadSettled(POD, link(parseBusyboxIpAddr(payload('ipv6/busybox-ip-addr.dadfailed.txt')), 'mcv6b'))).not.toThrow();
  });

  it('fails a dadfailed address, naming pod, interface, the address and its flags', () => {
    expectFailure(() => assertDadSettled(POD, link(json('dadfailed'), 'mcv6a')), {
      pod: POD,
      iface: 'net1',
      check: /fd00:6d63::1 failed \(another host on the segment holds it\)/,
      expected: /neither tentative nor dadfailed/,
      actual: /fd00:6d63::1\/64 tentative dadfailed, fe80::\S+\/64$/,
    });
  });

  it('fails an address still tentative when the wait ended (busybox output too)', () => {
    for (const live of [json('tentative'), parseBusyboxIpAddr(payload('ipv6/busybox-ip-addr.tentative.txt'))]) {
      expectFailure(() => assertDadSettled(POD, link(live, 'mcv6b')), {
        pod: POD,
        iface: 'net1',
        check: /settled within the wait/,
        actual: /fd00:6d63::1\/64 tentative, fe80::\S+\/64 tentative/,
      });
    }
  });
});

describe('assertOnePerFamily', () => {
  it('passes one address per family asked for', () => {
    expect(() => assertOnePerFamily(POD, 'net1', ['fd00:6d63::100'], [6])).not.toThrow();
    expect(() => assertOnePerFamily(POD, 'net1', ['192.168.8.2', 'fd00:6d63::180'], [4, 6])).not.toThrow();
  });

  it.each<[string, string[], (4 | 6)[], RegExp]>([
    ['the IPv6 address missing on a dual-stack attachment', ['192.168.8.2'], [4, 6], /^192\.168\.8\.2$/],
    ['two IPv6 addresses', ['fd00:6d63::100', 'fd00:6d63::101'], [6], /fd00:6d63::100, fd00:6d63::101/],
    ['an IPv4 address on an IPv6-only attachment', ['fd00:6d63::100', '192.168.8.2'], [6], /fd00:6d63::100, 192\.168\.8\.2/],
    ['no address at all', [], [6], /^\(none\)$/],
  ])('fails %s, naming pod, interface, expected and actual', (_what, ips, families, actual) => {
    expectFailure(() => assertOnePerFamily(POD, 'net1', ips, families), {
      pod: POD,
      iface: 'net1',
      expected: families.length === 2 ? /one IPv4 address and one IPv6 address/ : /one IPv6 address/,
      actual,
    });
  });
});

describe('IPv6 range check on the ipv6 fixtures\' ranges (assertIpsInPool)', () => {
  const dual = JSON.stringify({
    type: 'macvlan',
    ipam: {
      type: 'host-local',
      ranges: [
        [{ subnet: '192.168.8.0/24', rangeStart: '192.168.8.2', rangeEnd: '192.168.8.63', gateway: '192.168.8.1' }],
        [{ subnet: 'fd00:6d63::/64', rangeStart: 'fd00:6d63::180', rangeEnd: 'fd00:6d63::1ff', gateway: 'fd00:6d63::1' }],
      ],
    },
  });
  const pools = computeIpamPoolsFromJson(dual);

  it('passes a dual-stack pair inside its two ranges', () => {
    expect(() => assertIpsInPool(POD, 'net1', ['192.168.8.2', 'fd00:6d63::180'], pools)).not.toThrow();
  });

  it('fails an IPv6 address outside the range (the sabotage\'s case), naming pod, net1, the ranges and the address', () => {
    expectFailure(() => assertIpsInPool(POD, 'net1', ['192.168.8.2', 'fd00:6d63::200'], pools), {
      pod: POD,
      iface: 'net1',
      expected: /fd00:6d63::180-fd00:6d63::1ff/,
      actual: /^fd00:6d63::200$/,
    });
  });

  it('fails the peer\'s address (the gateway) handed to a pod', () => {
    expectFailure(() => assertIpsInPool(POD, 'net1', ['fd00:6d63::1'], pools), { pod: POD, iface: 'net1', actual: /fd00:6d63::1 \(the gateway\)/ });
  });

  it('leaves link-local addresses out of what is checked (assignedIps)', () => {
    expect(assignedIps(link(json('dadfailed'), 'mcv6b'))).toEqual(['fd00:6d63::1']);
  });
});
