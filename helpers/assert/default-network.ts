import { ConformanceFailure } from '../errors.ts';
import { classifyInPool, describePool, type IpamPool } from '../nad/ipam-range.ts';
import { parseIpMaybeCidr } from '../parse/ip-address.ts';
import type { NetworkStatusEntry } from '../parse/network-status.ts';

/** The pod annotation that replaces the cluster network with a NAD of the user's. */
export const DEFAULT_NETWORK_ANNOTATION = 'v1.multus-cni.io/default-network';

export interface DefaultNetworkExpectation {
  /** `namespace/name` of the NAD the annotation names: the status entry's name (Multus: `<ns>/<name>` of the selection). */
  network: string;
  /** The interface the kubelet asks for: Multus gives it to the master plugin (eth0). */
  iface: string;
  /** The named NAD's IPAM pools. */
  pools: readonly IpamPool[];
}

export interface DefaultNetworkLive {
  /** The addresses `ip` shows on the interface inside the pod (link-local left out). */
  ifaceIps: readonly string[];
  /** status.podIPs: what the kubelet took from the CNI result of the default network. */
  podIps: readonly string[];
}

const bare = (ip: string): string => parseIpMaybeCidr(ip)?.text ?? ip;

/**
 * `v1.multus-cni.io/default-network` replaced the cluster network (Multus:
 * the NAD becomes delegate 0, the master plugin, on the CNI interface name):
 * - every address of eth0 comes from the named NAD's range, so none from the
 *   cluster network (checked first: a pod whose eth0 is the cluster network's
 *   fails naming its address);
 * - the pod IPs the kubelet reported come from that range too;
 * - the network-status entry of the named network is on eth0 with
 *   `"default": true`, and no other entry claims default.
 */
export function assertDefaultNetwork(pod: string, expected: DefaultNetworkExpectation, live: DefaultNetworkLive, status: readonly NetworkStatusEntry[]): void {
  const { network, iface, pools } = expected;
  if (pools.length === 0) throw new Error(`assertDefaultNetwork(${pod}): no IPAM pools given for ${network}`);
  const ranges = pools.map(describePool).join(' or ');
  const inRange = (ip: string): boolean => pools.some((p) => classifyInPool(p, ip) === 'allocatable');
  const check = `${iface} from the network ${DEFAULT_NETWORK_ANNOTATION} names (${network})`;
  if (live.ifaceIps.length === 0) {
    throw new ConformanceFailure({ pod, iface, check, expected: `an address in ${ranges}`, actual: 'no address' });
  }
  const foreign = live.ifaceIps.filter((ip) => !inRange(ip));
  if (foreign.length > 0) {
    throw new ConformanceFailure({ pod, iface, check, expected: `every address in ${ranges}`, actual: live.ifaceIps.map(bare).join(', ') });
  }
  const podCheck = `status.podIPs from the network ${DEFAULT_NETWORK_ANNOTATION} names (${network})`;
  if (live.podIps.length === 0 || live.podIps.some((ip) => !inRange(ip))) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: podCheck,
      expected: `the pod IPs in ${ranges}`,
      actual: live.podIps.length === 0 ? 'no pod IP reported' : live.podIps.join(', '),
    });
  }
  const statusCheck = `network-status entry of ${network}, the ${DEFAULT_NETWORK_ANNOTATION} network`;
  const entries = status.filter((e) => e.name === network);
  const named = entries.find((e) => e.interface === iface);
  if (!named) {
    throw new ConformanceFailure({
      pod,
      iface,
      check: statusCheck,
      expected: `an entry for ${network} on ${iface}`,
      actual: entries.length === 0 ? `no entry for it among ${listed(status)}` : `${network} on ${entries.map((e) => e.interface ?? '(no interface)').join(', ')}`,
    });
  }
  if (named.default !== true) {
    throw new ConformanceFailure({ pod, iface, check: statusCheck, expected: '"default": true', actual: `"default": ${String(named.default ?? '(absent)')}` });
  }
  const others = status.filter((e) => e !== named && e.default === true);
  if (others.length > 0) {
    throw new ConformanceFailure({
      pod,
      iface: others.map((e) => e.interface ?? '(no interface)').join(', '),
      check: `network-status: only ${network}, the ${DEFAULT_NETWORK_ANNOTATION} network, is default`,
      expected: `no other entry with "default": true`,
      actual: others.map((e) => `${JSON.stringify(e.name)} on ${e.interface ?? '(no interface)'} with "default": true`).join(', '),
    });
  }
}

function listed(status: readonly NetworkStatusEntry[]): string {
  return status.length === 0 ? 'no entries' : status.map((e) => `${JSON.stringify(e.name)} on ${e.interface ?? '(no interface)'}`).join(', ');
}
