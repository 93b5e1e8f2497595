import { describe, expect, it } from 'vitest';
import { assertSameNetworkTwice } from '../../helpers/assert/same-network-twice.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { clone } from './recorded.ts';
import { TWICE_NETWORK, twice } from './recorded-pods.ts';

describe('assertSameNetworkTwice on the pod recorded with macvlan-conf,macvlan-conf', () => {
  it('passes: two entries, two interfaces, two addresses', () => {
    expect(() => assertSameNetworkTwice(POD, TWICE_NETWORK, ['net1', 'net2'], twice.status, twice.live)).not.toThrow();
  });

  it('fails when only one entry names the network', () => {
    const status = twice.status.filter((e) => e.interface !== 'net2');
    expectFailure(() => assertSameNetworkTwice(POD, TWICE_NETWORK, ['net1', 'net2'], status, twice.live), {
      iface: 'net1, net2',
      expected: '2 entries, on net1 and net2',
      actual: '1 (on net1)',
    });
  });

  it('fails when both entries claim the same interface', () => {
    const status = clone(twice.status);
    status[2]!.interface = 'net1';
    expectFailure(() => assertSameNetworkTwice(POD, TWICE_NETWORK, ['net1', 'net2'], status, twice.live), {
      iface: 'net1, net2',
      expected: '2 entries',
      actual: '2 (on net1, net1)',
    });
  });

  it('fails when the two interfaces share one address', () => {
    const live = clone(twice.live);
    const net2 = live.find((i) => i.name === 'net2')!;
    net2.addresses = clone(live.find((i) => i.name === 'net1')!.addresses);
    expectFailure(() => assertSameNetworkTwice(POD, TWICE_NETWORK, ['net1', 'net2'], twice.status, live), {
      iface: 'net1, net2',
      expected: 'different from each other',
      actual: 'net1 192.168.1.105, net2 192.168.1.105',
    });
  });

  it('fails when one of them has no address', () => {
    const live = clone(twice.live);
    live.find((i) => i.name === 'net2')!.addresses = [];
    expectFailure(() => assertSameNetworkTwice(POD, TWICE_NETWORK, ['net1', 'net2'], twice.status, live), {
      iface: 'net1, net2',
      expected: 'an address on each',
      actual: 'net2 (none)',
    });
  });

  it('fails naming the interface when one is missing in the pod', () => {
    const live = twice.live.filter((i) => i.name !== 'net2');
    expectFailure(() => assertSameNetworkTwice(POD, TWICE_NETWORK, ['net1', 'net2'], twice.status, live), {
      iface: 'net2',
      expected: 'interface net2',
      actual: 'interfaces lo, eth0, net1',
    });
  });
});
