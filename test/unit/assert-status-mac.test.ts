import { describe, expect, it } from 'vitest';
import { RESULT_CARRIES_MAC, assertStatusMac } from '../../helpers/assert/status-mac.ts';
import { assertInterfacePresent } from '../../helpers/assert/interfaces.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { clone } from './recorded.ts';
import { jsonForm, twice } from './recorded-pods.ts';

const net1 = assertInterfacePresent(POD, twice.live, 'net1');
const mcjson0 = assertInterfacePresent(POD, jsonForm.live, 'mcjson0');

describe('assertStatusMac on pods recorded on the testbed', () => {
  it('macvlan and ipvlan results carry a MAC', () => {
    expect([...RESULT_CARRIES_MAC].sort()).toEqual(['ipvlan', 'macvlan']);
  });

  it.each([
    ['net1 of the macvlan-conf pod', twice.status, net1],
    ['mcjson0 of the json-form pod (MAC set by tuning)', jsonForm.status, mcjson0],
  ])('passes on %s', (_name, status, link) => {
    expect(() => assertStatusMac(POD, status, link, 'macvlan')).not.toThrow();
  });

  it('fails when the entry has no "mac"', () => {
    const status = clone(twice.status);
    delete status[1]!.mac;
    expectFailure(() => assertStatusMac(POD, status, net1, 'macvlan'), {
      iface: 'net1',
      expected: `"mac": "${net1.mac}"`,
      actual: 'no "mac" in entry "mc-h-negatives-rec/macvlan-conf"',
    });
  });

  it('fails when the entry names another MAC (net2\'s)', () => {
    const status = clone(twice.status);
    status[1]!.mac = status[2]!.mac!;
    expectFailure(() => assertStatusMac(POD, status, net1, 'macvlan'), {
      iface: 'net1',
      expected: `${status[2]!.mac} (network-status)`,
      actual: `${net1.mac} (inside the pod)`,
    });
  });

  it('fails when there is no entry for the interface', () => {
    expectFailure(() => assertStatusMac(POD, twice.status.slice(0, 1), net1, 'macvlan'), { iface: 'net1', expected: 'an entry for net1', actual: 'no entry' });
  });
});
