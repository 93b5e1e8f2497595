import { describe, expect, it } from 'vitest';
import { assertInterfaceNames, assertInterfacePresent, assertOnlyBaseInterfaces } from '../../helpers/assert/interfaces.ts';
import { parseIpJsonAddr } from '../../helpers/parse/ip-output.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { live } from './live-pod.ts';
import { payload } from './recorded.ts';

const unrenamed = parseIpJsonAddr(payload('ip-j-d-addr.up.json'));
const onlyNet1 = parseIpJsonAddr(payload('ip-j-d-addr.dev-recnet1.json'));

describe('assertInterfaceNames', () => {
  it.each([
    ['ip -j', live.up, ['net1', 'net2']],
    ['busybox', live.upBusybox, ['net1', 'net2']],
    ['ip -j, one attachment expected', live.up, ['net1']],
    ['no attachments expected', live.up, []],
  ])('passes on the recorded pod (%s)', (_name, ifaces, expected) => {
    expect(() => assertInterfaceNames(POD, ifaces, expected)).not.toThrow();
  });

  it.each([
    ['a missing net3', live.up, ['net1', 'net2', 'net3'], 'net3', 'lo, eth0, net1, net2, net3', 'lo, eth0, net1, net2 (missing net3)'],
    ['a requested name not created', live.upBusybox, ['data0'], 'data0', 'lo, eth0, data0', '(missing data0)'],
    ['no eth0 and no net1', unrenamed, ['net1'], 'eth0, net1', 'lo, eth0, net1', 'lo, recpod0, recnet1, recnet2 (missing eth0, net1)'],
    ['only one interface listed', onlyNet1, [], 'lo, eth0', 'lo, eth0', 'recnet1 (missing lo, eth0)'],
  ])('fails on %s', (_name, ifaces, expected, iface, exp, act) => {
    expectFailure(() => assertInterfaceNames(POD, ifaces, expected), { iface, expected: exp, actual: act });
  });
});

describe('assertInterfacePresent', () => {
  it('returns the interface', () => {
    expect(assertInterfacePresent(POD, live.up, 'net2').mtu).toBe(1400);
  });

  it('fails naming the interface and listing what exists', () => {
    expectFailure(() => assertInterfacePresent(POD, live.up, 'net5'), { iface: 'net5', expected: 'interface net5', actual: 'interfaces lo, eth0, net1, net2' });
  });
});

describe('assertOnlyBaseInterfaces', () => {
  const plain = parseIpJsonAddr(payload('plain-pod/ip-j-d-addr.json'));

  it('passes on the plain pod recorded on the testbed', () => {
    expect(() => assertOnlyBaseInterfaces(POD, plain)).not.toThrow();
  });

  it.each([
    ['a pod with attachments', live.up, 'net1, net2', 'eth0, lo', 'eth0, lo, net1, net2 (extra net1, net2)'],
    ['a pod without eth0', plain.filter((i) => i.name !== 'eth0'), 'eth0', 'eth0, lo', 'lo (missing eth0)'],
    ['the unrenamed recording (recpod0 instead of eth0)', unrenamed, 'recnet1, recnet2, recpod0, eth0', 'eth0, lo', '(extra recnet1, recnet2, recpod0) (missing eth0)'],
  ])('fails on %s', (_name, ifaces, iface, expected, actual) => {
    expectFailure(() => assertOnlyBaseInterfaces(POD, ifaces), { iface, expected, actual });
  });
});
