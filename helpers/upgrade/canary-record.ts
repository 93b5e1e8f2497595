import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { networkStatusSchema, type NetworkStatusEntry } from '../parse/network-status.ts';
import { formatPath } from '../parse/zod-path.ts';

/**
 * What `upgrade prepare` records about each canary, in a ConfigMap of the
 * canary namespace, so `verify` can compare later from any machine: the
 * pod's identity (UID: the same UID means the pod survived), node, its
 * secondary interface with addresses and MAC as seen inside the pod, and its
 * network-status annotation as Multus wrote it.
 */
const canarySchema = z.strictObject({
  pod: z.string().min(1),
  uid: z.string().min(1),
  node: z.string().min(1),
  set: z.string().min(1),
  iface: z.string().min(1),
  addresses: z.array(z.string().min(1)).min(1),
  mac: z.string().min(1),
  restarts: z.number().int().min(0),
  /** The segment addresses its probe was given (helpers/upgrade/canary-plan.ts probeTargets). */
  targets: z.array(z.string().min(1)),
  status: networkStatusSchema,
});

export const canaryRecordSchema = z.strictObject({
  version: z.literal(1),
  canaryId: z.string().min(1),
  namespace: z.string().min(1),
  nad: z.string().min(1),
  preparedAt: z.string().min(1),
  probeMaxSeconds: z.number().int().positive(),
  externalPeer: z.string().min(1).optional(),
  /** Multus as it ran at prepare time (DaemonSet and image), for the report. */
  multus: z.string().optional(),
  canaries: z.array(canarySchema).min(1),
});

export type CanaryRecord = z.infer<typeof canaryRecordSchema>;
export type RecordedCanary = z.infer<typeof canarySchema>;
export type { NetworkStatusEntry };

/**
 * Parses the record a ConfigMap holds. Anything else (edited by hand, from
 * another version) is bad input: one line naming the ConfigMap and the field.
 */
export function parseCanaryRecord(text: string | undefined, where: string): CanaryRecord {
  if (text === undefined || text.trim() === '') throw new UsageError(`${where}: no canary record (was \`upgrade prepare\` run with this --canary-id?)`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${where}: the canary record is not JSON (${(e as Error).message})`);
  }
  const parsed = canaryRecordSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${where}: canary record ${formatPath(issue.path)}: ${issue.message}`);
  }
  return parsed.data;
}
