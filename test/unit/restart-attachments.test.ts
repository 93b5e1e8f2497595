import { describe, expect, it } from 'vitest';
import { assertAttachedAfterRestart, assertStatusUnchanged } from '../../helpers/assert/restart-attachments.ts';
import { parseNetworkStatus } from '../../helpers/parse/network-status.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { live } from './live-pod.ts';
import { clone, payload } from './recorded.ts';

// The status annotation recorded on a testbed pod (eth0 + net1 macvlan).
const before = parseNetworkStatus(payload('testbed-network-status.json'), POD);

describe('assertStatusUnchanged', () => {
  it('passes when every entry keeps its IPs and MAC (order aside)', () => {
    expect(() => assertStatusUnchanged(POD, before, [...clone(before)].reverse())).not.toThrow();
  });

  it('fails on a new IP on net1', () => {
    const after = clone(before);
    after[1]!.ips = ['192.168.1.201'];
    expectFailure(() => assertStatusUnchanged(POD, before, after), {
      iface: 'net1',
      expected: 'default/macvlan-conf: IPs 192.168.1.200, MAC 02:27:c5:be:7d:4e',
      actual: 'default/macvlan-conf: IPs 192.168.1.201, MAC 02:27:c5:be:7d:4e',
    });
  });

  it('fails on a new MAC', () => {
    const after = clone(before);
    after[1]!.mac = '02:27:c5:be:7d:4f';
    expectFailure(() => assertStatusUnchanged(POD, before, after), { iface: 'net1', expected: 'MAC 02:27:c5:be:7d:4e', actual: 'MAC 02:27:c5:be:7d:4f' });
  });

  it('fails when net1 lost its entry', () => {
    expectFailure(() => assertStatusUnchanged(POD, before, [before[0]!]), {
      iface: 'net1',
      expected: 'entry for default/macvlan-conf with IPs 192.168.1.200',
      actual: 'no entry',
    });
  });

  it('fails on an entry that was not there before', () => {
    const after = [...clone(before), { ...clone(before[1]!), interface: 'net2', ips: ['192.168.1.202'] }];
    expectFailure(() => assertStatusUnchanged(POD, before, after), {
      iface: 'net2',
      expected: 'no entry (interfaces before: eth0, net1)',
      actual: 'new entry default/macvlan-conf with IPs 192.168.1.202',
    });
  });
});

describe('assertAttachedAfterRestart', () => {
  it('passes when net1 is there', () => {
    expect(() => assertAttachedAfterRestart(POD, live.up, 'net1')).not.toThrow();
  });

  it('fails on a pod Running with only lo and eth0 (multus-cni#1527)', () => {
    const primaryOnly = live.up.filter((i) => i.name === 'lo' || i.name === 'eth0');
    expectFailure(() => assertAttachedAfterRestart(POD, primaryOnly, 'net1'), {
      iface: 'net1',
      expected: 'net1 attached (or the pod not running)',
      actual: 'Running with only lo, eth0',
    });
  });
});
