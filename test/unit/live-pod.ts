import { parseBusyboxIpAddr, parseBusyboxIpRoute, parseIpJsonAddr, parseIpJsonRoute } from '../../helpers/parse/ip-output.ts';
import { parseNetworkStatus, type NetworkStatusEntry } from '../../helpers/parse/network-status.ts';
import { POD } from './expect-failure.ts';
import { asPod, asPodRoutes, payload } from './recorded.ts';

// The recorded pod (test/payloads/README.md) under its pod names: lo, eth0, net1, net2.
export const live = {
  up: asPod(parseIpJsonAddr(payload('ip-j-d-addr.up.json'))),
  upBusybox: asPod(parseBusyboxIpAddr(payload('busybox-ip-addr.up.txt'))),
  masterDown: asPod(parseIpJsonAddr(payload('ip-j-d-addr.master-down.json'))),
  masterDownBusybox: asPod(parseBusyboxIpAddr(payload('busybox-ip-addr.master-down.txt'))),
  adminDown: asPod(parseIpJsonAddr(payload('ip-j-d-addr.admin-down.json'))),
  adminDownBusybox: asPod(parseBusyboxIpAddr(payload('busybox-ip-addr.admin-down.txt'))),
};

export const routes = {
  v4: asPodRoutes(parseIpJsonRoute(payload('ip-j-route.json'))),
  v6: asPodRoutes(parseIpJsonRoute(payload('ip-j-6-route.json'))),
  v4Busybox: asPodRoutes(parseBusyboxIpRoute(payload('busybox-ip-route.txt'))),
};

export const seedStatus: NetworkStatusEntry[] = parseNetworkStatus(payload('seed-network-status.json'), POD);

/**
 * The seed's status plus what the recorded pod has beyond the seed pod: the
 * IPv6 address on net1 and a second macvlan (private mode, MTU 1400) on net2.
 */
export const recordedPodStatus: NetworkStatusEntry[] = [
  seedStatus[0]!,
  { ...seedStatus[1]!, ips: ['192.168.1.201', 'fd00:1::c9'] },
  { name: 'default/macvlan-private', interface: 'net2', ips: ['192.168.1.202'], mac: '02:77:cb:a0:60:e4', mtu: 1400, dns: {} },
];

export function iface(list: typeof live.up, name: string) {
  const found = list.find((i) => i.name === name);
  if (!found) throw new Error(`recorded pod has no ${name}`);
  return found;
}
