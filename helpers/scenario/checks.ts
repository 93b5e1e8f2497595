import { assertInterfaceNames, assertInterfacePresent } from '../assert/interfaces.ts';
import { assertIpsInPool } from '../assert/ip-pool.ts';
import { assertRequestedIps, assignedIps } from '../assert/addresses.ts';
import { RESULT_CARRIES_MAC, assertStatusMac } from '../assert/status-mac.ts';
import { assertLinkKind, assertMac, assertMtu, assertOperUp } from '../assert/link.ts';
import { assertStatusMatchesLive, assertStatusNetworks, assertStatusShape } from '../assert/network-status.ts';
import { computeIpamPoolsFromJson } from '../nad/ipam-range.ts';
import type { NadObject } from '../fixtures/render.ts';
import type { LiveInterface } from '../parse/ip-output.ts';
import type { NetworkStatusEntry } from '../parse/network-status.ts';
import type { AttachedPod } from './attached-pod.ts';

export interface ExpectedAttachment {
  iface: string;
  /** The NAD applied; its namespace/name is what the status entry must name. */
  nad: NadObject;
  kind?: string;
  mode?: string;
  mtu?: number;
  mac?: string;
  /** Exact addresses expected (static IPAM); otherwise the NAD's IPAM pools decide. */
  ips?: string[];
}

export { assignedIps };

/**
 * Every per-attachment check of the catalog's in-pod and status rows:
 * status annotation shape, status vs expected networks and vs live
 * interfaces, interface names, link state, link kind/mode, MTU, MAC (and
 * the status entry's MAC where the plugin's result has one), and IPs inside
 * the NAD's IPAM range (never the gateway) or exactly the requested ones.
 */
export async function verifyAttachments(
  pod: AttachedPod,
  expected: readonly ExpectedAttachment[],
  opts: { strict: boolean },
): Promise<{ status: NetworkStatusEntry[]; live: LiveInterface[] }> {
  const status = pod.status();
  assertStatusShape(pod.id, status, opts);
  const live = await pod.interfaces();
  assertInterfaceNames(pod.id, live, expected.map((e) => e.iface));
  assertStatusNetworks(
    pod.id,
    status,
    expected.map((e) => ({ name: `${e.nad.metadata.namespace}/${e.nad.metadata.name}`, interface: e.iface })),
  );
  assertStatusMatchesLive(pod.id, status, live);
  for (const e of expected) {
    const link = assertInterfacePresent(pod.id, live, e.iface);
    assertOperUp(pod.id, link);
    if (e.kind) assertLinkKind(pod.id, link, e.kind, e.mode);
    if (e.mtu !== undefined) assertMtu(pod.id, link, e.mtu);
    if (e.mac) assertMac(pod.id, link, e.mac);
    if (e.kind && RESULT_CARRIES_MAC.has(e.kind)) assertStatusMac(pod.id, status, link, e.kind);
    if (e.ips) assertRequestedIps(pod.id, link, e.ips);
    else if (e.nad.spec.config) assertIpsInPool(pod.id, e.iface, assignedIps(link), computeIpamPoolsFromJson(e.nad.spec.config));
  }
  return { status, live };
}

/** The addresses an interface of a running pod has now (read with `ip` inside it). */
export async function liveIps(pod: AttachedPod, iface: string): Promise<string[]> {
  return ipsOn(pod.id, await pod.interfaces(), iface);
}

/** The addresses of one interface in a read already made (verifyAttachments' `live`): no second exec. */
export function ipsOn(podId: string, live: readonly LiveInterface[], iface: string): string[] {
  return assignedIps(assertInterfacePresent(podId, live, iface));
}
