import type * as k8s from '@kubernetes/client-node';
import { assertIpsInPool } from '../../helpers/assert/ip-pool.ts';
import { assertStatusMatchesLive, assertStatusShape } from '../../helpers/assert/network-status.ts';
import { ConformanceFailure, type Mismatch } from '../../helpers/errors.ts';
import type { ExecResult } from '../../helpers/k8s/exec.ts';
import { computeIpamPoolsFromJson, type IpamPool } from '../../helpers/nad/ipam-range.ts';
import { parseBusyboxIpAddr, parseIpJsonAddr, type LiveInterface } from '../../helpers/parse/ip-output.ts';
import {
  DEPRECATED_NETWORKS_STATUS_ANNOTATION,
  NETWORK_STATUS_ANNOTATION,
  parseNetworkStatus,
  type NetworkStatusEntry,
} from '../../helpers/parse/network-status.ts';

/** What auditing a pod needs from the cluster; injected so the logic runs on recorded payloads. */
export interface AuditSource {
  exec(namespace: string, pod: string, container: string, command: string[]): Promise<ExecResult>;
  /** The NAD's `spec.config`, undefined when it has none; throws when the NAD cannot be read. */
  nadConfig(namespace: string, name: string): Promise<string | undefined>;
}

export interface PodAudit {
  /** namespace/name */
  pod: string;
  /** Whether the live interfaces could be compared with the annotation. */
  checked: boolean;
  findings: Mismatch[];
  /** What could not be checked and why; not findings. */
  notes: string[];
}

const IP_JSON = ['ip', '-j', '-d', 'addr', 'show'];
const IP_TEXT = ['ip', 'addr', 'show'];

/**
 * Checks one workload pod without changing it: the network-status
 * annotation's shape, the annotation against the interfaces `ip` shows, and
 * every attachment's IPs against its NAD's IPAM pools. Every check runs; each
 * failed one is a finding.
 */
export async function auditPod(pod: k8s.V1Pod, source: AuditSource, opts: { strict: boolean }): Promise<PodAudit> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = `${namespace}/${pod.metadata?.name ?? '(unnamed)'}`;
  const audit: PodAudit = { pod: name, checked: false, findings: [], notes: [] };
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase !== 'Running') {
    audit.notes.push(`not running (phase ${phase})`);
    return audit;
  }
  const annotations = pod.metadata?.annotations ?? {};
  if (annotations[DEPRECATED_NETWORKS_STATUS_ANNOTATION] !== undefined) {
    audit.notes.push(`carries the deprecated ${DEPRECATED_NETWORKS_STATUS_ANNOTATION} annotation`);
  }
  const check = (fn: () => void): boolean => {
    try {
      fn();
      return true;
    } catch (e) {
      if (!(e instanceof ConformanceFailure)) throw e;
      audit.findings.push(e.mismatch);
      return false;
    }
  };

  let entries: NetworkStatusEntry[] = [];
  if (!check(() => (entries = parseNetworkStatus(annotations[NETWORK_STATUS_ANNOTATION], name)))) return audit;
  check(() => assertStatusShape(name, entries, opts));

  const live = await readInterfaces(pod, source);
  if (typeof live === 'string') {
    audit.notes.push(live);
  } else {
    audit.checked = true;
    check(() => assertStatusMatchesLive(name, entries, live));
  }

  for (const entry of entries) {
    if (entry.default === true || entry.interface === undefined || !entry.ips?.length) continue;
    const iface = entry.interface;
    const pools = await nadPools(source, entry.name, namespace);
    if (typeof pools === 'string') audit.notes.push(`${iface}: ${pools}`);
    else check(() => assertIpsInPool(name, iface, entry.ips ?? [], pools));
  }
  return audit;
}

/**
 * The pod's interfaces, from `ip -j -d addr` where iproute2 is installed and
 * from busybox `ip addr` otherwise, trying each container (they share the
 * network namespace). A string says why they could not be read.
 */
async function readInterfaces(pod: k8s.V1Pod, source: AuditSource): Promise<LiveInterface[] | string> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const podName = pod.metadata?.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  let why = 'no containers';
  for (const container of containers) {
    for (const [command, parse] of [
      [IP_JSON, parseIpJsonAddr],
      [IP_TEXT, parseBusyboxIpAddr],
    ] as const) {
      try {
        const r = await source.exec(namespace, podName, container, [...command]);
        if (r.exitCode === 0) return parse(r.stdout);
        why = `${command.join(' ')} in container ${container}: exit ${r.exitCode ?? 'unknown'}${r.stderr.trim() ? `: ${firstLine(r.stderr)}` : ''}`;
      } catch (e) {
        why = `${command.join(' ')} in container ${container}: ${firstLine(e instanceof Error ? e.message : String(e))}`;
      }
    }
  }
  return `interfaces not read (${why})`;
}

/** The pools of the NAD a status entry names, or why the IPs cannot be checked. */
async function nadPools(source: AuditSource, statusName: string, podNamespace: string): Promise<IpamPool[] | string> {
  const [ns, nad] = statusName.includes('/') ? statusName.split('/', 2) : [podNamespace, statusName];
  const where = `NAD ${ns}/${nad}`;
  let config: string | undefined;
  try {
    config = await source.nadConfig(ns ?? podNamespace, nad ?? statusName);
  } catch (e) {
    return `${where}: ${firstLine(e instanceof Error ? e.message : String(e))}; IPs not checked`;
  }
  if (config === undefined) return `${where} has no spec.config; IPs not checked`;
  try {
    const pools = computeIpamPoolsFromJson(config);
    if (pools.length === 0) return `${where}: addresses come from the pod's request (static IPAM); IPs not checked`;
    return pools;
  } catch (e) {
    return `${where}: ${firstLine(e instanceof Error ? e.message : String(e))}; IPs not checked`;
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
