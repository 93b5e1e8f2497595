import { ConformanceFailure } from '../errors.ts';

/** What a probe sends: a ping, or a TCP connection to a port where a server answers with `serverBanner(port)`. */
export type ProbeKind = { proto: 'icmp' } | { proto: 'tcp'; port: number };

/**
 * One direction of traffic a policy decides on. `pod` is the pod the policy
 * governs (the receiver for ingress, the sender for egress) and `iface` its
 * policed interface: every failure names them.
 */
export interface Flow {
  /** `namespace/name` of the MultiNetworkPolicy, or what stands in for it before any is applied. */
  policy: string;
  pod: string;
  iface: string;
  /** The sender and receiver as people read them: `ns/pod`, or the external host. */
  from: string;
  to: string;
  /** The address the probe goes to. */
  address: string;
  probe: ProbeKind;
}

/** What the probe command printed (stdout and stderr) and its exit code. */
export interface ProbeResult {
  exitCode: number | undefined;
  output: string;
}

/**
 * How the traffic fared:
 * - `passed`: a reply came (ping), or the server's banner (TCP);
 * - `dropped`: nothing came back in the probe's bound (timed out, 100% loss),
 *   or the sender's own stack refused to send (EPERM: an egress rule dropped
 *   it on the way out);
 * - `refused`: a TCP reset came back, so the packet reached the receiver's
 *   stack: not dropped, although nothing listened;
 * - `unclear`: anything else (the probe could not run, a route is missing).
 */
export type FlowVerdict = { kind: 'passed' | 'dropped' | 'refused' | 'unclear'; detail: string };

/** What a server on `port` answers every connection with (the scenario's `nc -ll -e echo`). */
export function serverBanner(port: number): string {
  return `mc-policy-${port}`;
}

export function describeProbe(p: ProbeKind): string {
  return p.proto === 'icmp' ? 'ICMP echo' : `TCP port ${p.port}`;
}

function lastLines(output: string, n = 2): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^command terminated with exit code/.test(l) && !/^--- .* ---$/.test(l) && !/^PING /.test(l));
  return lines.slice(-n).join(' | ') || 'no output';
}

/** Classifies a probe's outcome from busybox ping's or nc's own words. */
export function judgeProbe(probe: ProbeKind, r: ProbeResult): FlowVerdict {
  const out = r.output;
  const detail = `${lastLines(out)} (exit ${r.exitCode ?? 'unknown'})`;
  // The sender's own netfilter OUTPUT chain dropped it: sendto/connect get EPERM.
  if (/Operation not permitted/.test(out)) return { kind: 'dropped', detail };
  if (probe.proto === 'icmp') {
    if (r.exitCode === 0 && /\b[1-9]\d* packets received/.test(out)) return { kind: 'passed', detail };
    if (/ 0 packets received, 100% packet loss/.test(out)) return { kind: 'dropped', detail };
    return { kind: 'unclear', detail };
  }
  if (r.exitCode === 0 && out.includes(serverBanner(probe.port))) return { kind: 'passed', detail };
  if (/Connection refused/.test(out)) return { kind: 'refused', detail };
  if (/timed out/.test(out)) return { kind: 'dropped', detail };
  return { kind: 'unclear', detail };
}

export function describeFlow(f: Flow): string {
  return `${describeProbe(f.probe)} from ${f.from} to ${f.to} at ${f.address} over ${f.iface}`;
}

function actual(v: FlowVerdict): string {
  switch (v.kind) {
    case 'passed':
      return `passed: ${v.detail}`;
    case 'dropped':
      return `dropped: ${v.detail}`;
    case 'refused':
      return `refused (a TCP reset came back: the packet reached the receiver's stack): ${v.detail}`;
    case 'unclear':
      return `no verdict from the probe: ${v.detail}`;
  }
}

/**
 * Before any policy exists the traffic must flow: otherwise a later "dropped"
 * would say nothing about the policy.
 */
export function assertBaselinePassed(f: Flow, r: ProbeResult): void {
  const v = judgeProbe(f.probe, r);
  if (v.kind !== 'passed') {
    throw new ConformanceFailure({
      pod: f.pod,
      iface: f.iface,
      check: `${describeFlow(f)} before any policy applies (the network must carry it for the policy's verdict to mean anything)`,
      expected: 'passed',
      actual: actual(v),
    });
  }
}

/** Traffic the policy allows gets through. */
export function assertAllowed(f: Flow, r: ProbeResult): void {
  const v = judgeProbe(f.probe, r);
  if (v.kind !== 'passed') {
    throw new ConformanceFailure({
      pod: f.pod,
      iface: f.iface,
      check: `${describeFlow(f)}, allowed by MultiNetworkPolicy ${f.policy}`,
      expected: 'passed',
      actual: actual(v),
    });
  }
}

/** Traffic the policy denies is dropped: no reply, no reset. `why` says which rule denies it. */
export function assertDropped(f: Flow, r: ProbeResult, why = 'denied by'): void {
  const v = judgeProbe(f.probe, r);
  if (v.kind !== 'dropped') {
    throw new ConformanceFailure({
      pod: f.pod,
      iface: f.iface,
      check: `${describeFlow(f)}, ${why} MultiNetworkPolicy ${f.policy}`,
      expected: 'dropped',
      actual: actual(v),
    });
  }
}

/**
 * The bounded wait for a new policy to take effect ran out: its denied
 * traffic was never dropped. The API took the policy, so nothing enforces
 * it (or nothing in time). `seen` are the probes' verdicts, in order.
 */
export function enforcementNeverCame(f: Flow, seen: readonly FlowVerdict[], waitedMs: number): ConformanceFailure {
  const last = seen.at(-1);
  const counts = new Map<string, number>();
  for (const v of seen) counts.set(v.kind, (counts.get(v.kind) ?? 0) + 1);
  const tally = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  return new ConformanceFailure({
    pod: f.pod,
    iface: f.iface,
    check: `MultiNetworkPolicy ${f.policy} enforced within ${Math.round(waitedMs / 1000)}s: ${describeFlow(f)} denied`,
    expected: 'dropped (the policy enforced)',
    actual: last
      ? `never dropped in ${seen.length} probe(s) (${tally}); last ${actual(last)}. The API accepted the policy, but nothing enforced it`
      : 'no probe ran',
  });
}

/** Whether a wait for enforcement can stop: the denied traffic is dropped now. */
export function enforced(v: FlowVerdict): boolean {
  return v.kind === 'dropped';
}
