import { describe, expect, it } from 'vitest';
import { assertAddressReused, assertHasAddress, assertRequestedIps, assignedIps } from '../../helpers/assert/addresses.ts';
import { assertInterfacePresent } from '../../helpers/assert/interfaces.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { iface, live } from './live-pod.ts';
import { jsonForm } from './recorded-pods.ts';

const mcjson0 = assertInterfacePresent(POD, jsonForm.live, 'mcjson0');
const net1 = iface(live.up, 'net1');

describe('assignedIps', () => {
  it('leaves out IPv6 link-local addresses', () => {
    expect(assignedIps(net1)).toEqual(['192.168.1.201', 'fd00:1::c9']);
    expect(assignedIps(mcjson0)).toEqual(['192.168.1.251']);
  });
});

describe('assertRequestedIps', () => {
  it.each([
    ['the requested CIDR on the recorded json-form pod', mcjson0, ['192.168.1.251/24']],
    ['a bare address', mcjson0, ['192.168.1.251']],
    ['two families, in another order, IPv6 not canonical', net1, ['fd00:1:0::c9/64', '192.168.1.201/24']],
  ])('passes on %s', (_name, link, requested) => {
    expect(() => assertRequestedIps(POD, link, requested)).not.toThrow();
  });

  it.each([
    ['another address', mcjson0, ['192.168.1.240/24'], '192.168.1.240', '192.168.1.251'],
    ['one address missing', net1, ['192.168.1.201'], '192.168.1.201', '192.168.1.201, fd00:1::c9'],
    ['an extra one requested', mcjson0, ['192.168.1.251', '192.168.1.252'], '192.168.1.251, 192.168.1.252', '192.168.1.251'],
    ['no address at all', { ...mcjson0, addresses: [] }, ['192.168.1.251'], '192.168.1.251', '(none)'],
  ])('fails on %s', (_name, link, requested, expected, actual) => {
    expectFailure(() => assertRequestedIps(POD, link, requested), { iface: link.name, expected, actual });
  });
});

describe('assertHasAddress', () => {
  it('returns the first assigned address', () => {
    expect(assertHasAddress(POD, mcjson0)).toBe('192.168.1.251');
  });
  it('fails on an interface with only a link-local address', () => {
    const linkLocalOnly = { ...mcjson0, addresses: mcjson0.addresses.filter((a) => a.address.startsWith('fe80')) };
    expectFailure(() => assertHasAddress(POD, linkLocalOnly), { iface: 'mcjson0', expected: 'an IP address', actual: 'none' });
  });
});

describe('assertAddressReused', () => {
  it('passes when the waiting pod got the freed address', () => {
    expect(() => assertAddressReused(POD, 'net1', ['192.168.1.230'], ['192.168.1.230'], 'ns/small-a')).not.toThrow();
  });
  it.each([
    ['another address', ['192.168.1.230'], ['192.168.1.231'], '192.168.1.230 (freed by ns/small-a)', '192.168.1.231'],
    ['no address', ['192.168.1.230'], [], '192.168.1.230', '(none)'],
    ['nothing freed (the deleted pod had no address)', [], [], 'it had none', '(none)'],
  ])('fails on %s', (_name, freed, got, expected, actual) => {
    const f = expectFailure(() => assertAddressReused(POD, 'net1', freed, got, 'ns/small-a'), { iface: 'net1', expected, actual });
    expect(f.mismatch.check).toContain('ns/small-a was deleted');
  });
});
