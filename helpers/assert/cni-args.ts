import { ConformanceFailure } from '../errors.ts';
import type { LiveInterface } from '../parse/live-network.ts';

/**
 * `cni-args` (NPWG §4.1.2.1.6) reached the plugin: Multus puts them in each
 * plugin's config as `args.cni`, and the tuning plugin (since
 * containernetworking/plugins v0.8.2) applies `args.cni.mtu`. The NAD sets no
 * MTU, so the value can only have come through cni-args.
 */
export function assertCniArgsMtu(pod: string, link: LiveInterface, mtu: number): void {
  if (link.mtu !== mtu) {
    throw new ConformanceFailure({
      pod,
      iface: link.name,
      check: 'cni-args reached the plugin (tuning applies args.cni.mtu)',
      expected: `MTU ${mtu} (passed only in cni-args)`,
      actual: `MTU ${link.mtu}`,
    });
  }
}
