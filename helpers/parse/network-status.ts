import { z } from 'zod';
import { ConformanceFailure } from '../errors.ts';
import { isMac, parseIpMaybeCidr } from './ip-address.ts';
import { excerpt, formatPath } from './zod-path.ts';

export const NETWORK_STATUS_ANNOTATION = 'k8s.v1.cni.cncf.io/network-status';
/** Deprecated plural key still written by old Multus: report it, never depend on it. */
export const DEPRECATED_NETWORKS_STATUS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks-status';

const CHECK = 'network-status annotation';

const ipText = z.string().refine((s) => parseIpMaybeCidr(s) !== undefined, 'not an IP address');

const dnsSchema = z.looseObject({
  nameservers: z.array(z.string()).optional(),
  domain: z.string().optional(),
  search: z.array(z.string()).optional(),
  options: z.array(z.string()).optional(),
});

// §5.3.7: type plus version, and a block named after the type (pci, vdpa, vhost-user, memif).
const deviceInfoSchema = z.looseObject({
  type: z.string().min(1),
  version: z.string().min(1),
  pci: z.looseObject({ 'pci-address': z.string().optional() }).optional(),
});

export const networkStatusEntrySchema = z
  .object({
    name: z.string(),
    interface: z.string().min(1).optional(),
    ips: z.array(ipText).optional(),
    mac: z.string().refine(isMac, 'not a 6-byte MAC address').optional(),
    mtu: z.number().int().positive().optional(),
    default: z.boolean().optional(),
    dns: dnsSchema.optional(),
    // Not in the spec (§5) but written by the Go client library; Multus
    // v4.2.x writes "<nil>" here for networks without a gateway, so the
    // values are checked by assertStatusShape in strict mode only.
    gateway: z.array(z.string()).optional(),
    'device-info': deviceInfoSchema.optional(),
  })
  .refine((e) => e.mac === undefined || e.interface !== undefined, {
    message: '"mac" requires "interface" (§5.3.4)',
    path: ['mac'],
  });

export const networkStatusSchema = z.array(networkStatusEntrySchema);

export type NetworkStatusEntry = z.infer<typeof networkStatusEntrySchema>;

/**
 * Parses the network-status annotation of `pod` (namespace/name). Absent,
 * non-JSON or off-schema input is a conformance failure: Multus must write it.
 */
export function parseNetworkStatus(raw: string | undefined, pod: string): NetworkStatusEntry[] {
  const expected = 'a JSON list of network status entries (§5)';
  if (raw === undefined || raw.trim() === '') {
    throw new ConformanceFailure({ pod, check: CHECK, expected: `${NETWORK_STATUS_ANNOTATION} present`, actual: 'absent' });
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    throw new ConformanceFailure({
      pod,
      check: CHECK,
      expected,
      actual: `invalid JSON (${(e as Error).message}): ${excerpt(raw)}`,
    });
  }
  const r = networkStatusSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const [index, ...field] = issue.path;
    const where =
      typeof index === 'number'
        ? `entry ${index}${field.length > 0 ? ` field "${formatPath(field)}"` : ''}`
        : 'the annotation';
    throw new ConformanceFailure({ pod, check: CHECK, expected, actual: `${where}: ${issue.message}` });
  }
  return r.data;
}
