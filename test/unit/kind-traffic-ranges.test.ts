import { describe, expect, it } from 'vitest';
import { splitRange } from '../../helpers/nad/ipam-range.ts';

// host-local allocates per node: the traffic scenarios cut their range so
// pods that may land on different nodes never get the same address.
describe('splitRange', () => {
  it('cuts the kind traffic range into four disjoint, consecutive quarters', () => {
    expect(splitRange('10.10.1.100', '10.10.1.131', 4)).toEqual([
      ['10.10.1.100', '10.10.1.107'],
      ['10.10.1.108', '10.10.1.115'],
      ['10.10.1.116', '10.10.1.123'],
      ['10.10.1.124', '10.10.1.131'],
    ]);
  });

  it('gives the remainder to the last part (the seed range .200-.216)', () => {
    expect(splitRange('192.168.1.200', '192.168.1.216', 4)).toEqual([
      ['192.168.1.200', '192.168.1.203'],
      ['192.168.1.204', '192.168.1.207'],
      ['192.168.1.208', '192.168.1.211'],
      ['192.168.1.212', '192.168.1.216'],
    ]);
  });

  it('works across an octet and for IPv6', () => {
    expect(splitRange('10.0.0.250', '10.0.1.5', 2)).toEqual([
      ['10.0.0.250', '10.0.0.255'],
      ['10.0.1.0', '10.0.1.5'],
    ]);
    expect(splitRange('fd00::10', 'fd00::13', 2)).toEqual([
      ['fd00::10', 'fd00::11'],
      ['fd00::12', 'fd00::13'],
    ]);
  });

  it.each([
    ['10.0.0.5', '10.0.0.6', 4, 'fewer addresses than parts'],
    ['10.0.0.9', '10.0.0.1', 2, 'end before start'],
    ['10.0.0.1', 'fd00::1', 2, 'mixed families'],
    ['10.0.0', '10.0.0.9', 2, 'not an address'],
  ])('refuses %s-%s in %d parts (%s)', (start, end, parts) => {
    expect(() => splitRange(start, end, parts)).toThrow(/cannot be split/);
  });
});
