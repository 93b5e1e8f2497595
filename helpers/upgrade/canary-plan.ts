import type { LabelRequirement } from '../config/label-selector.ts';
import { UsageError } from '../errors.ts';
import { namespaceName } from '../k8s/labels.ts';
import { cidrContains, parseCidr, parseIp } from '../parse/ip-address.ts';

/**
 * Names and shapes of an upgrade's canaries (`upgrade prepare` / `verify`).
 * Everything lives in one suite-owned namespace whose name follows from the
 * canary id alone, so `verify` finds it later, from another machine.
 */

/** The two canary DaemonSets: two canaries per node, so pod↔pod has a peer on a single node too. */
export const CANARY_SETS = ['canary-a', 'canary-b'] as const;
export const CANARY_LABEL = 'multus-conformance.io/canary';
/** The NAD the canaries attach to: named as the scenarios' one, so host-local hands out addresses from the same pool (no duplicates with a run's pods). */
export const CANARY_NAD = 'macvlan-conf';
export const CANARY_IFACE = 'net1';
/** The ConfigMap holding what `prepare` recorded (helpers/upgrade/canary-record.ts). */
export const RECORD_CONFIGMAP = 'upgrade-canary-record';
export const RECORD_KEY = 'record.json';
/** Where the probe reads its targets and writes its log, inside each canary (fixtures/upgrade/canary-daemonset.yaml). */
export const PROBE_TARGETS_FILE = '/probe/targets';
export const PROBE_LOG_FILE = '/probe/log';
/** The pod `verify` creates after the upgrade to see new pods get their attachments. */
export const FRESH_POD = 'after-upgrade';
/** At most this many targets per canary: the probe stays light on a large cluster. */
export const MAX_TARGETS = 8;
/** The probe's default and upper bound (issue 9: a configurable maximum, 2 h by default). */
export const DEFAULT_PROBE_SECONDS = 2 * 60 * 60;
export const MAX_PROBE_SECONDS = 24 * 60 * 60;

const CANARY_ID = /^[a-z0-9]([-a-z0-9]{0,6}[a-z0-9])?$/;

/** The run id the canary namespace is labelled with: `cleanup --run-id upgrade-<id>` removes it. */
export function canaryRunId(canaryId: string): string {
  if (!CANARY_ID.test(canaryId)) {
    throw new UsageError(`--canary-id: "${canaryId}" must be 1-8 lowercase letters, digits or "-", starting and ending alphanumeric`);
  }
  return `upgrade-${canaryId}`;
}

/** `mc-upgrade-<id>-canaries`: stable per canary id. */
export function canaryNamespace(canaryId: string): string {
  return namespaceName(canaryRunId(canaryId), 'canaries');
}

export function probeBounds(seconds: number): { maxSeconds: number; maxRounds: number } {
  if (!Number.isInteger(seconds) || seconds < 10 || seconds > MAX_PROBE_SECONDS) {
    throw new UsageError(`--probe-max: ${seconds}s is outside 10s..${MAX_PROBE_SECONDS / 3600}h`);
  }
  // One round a second at most: the count bound is the time bound in rounds.
  return { maxSeconds: seconds, maxRounds: seconds };
}

/** network.nodeSelector as node affinity terms for the canary DaemonSets. */
export function nodeAffinityExpressions(selector: readonly LabelRequirement[]): { key: string; operator: string; values?: string[] }[] {
  return selector.map((r) => {
    switch (r.op) {
      case 'equals':
        return { key: r.key, operator: 'In', values: [r.value] };
      case 'differs':
        return { key: r.key, operator: 'NotIn', values: [r.value] };
      case 'in':
        return { key: r.key, operator: 'In', values: r.values };
      case 'notin':
        return { key: r.key, operator: 'NotIn', values: r.values };
      case 'exists':
        return { key: r.key, operator: 'Exists' };
      case 'absent':
        return { key: r.key, operator: 'DoesNotExist' };
    }
  });
}

export interface CanaryAddress {
  pod: string;
  node: string;
  /** net1's IPv4 address, without prefix. */
  address: string;
}

/**
 * The targets each canary probes: the other canaries' net1 addresses (its
 * sibling on the same node first, then the others in a ring by node, so a
 * large cluster still probes across nodes) capped at MAX_TARGETS, plus the
 * external peer when one is configured. Segment addresses only.
 */
export function probeTargets(canaries: readonly CanaryAddress[], externalPeer: string | undefined): Map<string, string[]> {
  const ordered = [...canaries].sort((a, b) => a.node.localeCompare(b.node) || a.pod.localeCompare(b.pod));
  const targets = new Map<string, string[]>();
  ordered.forEach((c, i) => {
    const others = [...ordered.slice(i + 1), ...ordered.slice(0, i)];
    const sameNode = others.filter((o) => o.node === c.node);
    const otherNodes = others.filter((o) => o.node !== c.node);
    const peers = [...sameNode, ...otherNodes].slice(0, MAX_TARGETS).map((o) => o.address);
    targets.set(c.pod, externalPeer ? [...peers, externalPeer] : peers);
  });
  return targets;
}

/**
 * The external peer the canaries also probe: `--external-peer`, else the
 * profile's peer when it is a host the testbed owns (a netns; kind's peer
 * container runs only during its scenario). It must lie on the segment
 * (network.subnet): the probe never sends anything off it.
 */
export function segmentPeer(flag: string | undefined, profile: { subnet: string; externalPeer?: { netns?: string | undefined; address: string } | undefined }): string | undefined {
  const peer = flag ?? (profile.externalPeer?.netns ? profile.externalPeer.address : undefined);
  if (peer === undefined) return undefined;
  const ip = parseIp(peer);
  const subnet = parseCidr(profile.subnet);
  if (!ip) throw new UsageError(`--external-peer: "${peer}" is not an IP address`);
  if (!subnet || !cidrContains(subnet, ip)) throw new UsageError(`--external-peer: ${peer} is not on the segment ${profile.subnet} (network.subnet); the probe stays on the segment`);
  return peer;
}
