import { ConformanceFailure } from '../errors.ts';
import type { LiveInterface } from '../parse/ip-output.ts';

// Checks of links on a node, as a hostNetwork pod saw them. `seenBy` names
// that pod and its node (`ns/name (node X)`): the failure's pod.

const show = (l: LiveInterface | undefined): string =>
  l ? `${l.name} (${l.kind ?? 'kind unknown'}, ${l.operstate}${l.mac ? `, MAC ${l.mac}` : ''})` : 'no such link';

/** A link the scenario made (or the plugin made for it) is there, of the kind it must be. */
export function assertNodeLink(seenBy: string, name: string, link: LiveInterface | undefined, kind: string, why: string): LiveInterface {
  if (!link || link.kind !== kind) throw new ConformanceFailure({ pod: seenBy, iface: name, check: why, expected: `a ${kind} link ${name} on the node`, actual: show(link) });
  return link;
}

/** The bridge holds exactly the pods' veths while they run. */
export function assertBridgePorts(seenBy: string, bridge: string, ports: readonly string[], count: number): void {
  if (ports.length !== count) {
    throw new ConformanceFailure({
      pod: seenBy,
      iface: bridge,
      check: `bridge ${bridge} on the node holds one port per pod`,
      expected: `${count} port(s)`,
      actual: ports.length > 0 ? `${ports.length}: ${ports.join(', ')}` : 'no ports',
    });
  }
}

/** A link the scenario removed, or that moved into a pod, is not on the node. */
export function assertLinkGone(seenBy: string, name: string, link: LiveInterface | undefined, why: string): void {
  if (link) throw new ConformanceFailure({ pod: seenBy, iface: name, check: why, expected: `no link ${name} on the node`, actual: show(link) });
}

/**
 * host-device gave the link back on delete: the node has it again under its
 * own name, with the MAC it had before the pod took it.
 */
export function assertDeviceReturned(seenBy: string, device: string, link: LiveInterface | undefined, mac: string | undefined): void {
  const check = `host device ${device} back on the node after its pod was deleted (host-device DEL)`;
  const expected = `${device}${mac ? ` with MAC ${mac}` : ''}`;
  if (!link) throw new ConformanceFailure({ pod: seenBy, iface: device, check, expected, actual: 'no such link' });
  if (mac !== undefined && link.mac?.toLowerCase() !== mac.toLowerCase()) throw new ConformanceFailure({ pod: seenBy, iface: device, check, expected, actual: show(link) });
}
