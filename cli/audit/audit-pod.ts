import type * as k8s from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { assertIpsInPool } from '../../helpers/assert/ip-pool.ts';
import { assertNadPresent } from '../../helpers/assert/nad-present.ts';
import { assertStatusMatchesLive, assertStatusShape } from '../../helpers/assert/network-status.ts';
import { ConformanceFailure, type Mismatch } from '../../helpers/errors.ts';
import { firstLine } from '../../helpers/k8s/client.ts';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import type { LiveInterface } from '../../helpers/parse/ip-output.ts';
import { NETWORKS_ANNOTATION, parseNetworkSelection, type NetworkSelection } from '../../helpers/parse/network-selection.ts';
import {
  DEPRECATED_NETWORKS_STATUS_ANNOTATION,
  NETWORK_STATUS_ANNOTATION,
  parseNetworkStatus,
  type NetworkStatusEntry,
} from '../../helpers/parse/network-status.ts';
import { readByExec, type ExecFn } from './exec-read.ts';
import { nadRefs, type NadRef } from './nad-refs.ts';
import { netnsTarget, type NetnsTarget } from './node-probe.ts';

export type NadLookup = { found: false } | { found: true; config: string | undefined };

/** What auditing needs from the cluster; injected so the logic runs on recorded payloads. */
export interface AuditSource {
  exec: ExecFn;
  /** A NAD: absent, or its `spec.config` (undefined when it has none). Throws when it cannot be read. */
  nad(namespace: string, name: string): Promise<NadLookup>;
  /**
   * Reads pods' interfaces from their node (one probe per node): per target
   * key the interfaces, or why not. Absent when the node probe is off.
   * Throws when the probe could not run at all.
   */
  readFromNode?: (node: string, targets: NetnsTarget[]) => Promise<Map<string, LiveInterface[] | string>>;
}

/** Every pod ends as exactly one of these. */
export type Verdict = 'correct' | 'wrong' | 'not-checked';

export interface PodAudit {
  /** namespace/name */
  pod: string;
  node?: string;
  /**
   * correct: its live interfaces were compared and every check held;
   * wrong: at least one finding; not-checked: nothing wrong found, but its
   * live interfaces could not be compared (`why`).
   */
  verdict: Verdict;
  /** How its live interfaces were read; absent when they were not. */
  readBy?: 'exec' | 'node-probe';
  findings: Mismatch[];
  /** Why its live interfaces were not compared. */
  why?: string;
  /**
   * The audit's own reading failed (the node probe did not run, or ran and
   * could not read the pod): a failure of the audit, not a fact about the
   * pod, so it fails the audit like a failed probe fails a run.
   */
  readFailed?: boolean;
  /** Worth knowing, not findings (a NAD that cannot be read, static IPAM, a deprecated annotation). */
  notes: string[];
}

export interface AuditOptions {
  strict: boolean;
  /** Pods inspected (and node probes run) at the same time. */
  concurrency?: number;
}

/** A reason this pod's live interfaces are not compared at all, from its spec and status only. */
export function notAuditable(pod: k8s.V1Pod): string | undefined {
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase !== 'Running') return `not running (phase ${phase})`;
  if (pod.metadata?.deletionTimestamp) return 'being deleted';
  // Multus attaches nothing to a pod in the node's network namespace.
  if (pod.spec?.hostNetwork === true) return 'hostNetwork pod: Multus attaches no networks to it';
  return undefined;
}

interface Work {
  audit: PodAudit;
  entries?: NetworkStatusEntry[];
  live?: LiveInterface[];
  /** Why exec could not read it, when the node probe is to try. */
  execWhy?: string;
  probe?: NetnsTarget;
}

/**
 * Audits workload pods without changing them. Per pod: the network-status
 * annotation's shape; every NAD it uses exists and its IPs are in that NAD's
 * ranges; the annotation against the interfaces `ip` shows inside the pod,
 * read by exec or, where exec cannot work, from the pod's node. Every check
 * runs; each failed one is a finding.
 */
export async function auditPods(pods: readonly k8s.V1Pod[], source: AuditSource, opts: AuditOptions): Promise<PodAudit[]> {
  const limit = pLimit(Math.max(1, opts.concurrency ?? 4));
  const work = await Promise.all(pods.map((pod, i) => limit(() => inspect(pod, String(i), source, opts))));

  const byNode = new Map<string, Work[]>();
  for (const w of work) if (w.probe) byNode.set(w.probe.node, [...(byNode.get(w.probe.node) ?? []), w]);
  const probeLimit = pLimit(Math.max(1, opts.concurrency ?? 4));
  await Promise.all(
    [...byNode].map(([node, onNode]) =>
      probeLimit(async () => {
        let readings: Map<string, LiveInterface[] | string>;
        try {
          readings = await source.readFromNode!(node, onNode.map((w) => w.probe!));
        } catch (e) {
          for (const w of onNode) unread(w, `${w.execWhy}; node probe on ${node} failed: ${firstLine(e)}`, true);
          return;
        }
        for (const w of onNode) {
          const r = readings.get(w.probe!.key);
          if (Array.isArray(r)) {
            w.live = r;
            w.audit.readBy = 'node-probe';
          } else {
            unread(w, `${w.execWhy}; node probe: ${r ?? 'no answer for this pod'}`, true);
          }
        }
      }),
    ),
  );
  return work.map(finish);
}

function unread(w: Work, why: string, failed: boolean): void {
  w.audit.why = why;
  if (failed) w.audit.readFailed = true;
}

function checker(audit: PodAudit): (fn: () => void) => boolean {
  return (fn) => {
    try {
      fn();
      return true;
    } catch (e) {
      if (!(e instanceof ConformanceFailure)) throw e;
      audit.findings.push(e.mismatch);
      return false;
    }
  };
}

/** Everything that needs no live interfaces, then the exec read; marks pods for the node probe. */
async function inspect(pod: k8s.V1Pod, key: string, source: AuditSource, opts: AuditOptions): Promise<Work> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = `${namespace}/${pod.metadata?.name ?? '(unnamed)'}`;
  const audit: PodAudit = { pod: name, ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}), verdict: 'not-checked', findings: [], notes: [] };
  const w: Work = { audit };
  const skip = notAuditable(pod);
  if (skip) {
    unread(w, skip, false);
    return w;
  }
  const annotations = pod.metadata?.annotations ?? {};
  if (annotations[DEPRECATED_NETWORKS_STATUS_ANNOTATION] !== undefined) {
    audit.notes.push(`carries the deprecated ${DEPRECATED_NETWORKS_STATUS_ANNOTATION} annotation`);
  }
  const check = checker(audit);

  let selections: NetworkSelection[] = [];
  try {
    selections = parseNetworkSelection(annotations[NETWORKS_ANNOTATION] ?? '');
  } catch (e) {
    audit.notes.push(`${firstLine(e)}; its NADs are taken from network-status only`);
  }
  const entries = statusEntries(name, annotations[NETWORK_STATUS_ANNOTATION], audit);
  if (entries) {
    w.entries = entries;
    check(() => assertStatusShape(name, entries, opts));
  }
  for (const ref of nadRefs(namespace, selections, entries ?? [])) await checkNad(name, ref, source, audit);

  if (!entries) {
    unread(w, 'no usable network-status annotation to compare with', false);
    return w;
  }
  const read = await readByExec(pod, source.exec);
  if ('live' in read) {
    w.live = read.live;
    audit.readBy = 'exec';
    return w;
  }
  if (!source.readFromNode) {
    unread(w, `${read.why}; reading from the node is off (--no-node-probe)`, false);
    return w;
  }
  const target = netnsTarget(pod, key);
  if (typeof target === 'string') {
    unread(w, `${read.why}; cannot be read from its node: ${target}`, false);
    return w;
  }
  w.execWhy = read.why;
  w.probe = target;
  return w;
}

/** The parsed network-status annotation; absent or malformed is a finding. */
function statusEntries(pod: string, raw: string | undefined, audit: PodAudit): NetworkStatusEntry[] | undefined {
  try {
    return parseNetworkStatus(raw, pod);
  } catch (e) {
    if (!(e instanceof ConformanceFailure)) throw e;
    audit.findings.push(e.mismatch);
    return undefined;
  }
}

/** The NAD exists (a finding when not) and the pod's IPs from it are in its ranges. */
async function checkNad(pod: string, ref: NadRef, source: AuditSource, audit: PodAudit): Promise<void> {
  const check = checker(audit);
  const where = `NAD ${ref.nad}`;
  let lookup: NadLookup;
  try {
    lookup = await source.nad(ref.namespace, ref.name);
  } catch (e) {
    audit.notes.push(`${ref.ifaces.join(', ') || where}: ${where} ${firstLine(e)}; not checked`);
    return;
  }
  if (!check(() => assertNadPresent(pod, ref, lookup.found))) return;
  if (!lookup.found) return;
  const withIps = ref.entries.filter((e) => e.interface !== undefined && (e.ips?.length ?? 0) > 0);
  if (withIps.length === 0) return;
  const ifaces = withIps.map((e) => e.interface!).join(', ');
  if (lookup.config === undefined) {
    audit.notes.push(`${ifaces}: ${where} has no spec.config; IPs not checked`);
    return;
  }
  let pools;
  try {
    pools = computeIpamPoolsFromJson(lookup.config);
  } catch (e) {
    audit.notes.push(`${ifaces}: ${where}: ${firstLine(e)}; IPs not checked`);
    return;
  }
  if (pools.length === 0) {
    audit.notes.push(`${ifaces}: ${where}: addresses come from the pod's request (static IPAM); IPs not checked`);
    return;
  }
  for (const e of withIps) check(() => assertIpsInPool(pod, e.interface!, e.ips ?? [], pools));
}

function finish(w: Work): PodAudit {
  const { audit } = w;
  if (w.live && w.entries) {
    const live = w.live;
    const entries = w.entries;
    checker(audit)(() => assertStatusMatchesLive(audit.pod, entries, live));
  }
  audit.verdict = audit.findings.length > 0 ? 'wrong' : audit.readBy ? 'correct' : 'not-checked';
  if (audit.verdict === 'not-checked' && audit.why === undefined) audit.why = 'live interfaces not read';
  return audit;
}
