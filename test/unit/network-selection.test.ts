import { describe, expect, it } from 'vitest';
import {
  NetworkSelectionError,
  expectedInterfaceNames,
  parseNetworkSelection,
  qualifiedNetworkName,
  selectionProblems,
  serializeNetworkSelection,
  type NetworkSelection,
} from '../../helpers/parse/network-selection.ts';

describe('parseNetworkSelection', () => {
  it.each<[string, NetworkSelection[]]>([
    ['macvlan-conf', [{ name: 'macvlan-conf' }]],
    ['net-a,other-ns/net-c', [{ name: 'net-a' }, { name: 'net-c', namespace: 'other-ns' }]],
    [' net-a , net-b@data0 ', [{ name: 'net-a' }, { name: 'net-b', interface: 'data0' }]],
    ['ns1/net-a@eth1,net-a', [{ name: 'net-a', namespace: 'ns1', interface: 'eth1' }, { name: 'net-a' }]],
    ['', []],
  ])('comma form %j', (raw, expected) => {
    expect(parseNetworkSelection(raw)).toEqual(expected);
  });

  it('JSON form with every field (§4.1.2)', () => {
    const raw = JSON.stringify([
      {
        name: 'net-b',
        namespace: 'ns',
        ips: ['10.2.2.42/24', 'fd00::42/64'],
        mac: '02:23:45:67:89:01',
        interface: 'net5',
        'default-route': ['10.2.2.1'],
        'cni-args': { k: 'v' },
      },
      { name: 'net-c' },
    ]);
    expect(parseNetworkSelection(raw)).toEqual([
      {
        name: 'net-b',
        namespace: 'ns',
        ips: ['10.2.2.42/24', 'fd00::42/64'],
        mac: '02:23:45:67:89:01',
        interface: 'net5',
        defaultRoute: ['10.2.2.1'],
        cniArgs: { k: 'v' },
      },
      { name: 'net-c' },
    ]);
  });

  it.each([
    ['two slashes', 'a/b/c', /item 0 "a\/b\/c": more than one "\/"/],
    ['two @', 'a@b@c', /more than one "@"/],
    ['an empty item', 'net-a,,net-b', /item 1 "": empty network name/],
    ['upper case', 'Net-A', /name "Net-A" is not a DNS-1123 label/],
    ['a bad namespace', 'My_NS/net-a', /namespace "My_NS"/],
    ['an interface name over 15 chars', 'net-a@averyveryverylongname', /interface "averyveryverylongname" is not a valid kernel interface name/],
    ['broken JSON', '[{"name": "a"', /JSON form\): invalid JSON/],
    ['a JSON object, not a list', '{"name":"a"}', /JSON form\): the annotation: Invalid input: expected array/],
    ['JSON without name', '[{"interface":"net1"}]', /element 0 field "name"/],
    ['a bad IP', '[{"name":"a","ips":["10.2.2.420/24"]}]', /element 0 field "ips\[0\]": not an IP address/],
    ['a bad MAC', '[{"name":"a","mac":"02:23:45:67:89"}]', /element 0 field "mac": not a 6-byte MAC/],
    ['a bad interface', '[{"name":"a"},{"name":"b","interface":"net/1"}]', /element 1 field "interface"/],
    ['a bad default-route', '[{"name":"a","default-route":["10.0.0.1/24"]}]', /element 0 field "default-route\[0\]"/],
    ['cni-args not an object', '[{"name":"a","cni-args":"k=v"}]', /element 0 field "cni-args"/],
  ])('rejects %s', (_name, raw, message) => {
    expect(() => parseNetworkSelection(raw)).toThrow(NetworkSelectionError);
    expect(() => parseNetworkSelection(raw)).toThrow(message);
  });
});

describe('serializeNetworkSelection', () => {
  it.each<[NetworkSelection[], 'auto' | 'comma' | 'json', string]>([
    [[{ name: 'macvlan-conf' }], 'auto', 'macvlan-conf'],
    [[{ name: 'a', namespace: 'ns', interface: 'data0' }, { name: 'b' }], 'auto', 'ns/a@data0,b'],
    [[{ name: 'a', interface: 'net7' }], 'json', '[{"name":"a","interface":"net7"}]'],
    [[{ name: 'a', ips: ['10.2.2.42/24'], mac: '02:23:45:67:89:01' }], 'auto', '[{"name":"a","ips":["10.2.2.42/24"],"mac":"02:23:45:67:89:01"}]'],
    [[{ name: 'a', defaultRoute: ['10.2.2.1'], cniArgs: { k: 'v' } }], 'auto', '[{"name":"a","default-route":["10.2.2.1"],"cni-args":{"k":"v"}}]'],
  ])('%j as %s', (selections, form, expected) => {
    const text = serializeNetworkSelection(selections, form);
    expect(text).toBe(expected);
    expect(parseNetworkSelection(text)).toEqual(selections);
  });

  it('refuses the comma form for fields only JSON can carry', () => {
    expect(() => serializeNetworkSelection([{ name: 'a', mac: '02:23:45:67:89:01' }], 'comma')).toThrow(/comma form cannot carry/);
  });

  it('builds invalid annotations for negative scenarios without complaint', () => {
    const text = serializeNetworkSelection([{ name: 'a', interface: 'averyveryverylongname' }]);
    expect(text).toBe('a@averyveryverylongname');
  });
});

describe('expectedInterfaceNames and selectionProblems', () => {
  it.each<[string, string[]]>([
    ['macvlan-conf', ['net1']],
    ['a,b,c', ['net1', 'net2', 'net3']],
    ['a,b@data0,c', ['net1', 'data0', 'net3']],
    ['a,a', ['net1', 'net2']],
  ])('%s → %j (Multus: net<position> or the requested name)', (raw, names) => {
    expect(expectedInterfaceNames(parseNetworkSelection(raw))).toEqual(names);
  });

  it('counts Multus defaultNetworks before the annotation', () => {
    expect(expectedInterfaceNames([{ name: 'a' }], { firstIndex: 2 })).toEqual(['net2']);
  });

  it.each<[string, NetworkSelection[], string[]]>([
    ['none', [{ name: 'a' }, { name: 'b', interface: 'data0' }], []],
    ['a requested name colliding with a generated one', [{ name: 'a' }, { name: 'b', interface: 'net1' }], ['elements 0 and 1 both get interface net1']],
    [
      'two default-route elements',
      [{ name: 'a', defaultRoute: ['10.0.0.1'] }, { name: 'b', defaultRoute: ['10.1.0.1'] }],
      ['default-route on elements 0, 1; at most one allowed', '2 IPv4 default-route gateways (10.0.0.1, 10.1.0.1); Multus supports one'],
    ],
  ])('problems: %s', (_name, selections, problems) => {
    expect(selectionProblems(selections)).toEqual(problems);
  });

  it('qualifies names with the pod namespace when none is given', () => {
    expect(qualifiedNetworkName({ name: 'macvlan-conf' }, 'default')).toBe('default/macvlan-conf');
    expect(qualifiedNetworkName({ name: 'x', namespace: 'other' }, 'default')).toBe('other/x');
  });
});
