import { describe, expect, it } from 'vitest';
import { assertUniqueIps, type HeldIps } from '../../helpers/assert/unique-ips.ts';
import { assignedIps } from '../../helpers/assert/addresses.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { twice } from './recorded-pods.ts';

// The recorded pod with the same network twice: net1 and net2 hold different addresses.
const net = (name: string): HeldIps => ({ pod: POD, iface: name, ips: assignedIps(twice.live.find((i) => i.name === name)!) });

describe('assertUniqueIps', () => {
  it('passes on distinct addresses (recorded net1 and net2, and another pod)', () => {
    expect(() => assertUniqueIps([net('net1'), net('net2'), { pod: 'mc-unit/other', iface: 'net1', ips: ['192.168.4.77/22'] }])).not.toThrow();
    expect(() => assertUniqueIps([])).not.toThrow();
  });

  it('passes for one attachment holding an IPv4 and an IPv6 address (a dual-stack whereabouts range)', () => {
    expect(() => assertUniqueIps([{ pod: POD, iface: 'net1', ips: ['192.168.1.33/28', 'fd00:1::21/64'] }, { pod: 'mc-unit/b', iface: 'net1', ips: ['192.168.1.34/28'] }])).not.toThrow();
  });

  it('fails when a second pod holds an address already held, naming both', () => {
    const [ip] = net('net1').ips;
    const failure = expectFailure(
      () => assertUniqueIps([{ pod: 'mc-unit/first', iface: 'net2', ips: [ip!] }, net('net1')]),
      { iface: 'net1', expected: 'held by pod mc-unit/first, interface net2', actual: `${ip!.split('/')[0]} here too` },
    );
    expect(failure.mismatch.check).toBe('IP unique across pods');
  });

  it('compares by value: prefix lengths and IPv6 spelling do not hide a duplicate', () => {
    expectFailure(() => assertUniqueIps([{ pod: 'mc-unit/a', iface: 'net1', ips: ['192.168.4.10/22'] }, { pod: POD, iface: 'net2', ips: ['192.168.4.10'] }]), {
      iface: 'net2',
      expected: '192.168.4.10 is held by pod mc-unit/a',
      actual: '192.168.4.10 here too',
    });
    expectFailure(() => assertUniqueIps([{ pod: 'mc-unit/a', iface: 'net1', ips: ['fd00:0:0::a/64'] }, { pod: POD, iface: 'net1', ips: ['fd00::a'] }]), {
      iface: 'net1',
      expected: 'fd00::a is held by pod mc-unit/a',
      actual: 'fd00::a here too',
    });
  });

  it('fails on one pod whose two attachments got the same address', () => {
    expectFailure(() => assertUniqueIps([{ pod: POD, iface: 'net1', ips: ['192.168.4.10'] }, { pod: POD, iface: 'net2', ips: ['192.168.4.10'] }]), {
      iface: 'net2',
      expected: `held by pod ${POD}, interface net1`,
      actual: '192.168.4.10',
    });
  });
});
