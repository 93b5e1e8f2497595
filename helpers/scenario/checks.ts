import { assertInterfaceNames, assertInterfacePresent } from '../assert/interfaces.ts';
import { assertIpsInPool } from '../assert/ip-pool.ts';
import { assertLinkKind, assertMac, assertMtu, assertOperUp } from '../assert/link.ts';
import { assertStatusMatchesLive, assertStatusNetworks, assertStatusShape } from '../assert/network-status.ts';
import { computeIpamPoolsFromJson } from '../nad/ipam-range.ts';
import { ConformanceFailure } from '../errors.ts';
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

/** Addresses an attachment really uses: IPv6 link-local ones are the kernel's, not IPAM's. */
export function assignedIps(iface: LiveInterface): string[] {
  return iface.addresses.filter((a) => !(a.family === 'inet6' && a.address.toLowerCase().startsWith('fe80:'))).map((a) => a.address);
}

/**
 * Every per-attachment check of the catalog's in-pod and status rows:
 * status annotation shape, status vs expected networks and vs live
 * interfaces, interface names, link state, link kind/mode, MTU, MAC, and
 * IPs inside the NAD's IPAM range (never the gateway).
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
    const ips = assignedIps(link);
    if (e.ips) {
      const want = [...e.ips].sort().join(', ');
      const got = [...ips].sort().join(', ');
      if (want !== got) {
        throw new ConformanceFailure({ pod: pod.id, iface: e.iface, check: 'requested IPs', expected: want, actual: got || '(none)' });
      }
    } else if (e.nad.spec.config) {
      assertIpsInPool(pod.id, e.iface, ips, computeIpamPoolsFromJson(e.nad.spec.config));
    }
  }
  return { status, live };
}

/** The addresses an interface of a running pod has now (read with `ip` inside it). */
export async function liveIps(pod: AttachedPod, iface: string): Promise<string[]> {
  return assignedIps(assertInterfacePresent(pod.id, await pod.interfaces(), iface));
}
