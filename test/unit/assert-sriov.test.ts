import { describe, expect, it } from 'vitest';
import { assertIsVf, assertPciMatchesEnv, parsePciLinks, pciEnvName, sysfsLinksCommand } from '../../helpers/assert/sriov.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// No SR-IOV hardware here. The VF and PF listings (test/payloads/sysfs/links.vf*.txt,
// links.pf.txt) are written from the kernel's sysfs ABI documentation, not recorded:
// Documentation/ABI/testing/sysfs-bus-pci says /sys/bus/pci/devices/.../physfn "appears
// when a device is a Virtual Function" and "points to the PCI device sysfs entry of the
// Physical Function", and that a PF with SR-IOV enabled has virtfnN links instead; the
// netdev's `device` link (sysfs-class-net) leads to that PCI function. Only
// links.macvlan.txt is recorded: the command run on a macvlan interface in a testbed pod.
const vf = parsePciLinks(payload('sysfs/links.vf.txt'));
const vfSharedDriver = parsePciLinks(payload('sysfs/links.vf-shared-driver.txt'));
const pf = parsePciLinks(payload('sysfs/links.pf.txt'));
const macvlan = parsePciLinks(payload('sysfs/links.macvlan.txt'));

describe('pciEnvName', () => {
  it('is the device plugin variable of a resource', () => {
    expect(pciEnvName('intel.com/intel_sriov_netdevice')).toBe('PCIDEVICE_INTEL_COM_INTEL_SRIOV_NETDEVICE');
  });
});

describe('assertPciMatchesEnv', () => {
  const env = 'PCIDEVICE_INTEL_COM_SRIOV';
  it.each([
    ['the single allocated VF', '0000:18:02.5', '0000:18:02.5'],
    ['one of several allocated VFs', '0000:18:02.6', '0000:18:02.5,0000:18:02.6'],
  ])('passes on %s', (_name, pci, value) => {
    expect(() => assertPciMatchesEnv(POD, 'net1', pci, env, value)).not.toThrow();
  });
  it.each([
    ['another device', '0000:18:02.7', '0000:18:02.5', 'one of 0000:18:02.5', '0000:18:02.7'],
    ['no device-info in the status', undefined, '0000:18:02.5', 'one of 0000:18:02.5', 'no device-info pci-address'],
    ['the variable unset', '0000:18:02.5', '', 'unset or empty', '0000:18:02.5'],
  ])('fails on %s', (_name, pci, value, expected, actual) => {
    expectFailure(() => assertPciMatchesEnv(POD, 'net1', pci, env, value), { iface: 'net1', expected, actual });
  });
});

describe('parsePciLinks', () => {
  it('keeps the last path element of each link', () => {
    expect(vf).toEqual({ device: '0000:18:02.5', physfn: '0000:18:00.0', driver: 'iavf' });
    expect(pf).toEqual({ device: '0000:18:00.0', driver: 'ice' });
    expect(macvlan).toEqual({});
  });
  it('reads the device links of the interface it is asked about', () => {
    expect(sysfsLinksCommand('net1').join(' ')).toContain('/sys/class/net/net1/device/physfn');
  });
});

describe('assertIsVf (sysfs written from the ABI documentation; see above)', () => {
  it.each([
    ['a VF with a physfn link', vf, '0000:18:02.5'],
    ['a VF on a driver that also binds PFs (mlx5_core), by its physfn link', vfSharedDriver, undefined],
    ['a VF-only driver without a readable physfn link', { device: '0000:18:02.5', driver: 'iavf' }, undefined],
  ])('passes on %s', (_name, links, pci) => {
    expect(() => assertIsVf(POD, 'net1', links, pci)).not.toThrow();
  });

  it.each([
    ['a Physical Function (no physfn, PF driver)', pf, undefined, 'a physfn link to its Physical Function', 'PCI function 0000:18:00.0 without a physfn link, driver ice'],
    ['a mlx5_core function without physfn (a PF)', { device: '0000:3b:00.0', driver: 'mlx5_core' }, undefined, 'VF-only driver', 'driver mlx5_core'],
    ['a macvlan (recorded on the testbed: no device link)', macvlan, undefined, 'a PCI Virtual Function', 'no /sys/class/net/net1/device link'],
    ['a VF that is not the one device-info names', vf, '0000:18:02.6', '0000:18:02.6 (network-status device-info)', '0000:18:02.5 (/sys/class/net/net1/device)'],
  ])('fails on %s', (_name, links, pci, expected, actual) => {
    expectFailure(() => assertIsVf(POD, 'net1', links, pci), { iface: 'net1', expected, actual });
  });
});
