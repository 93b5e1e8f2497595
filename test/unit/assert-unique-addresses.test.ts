import { describe, expect, it } from 'vitest';
import { assertUniqueAddresses, type HeldAddresses } from '../../helpers/assert/unique-addresses.ts';
import { expectFailure } from './expect-failure.ts';

const ns = 'mc-unit-ipam-whereabouts-burst';
const burst = (ips: string[]): HeldAddresses[] => ips.map((ip, i) => ({ pod: `${ns}/burst-${i}`, iface: 'net1', ips: [ip] }));

describe('assertUniqueAddresses', () => {
  it('passes when every pod holds its own address', () => {
    expect(() => assertUniqueAddresses(burst(['192.168.1.33', '192.168.1.34', '192.168.1.35', '192.168.1.36']))).not.toThrow();
  });

  it('passes for one pod holding an IPv4 and an IPv6 address on one interface', () => {
    expect(() => assertUniqueAddresses([{ pod: `${ns}/a`, iface: 'net1', ips: ['192.168.1.33', 'fd00:1::21'] }])).not.toThrow();
  });

  it('fails on one address held by two pods, naming both', () => {
    const failure = expectFailure(
      () => assertUniqueAddresses(burst(['192.168.1.33', '192.168.1.34', '192.168.1.33'])),
      { iface: 'net1', expected: 'an address no other pod holds', actual: `192.168.1.33, also held by pod ${ns}/burst-0, interface net1` },
      `${ns}/burst-2`,
    );
    expect(failure.message).toContain('across 3 attachment(s)');
  });

  it('compares by value: a prefix length or another IPv6 spelling is the same address', () => {
    expectFailure(() => assertUniqueAddresses(burst(['192.168.1.40/28', '192.168.1.40'])), { iface: 'net1', expected: 'no other pod', actual: '192.168.1.40, also held by' }, `${ns}/burst-1`);
    expectFailure(() => assertUniqueAddresses(burst(['fd00:1:0:0::21', 'fd00:1::21/64'])), { iface: 'net1', expected: 'no other pod', actual: 'fd00:1::21, also held by' }, `${ns}/burst-1`);
  });

  it('fails on two interfaces of one pod with the same address (two attachments, one address)', () => {
    expectFailure(
      () => assertUniqueAddresses([
        { pod: `${ns}/a`, iface: 'net1', ips: ['192.168.1.65'] },
        { pod: `${ns}/a`, iface: 'net2', ips: ['192.168.1.65'] },
      ]),
      { iface: 'net2', expected: 'no other pod', actual: `192.168.1.65, also held by pod ${ns}/a, interface net1` },
      `${ns}/a`,
    );
  });
});
