import { describe, expect, it } from 'vitest';
import {
  assertStatusMatchesLive,
  assertStatusNetworks,
  assertStatusShape,
  type ExpectedAttachment,
} from '../../helpers/assert/network-status.ts';
import type { LiveInterface } from '../../helpers/parse/ip-output.ts';
import type { NetworkStatusEntry } from '../../helpers/parse/network-status.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { live, recordedPodStatus, seedStatus } from './live-pod.ts';
import { clone } from './recorded.ts';

const edit = (entries: NetworkStatusEntry[], f: (e: NetworkStatusEntry[]) => void): NetworkStatusEntry[] => {
  const copy = clone(entries);
  f(copy);
  return copy;
};

describe('assertStatusShape', () => {
  it.each<[string, NetworkStatusEntry[], boolean]>([
    ['the seed, Multus-compatible', seedStatus, false],
    ['the recorded pod, Multus-compatible', recordedPodStatus, false],
    ['the seed with a namespaced default entry, strict', edit(seedStatus, (e) => (e[0]!.name = 'kube-system/antrea')), true],
    ['the default entry last', [seedStatus[1]!, seedStatus[0]!], false],
  ])('passes on %s', (_name, entries, strict) => {
    expect(() => assertStatusShape(POD, entries, { strict })).not.toThrow();
  });

  it.each<[string, NetworkStatusEntry[], boolean, string, string, string]>([
    ['two default entries', edit(seedStatus, (e) => (e[1]!.default = true)), false, 'eth0, net1', 'exactly one entry with "default": true', '2: entry 0 "" on eth0, entry 1 "default/macvlan-conf" on net1'],
    ['zero default entries', edit(seedStatus, (e) => delete e[0]!.default), false, 'eth0', 'exactly one entry with "default": true', '0, among entry 0 "" on eth0'],
    ['a non-default name without namespace', edit(seedStatus, (e) => (e[1]!.name = 'macvlan-conf')), false, 'net1', 'namespace/name', '"macvlan-conf" (entry 1)'],
    ['the seed default entry in strict mode', seedStatus, true, 'eth0', 'namespace/name', '"" (entry 0)'],
    ['a duplicate interface', edit(recordedPodStatus, (e) => (e[2]!.interface = 'net1')), false, 'net1', 'one entry for net1', 'entries 1 and 2'],
  ])('fails on %s', (_name, entries, strict, iface, expected, actual) => {
    expectFailure(() => assertStatusShape(POD, entries, { strict }), { iface, expected, actual });
  });
});

describe('assertStatusMatchesLive', () => {
  it.each<[string, LiveInterface[]]>([
    ['ip -j', live.up],
    ['busybox', live.upBusybox],
    ['ip -j with net2 admin down (no link-local left)', live.adminDown],
  ])('passes when the status describes the recorded pod (%s)', (_name, ifaces) => {
    expect(() => assertStatusMatchesLive(POD, recordedPodStatus, ifaces)).not.toThrow();
  });

  it.each<[string, NetworkStatusEntry[], LiveInterface[], string, string, string]>([
    ['the seed status missing the IPv6 address of net1', seedStatus, live.up, 'net1', '192.168.1.201 (network-status)', '192.168.1.201, fd00:1::c9 (inside the pod)'],
    ['a status IP the pod does not have', edit(recordedPodStatus, (e) => (e[1]!.ips = ['192.168.1.250', 'fd00:1::c9'])), live.up, 'net1', '192.168.1.250, fd00:1::c9', '192.168.1.201, fd00:1::c9'],
    ["eth0's IP on net2", edit(recordedPodStatus, (e) => (e[2]!.ips = ['100.96.1.80'])), live.upBusybox, 'net2', '100.96.1.80 (network-status)', '192.168.1.202 (inside the pod)'],
    ['a wrong MAC', edit(recordedPodStatus, (e) => (e[1]!.mac = '02:77:cb:a0:60:ff')), live.up, 'net1', '02:77:cb:a0:60:ff (network-status)', '02:77:cb:a0:60:e3 (inside the pod)'],
    ['a wrong MTU', edit(recordedPodStatus, (e) => (e[2]!.mtu = 1500)), live.up, 'net2', '1500 (network-status)', '1400 (inside the pod)'],
    ['an interface missing from the pod', edit(recordedPodStatus, (e) => (e[2]!.interface = 'net3')), live.up, 'net3', 'interface net3 (entry "default/macvlan-private")', 'interfaces lo, eth0, net1, net2'],
    ['an interface missing from the status', recordedPodStatus.slice(0, 2), live.up, 'net2', 'an entry for net2', 'entries entry 0 "" on eth0, entry 1 "default/macvlan-conf" on net1'],
  ])('fails on %s', (_name, entries, ifaces, iface, expected, actual) => {
    expectFailure(() => assertStatusMatchesLive(POD, entries, ifaces), { iface, expected, actual });
  });
});

describe('assertStatusNetworks', () => {
  const twice: NetworkStatusEntry[] = [
    seedStatus[0]!,
    seedStatus[1]!,
    { name: 'default/macvlan-conf', interface: 'net2', ips: ['192.168.1.202'], mac: '02:77:cb:a0:60:e4' },
  ];
  it.each<[string, NetworkStatusEntry[], ExpectedAttachment[]]>([
    ['the seed', seedStatus, [{ name: 'default/macvlan-conf', interface: 'net1' }]],
    ['the same NAD twice, any order', twice, [{ name: 'default/macvlan-conf', interface: 'net2' }, { name: 'default/macvlan-conf', interface: 'net1' }]],
  ])('passes on %s', (_name, entries, expected) => {
    expect(() => assertStatusNetworks(POD, entries, expected)).not.toThrow();
  });

  it.each<[string, NetworkStatusEntry[], ExpectedAttachment[], string, string, string]>([
    ['the attachment on another interface', seedStatus, [{ name: 'default/macvlan-conf', interface: 'net2' }], 'net2', '"default/macvlan-conf" on net2', 'non-default entries entry 0 "default/macvlan-conf" on net1'],
    ['a NAD from another namespace', seedStatus, [{ name: 'other/macvlan-conf', interface: 'net1' }], 'net1', '"other/macvlan-conf" on net1', '"default/macvlan-conf" on net1'],
    ['one entry where two were requested', seedStatus, [{ name: 'default/macvlan-conf', interface: 'net1' }, { name: 'default/macvlan-conf', interface: 'net2' }], 'net2', '"default/macvlan-conf" on net2', 'non-default entries'],
    ['an extra attachment', twice, [{ name: 'default/macvlan-conf', interface: 'net1' }], 'net2', '"default/macvlan-conf" on net1', 'also "default/macvlan-conf" on net2'],
  ])('fails on %s', (_name, entries, expected, iface, exp, act) => {
    expectFailure(() => assertStatusNetworks(POD, entries, expected), { iface, expected: exp, actual: act });
  });
});
