import { ConformanceFailure } from '../errors.ts';
import type { LiveInterface } from '../parse/live-network.ts';
import type { NetworkStatusEntry } from '../parse/network-status.ts';

/**
 * Plugins whose CNI result lists the interface with its MAC, so the status
 * entry must carry it (NPWG §5.3.4). Read in containernetworking/plugins
 * (v0.8 to v1.x): macvlan and ipvlan fill current.Interface.Mac from the
 * link they created.
 */
export const RESULT_CARRIES_MAC: ReadonlySet<string> = new Set(['macvlan', 'ipvlan']);

/**
 * The status entry of an interface whose plugin reports a MAC has a `mac`,
 * and it is the MAC the interface really has inside the pod.
 */
export function assertStatusMac(pod: string, entries: readonly NetworkStatusEntry[], link: LiveInterface, plugin: string): void {
  const entry = entries.find((e) => e.interface === link.name);
  const check = `network-status mac (§5.3.4: the ${plugin} result has one)`;
  if (!entry) {
    throw new ConformanceFailure({ pod, iface: link.name, check, expected: `an entry for ${link.name} with mac ${link.mac ?? '(live MAC unknown)'}`, actual: 'no entry' });
  }
  if (entry.mac === undefined) {
    throw new ConformanceFailure({
      pod,
      iface: link.name,
      check,
      expected: `"mac": "${link.mac ?? '(live MAC unknown)'}"`,
      actual: `no "mac" in entry ${JSON.stringify(entry.name)}`,
    });
  }
  if (link.mac === undefined || entry.mac.toLowerCase() !== link.mac.toLowerCase()) {
    throw new ConformanceFailure({
      pod,
      iface: link.name,
      check,
      expected: `${entry.mac.toLowerCase()} (network-status)`,
      actual: `${link.mac ?? 'no MAC'} (inside the pod)`,
    });
  }
}
