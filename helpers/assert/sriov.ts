import { ConformanceFailure } from '../errors.ts';

/** The env var the SR-IOV device plugin sets: PCIDEVICE_ + resource name, upper case, non-alphanumerics as "_". */
export function pciEnvName(resource: string): string {
  return `PCIDEVICE_${resource.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The status entry's device-info PCI address (NPWG §5.3.7) is one the
 * device plugin allocated to the pod (its PCIDEVICE_* variable, a comma
 * list when several VFs were allocated).
 */
export function assertPciMatchesEnv(pod: string, iface: string, statusPci: string | undefined, envName: string, envValue: string): void {
  const allocated = envValue
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (statusPci === undefined || !allocated.includes(statusPci)) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: `device-info pci-address vs ${envName}`,
      expected: allocated.length ? `one of ${allocated.join(', ')} (${envName})` : `an address in ${envName} (unset or empty)`,
      actual: statusPci ?? '(no device-info pci-address in network-status)',
    });
  }
}

/**
 * The command that reads an interface's PCI links inside the pod. Each line
 * is `key=target of the link` (empty when there is no such link):
 * - device: /sys/class/net/<if>/device, the PCI function the netdev belongs to;
 * - physfn: device/physfn, which "appears when a device is a Virtual Function"
 *   (Documentation/ABI/testing/sysfs-bus-pci);
 * - driver: device/driver, the bound driver.
 */
export function sysfsLinksCommand(iface: string): string[] {
  const d = `/sys/class/net/${iface}/device`;
  return ['sh', '-c', `echo "device=$(readlink ${d})"; echo "physfn=$(readlink ${d}/physfn)"; echo "driver=$(readlink ${d}/driver)"`];
}

export interface PciLinks {
  /** PCI address of the interface's device (basename of the link). */
  device?: string;
  /** PCI address of its Physical Function, when it is a VF. */
  physfn?: string;
  driver?: string;
}

/** Parses the output of sysfsLinksCommand; link targets are reduced to their last path element. */
export function parsePciLinks(output: string): PciLinks {
  const out: PciLinks = {};
  for (const line of output.split('\n')) {
    const m = /^(device|physfn|driver)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const base = m[2]!.trim().replace(/\/+$/, '').split('/').pop() ?? '';
    if (base !== '') out[m[1] as keyof PciLinks] = base;
  }
  return out;
}

/**
 * Drivers that bind only to VFs. Others (mlx5_core, bnxt_en…) bind to PFs
 * and VFs alike, so only the physfn link can tell there.
 */
const VF_ONLY_DRIVERS = new Set(['iavf', 'i40evf', 'ixgbevf', 'igbvf', 'txgbevf', 'ngbevf']);

/**
 * The interface is an SR-IOV Virtual Function: its device has a physfn link,
 * or its driver binds only to VFs. With the device-info PCI address, the
 * device must be that very function.
 */
export function assertIsVf(pod: string, iface: string, links: PciLinks, pciAddress?: string): void {
  const check = 'interface is an SR-IOV VF (sysfs device/physfn or a VF driver)';
  if (links.device === undefined) {
    throw new ConformanceFailure({
      pod,
      iface,
      check,
      expected: 'a PCI Virtual Function',
      actual: `no /sys/class/net/${iface}/device link (a virtual interface, not a PCI function)`,
    });
  }
  if (links.physfn === undefined && !(links.driver !== undefined && VF_ONLY_DRIVERS.has(links.driver))) {
    throw new ConformanceFailure({
      pod,
      iface,
      check,
      expected: 'a physfn link to its Physical Function, or a VF-only driver',
      actual: `PCI function ${links.device} without a physfn link, driver ${links.driver ?? '(none)'}`,
    });
  }
  if (pciAddress !== undefined && links.device !== pciAddress) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: 'sysfs device vs device-info pci-address',
      expected: `${pciAddress} (network-status device-info)`,
      actual: `${links.device} (/sys/class/net/${iface}/device)`,
    });
  }
}
