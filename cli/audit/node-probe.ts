import type * as k8s from '@kubernetes/client-node';
import { firstLine } from '../../helpers/k8s/client.ts';
import { parseBusyboxIpAddr, parseIpJsonAddr, type LiveInterface } from '../../helpers/parse/ip-output.ts';

/**
 * Pure side of the node-side reader (fixtures/pods/netns-probe-pod.yaml):
 * what to ask it for each pod, and what its log says. The cluster side is
 * netns-probe.ts.
 */

/** One pod for the node probe: found on `node` by any of `patterns` in /proc/PID/cgroup. */
export interface NetnsTarget {
  /** Short key in the probe's arguments and output. */
  key: string;
  /** namespace/name, for messages. */
  pod: string;
  node: string;
  patterns: string[];
}

const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// containerd://<64 hex>, cri-o://…, docker://…
const CONTAINER_ID = /^[a-z0-9-]+:\/\/([0-9a-f]{12,128})$/;

/**
 * How the node probe would find this pod: its node, its UID (dashes, and
 * underscores as the systemd cgroup driver writes it) and its containers'
 * IDs. A string says why it cannot; the probe's arguments go through a
 * shell, so nothing but [0-9a-f_-] gets there.
 */
export function netnsTarget(pod: k8s.V1Pod, key: string): NetnsTarget | string {
  const name = `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
  const node = pod.spec?.nodeName;
  if (!node) return 'the pod has no node';
  const uid = pod.metadata?.uid ?? '';
  if (!UID.test(uid)) return `the pod's UID ${JSON.stringify(uid)} is not a UUID`;
  const ids = (pod.status?.containerStatuses ?? [])
    .map((s) => CONTAINER_ID.exec(s.containerID ?? '')?.[1])
    .filter((id): id is string => id !== undefined);
  return { key, pod: name, node, patterns: [uid, uid.replaceAll('-', '_'), ...ids] };
}

/** The probe pod's arguments: one `KEY PATTERN…` per target. */
export function probeArgs(targets: readonly NetnsTarget[]): string[] {
  return targets.map((t) => {
    if (!/^[0-9]+$/.test(t.key) || t.patterns.some((p) => !/^[0-9a-f_-]+$/.test(p))) {
      throw new Error(`node probe target for ${t.pod}: unsafe key or pattern`);
    }
    return [t.key, ...t.patterns].join(' ');
  });
}

export interface ProbeProcess {
  pid: number;
  netns: string;
  comm: string;
}

export interface ProbeNetns {
  netns: string;
  pid: number;
  format?: 'json' | 'text';
  output: string;
  error?: string;
}

/** What the probe saw of one pod. */
export interface ProbeReading {
  procs: ProbeProcess[];
  netns: ProbeNetns[];
}

export class NetnsProbeOutputError extends Error {
  override name = 'NetnsProbeOutputError';
}

/** Parses the probe pod's log into a reading per target key. A log without `== end` was cut off. */
export function parseNetnsProbeLog(log: string): Map<string, ProbeReading> {
  const out = new Map<string, ProbeReading>();
  let pod: ProbeReading | undefined;
  let ns: ProbeNetns | undefined;
  let ended = false;
  const lines = log.split('\n');
  lines.forEach((line, i) => {
    const bad = (why: string): never => {
      throw new NetnsProbeOutputError(`node probe log line ${i + 1}: ${why}: ${JSON.stringify(line.slice(0, 120))}`);
    };
    if (ended) {
      if (line.trim() !== '') bad('text after "== end"');
      return;
    }
    if (!line.startsWith('== ')) {
      if (ns?.format === undefined) {
        if (line.trim() === '') return;
        bad('output outside an ip section');
      }
      ns!.output += `${line}\n`;
      return;
    }
    const [tag, ...rest] = line.slice(3).split(' ');
    switch (tag) {
      case 'pod': {
        const key = rest[0] ?? bad('no key');
        if (out.has(key)) bad(`pod ${key} twice`);
        pod = { procs: [], netns: [] };
        out.set(key, pod);
        ns = undefined;
        return;
      }
      case 'proc': {
        if (!pod) return bad('process before any pod');
        const [pid, netns, ...comm] = rest;
        if (!/^\d+$/.test(pid ?? '') || !netns) return bad('malformed process line');
        pod.procs.push({ pid: Number(pid), netns, comm: comm.join(' ') });
        ns = undefined;
        return;
      }
      case 'netns': {
        if (!pod) return bad('network namespace before any pod');
        const [netns, pid] = rest;
        if (!netns || !/^\d+$/.test(pid ?? '')) return bad('malformed netns line');
        ns = { netns, pid: Number(pid), output: '' };
        pod.netns.push(ns);
        return;
      }
      case 'ip-json':
      case 'ip-text':
        if (!ns || ns.format !== undefined || ns.error !== undefined) return bad('ip output without its namespace');
        ns.format = tag === 'ip-json' ? 'json' : 'text';
        return;
      case 'error':
        if (!ns || ns.format !== undefined) return bad('error without its namespace');
        ns.error = rest.join(' ');
        return;
      case 'end':
        ended = true;
        return;
      default:
        return bad('unknown marker');
    }
  });
  if (!ended) throw new NetnsProbeOutputError('node probe log ends before "== end": cut off');
  return out;
}

/**
 * The pod's interfaces from what the probe saw, or why there are none.
 * Every process of a (non-hostNetwork) pod normally shares one network
 * namespace; when a container made its own, the sandbox's (the `pause`
 * process) is the pod's. Anything else is ambiguous and said so.
 */
export function liveFromReading(reading: ProbeReading | undefined, node: string): LiveInterface[] | string {
  if (!reading) return `the node probe on ${node} did not report the pod`;
  if (reading.procs.length === 0) return `no process of the pod found on node ${node} (matched by pod UID and container IDs in /proc/*/cgroup)`;
  let chosen = reading.netns[0];
  if (reading.netns.length > 1) {
    const sandbox = new Set(reading.procs.filter((p) => p.comm === 'pause').map((p) => p.netns));
    const list = reading.netns.map((n) => n.netns).join(', ');
    if (sandbox.size !== 1) return `the pod's processes on node ${node} are in ${reading.netns.length} network namespaces (${list}) and no single sandbox (pause) process says which is the pod's`;
    chosen = reading.netns.find((n) => sandbox.has(n.netns));
  }
  if (!chosen) return `the node probe on ${node} listed the pod's processes but read no network namespace`;
  if (chosen.error !== undefined) return `reading ${chosen.netns} of pid ${chosen.pid} on node ${node}: ${chosen.error}`;
  try {
    return chosen.format === 'json' ? parseIpJsonAddr(chosen.output) : parseBusyboxIpAddr(chosen.output);
  } catch (e) {
    return `ip output from ${chosen.netns} on node ${node} not understood (${firstLine(e)})`;
  }
}
