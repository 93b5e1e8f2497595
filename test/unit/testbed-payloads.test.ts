import { describe, expect, it } from 'vitest';
import { assertStatusMatchesLive, assertStatusShape } from '../../helpers/assert/network-status.ts';
import { parseIpJsonAddr } from '../../helpers/parse/ip-output.ts';
import { parseNetworkStatus } from '../../helpers/parse/network-status.ts';
import { expectFailure } from './expect-failure.ts';
import { clone, payload } from './recorded.ts';

// Recorded on the local testbed from one pod (default/sample-pod) with the
// seed's macvlan-conf: real Multus v4.2.3 output, including its "<nil>" gateways.
const POD = 'default/sample-pod';
const status = (): ReturnType<typeof parseNetworkStatus> => parseNetworkStatus(payload('testbed-network-status.json'), POD);
const live = (): ReturnType<typeof parseIpJsonAddr> => parseIpJsonAddr(payload('testbed-ip-j-addr.json'));

describe('network-status written by Multus v4.2.3 on the testbed', () => {
  it('parses, and passes the Multus-compatible shape check', () => {
    expect(status().map((e) => e.interface)).toEqual(['eth0', 'net1']);
    expect(() => assertStatusShape(POD, status(), { strict: false })).not.toThrow();
  });

  it('fails the strict check on the default entry named after the primary network', () => {
    expectFailure(() => assertStatusShape(POD, status(), { strict: true }), { iface: 'eth0', expected: 'namespace/name', actual: '"mc-bridge"' }, POD);
  });

  it('fails the strict check on the "<nil>" gateway Multus writes', () => {
    const entries = clone(status());
    entries[0]!.name = 'default/mc-bridge';
    expectFailure(() => assertStatusShape(POD, entries, { strict: true }), { iface: 'eth0', expected: 'IP addresses', actual: '"<nil>"' }, POD);
  });

  it('agrees with the interfaces `ip -j -d addr` showed in the same pod', () => {
    expect(() => assertStatusMatchesLive(POD, status(), live())).not.toThrow();
  });

  it('fails when the annotation names another MAC than the pod has', () => {
    const entries = clone(status());
    entries[1]!.mac = '02:00:00:00:00:01';
    expectFailure(() => assertStatusMatchesLive(POD, entries, live()), { iface: 'net1', expected: '02:00:00:00:00:01', actual: '02:27:c5:be:7d:4e' }, POD);
  });

  it('fails when the annotation names an address the interface does not have', () => {
    const entries = clone(status());
    entries[1]!.ips = ['192.168.1.209'];
    expectFailure(() => assertStatusMatchesLive(POD, entries, live()), { iface: 'net1', expected: '192.168.1.209', actual: '192.168.1.200' }, POD);
  });
});
