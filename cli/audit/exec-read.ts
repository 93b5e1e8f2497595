import type * as k8s from '@kubernetes/client-node';
import { firstLine } from '../../helpers/k8s/client.ts';
import type { ExecResult } from '../../helpers/k8s/exec.ts';
import { parseBusyboxIpAddr, parseIpJsonAddr, type LiveInterface } from '../../helpers/parse/ip-output.ts';

export type ExecFn = (namespace: string, pod: string, container: string, command: string[]) => Promise<ExecResult>;

/**
 * Why an exec gave no usable output. `no-ip`: the image has no `ip`;
 * `denied`: the API refused exec (RBAC, admission); `timed-out`: no answer in
 * time; `failed`: anything else (busybox `ip` without -j, a crashed session).
 */
export type ExecFailureKind = 'no-ip' | 'denied' | 'timed-out' | 'failed';

export interface ExecFailure {
  kind: ExecFailureKind;
  text: string;
}

// The runtime's words for a missing binary (runc/crun: "executable file not
// found in $PATH"; a shell wrapper: "not found"), and the shell's exit codes.
const NOT_FOUND = /executable file not found|no such file or directory|: not found/i;

/** Classifies one exec attempt; undefined when it succeeded (exit 0). */
export function classifyExec(outcome: { result: ExecResult } | { error: unknown }): ExecFailure | undefined {
  if ('error' in outcome) {
    const text = firstLine(outcome.error);
    if (/\b403\b|forbidden/i.test(text)) return { kind: 'denied', text: `exec denied (${text})` };
    if (/no answer after/i.test(text)) return { kind: 'timed-out', text: `exec timed out (${text})` };
    return { kind: 'failed', text: `exec failed (${text})` };
  }
  const r = outcome.result;
  if (r.exitCode === 0) return undefined;
  const said = [r.message, r.stderr].filter((t): t is string => t !== undefined && t.trim() !== '').map((t) => firstLine(t.trim()));
  if (r.exitCode === 126 || r.exitCode === 127 || said.some((t) => NOT_FOUND.test(t))) return { kind: 'no-ip', text: 'no ip in the image' };
  const code = r.exitCode === undefined ? 'no exit status' : `exit ${r.exitCode}`;
  return { kind: 'failed', text: `${code}${said[0] ? `: ${said[0]}` : ''}` };
}

const ATTEMPTS = [
  { command: ['ip', '-j', '-d', 'addr', 'show'], parse: parseIpJsonAddr },
  { command: ['ip', 'addr', 'show'], parse: parseBusyboxIpAddr },
] as const;

export type ExecRead = { live: LiveInterface[] } | { why: string; kind: ExecFailureKind };

/** Containers exec can reach: the running ones (all of the spec when the status does not say). */
export function execContainers(pod: k8s.V1Pod): string[] {
  const spec = (pod.spec?.containers ?? []).map((c) => c.name);
  const statuses = pod.status?.containerStatuses;
  if (!statuses) return spec;
  const running = new Set(statuses.filter((s) => s.state?.running !== undefined).map((s) => s.name));
  return spec.filter((c) => running.has(c));
}

/**
 * The pod's interfaces through `ip` in its own containers: `ip -j -d addr`
 * (iproute2), then `ip addr` (busybox), in each running container (they share
 * the network namespace). Stops at the first refusal or timeout: the next
 * container would meet the same API server.
 */
export async function readByExec(pod: k8s.V1Pod, exec: ExecFn): Promise<ExecRead> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const containers = execContainers(pod);
  if (containers.length === 0) return { kind: 'failed', why: 'no running container to exec into' };
  const tried: string[] = [];
  const kinds = new Set<ExecFailureKind>();
  for (const container of containers) {
    for (const { command, parse } of ATTEMPTS) {
      let failure: ExecFailure | undefined;
      try {
        const result = await exec(namespace, name, container, [...command]);
        failure = classifyExec({ result });
        if (!failure) {
          try {
            return { live: parse(result.stdout) };
          } catch (e) {
            failure = { kind: 'failed', text: `output not understood (${firstLine(e)})` };
          }
        }
      } catch (e) {
        failure = classifyExec({ error: e });
      }
      if (failure === undefined) continue;
      kinds.add(failure.kind);
      if (failure.kind === 'denied' || failure.kind === 'timed-out') return { kind: failure.kind, why: failure.text };
      tried.push(`${command.join(' ')} in ${container}: ${failure.text}`);
      // Without ip, `ip addr` fails the same way.
      if (failure.kind === 'no-ip') break;
    }
  }
  if (kinds.size === 1 && kinds.has('no-ip')) return { kind: 'no-ip', why: `no ip in container${containers.length > 1 ? 's' : ''} ${containers.join(', ')}` };
  return { kind: 'failed', why: tried.join('; ') };
}
