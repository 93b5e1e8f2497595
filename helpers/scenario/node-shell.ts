import type * as k8s from '@kubernetes/client-node';
import { renderPodFixture } from '../fixtures/render.ts';
import { parseIpJsonAddr } from '../parse/ip-output.ts';
import type { LiveInterface } from '../parse/ip-output.ts';
import type { AttachedPod } from './attached-pod.ts';
import type { ScenarioEnv } from './env.ts';

/**
 * A hostNetwork pod on one node (fixtures/pods/node-shell.yaml) that a
 * scenario runs short scripts in by exec: what a plugin did to the node is
 * read from the node's own network namespace, not from the pod's. One pod per
 * scenario and node, created once, gone with the scenario's namespace.
 */
export class NodeShell {
  private constructor(
    readonly node: string,
    private readonly pod: AttachedPod,
  ) {}

  /** `namespace/name (node X)`: what a failure names as the one that looked. */
  get seenBy(): string {
    return `${this.pod.id} (node ${this.node})`;
  }

  /**
   * Privileged only to change the node (create or delete a link); a host
   * directory is mounted read-only, type Directory (a missing one fails the
   * pod, nothing is created on the node).
   */
  static async start(
    env: ScenarioEnv,
    node: string,
    opts: { name: string; privileged?: boolean; mounts?: { hostPath: string; mountPath: string }[] },
  ): Promise<NodeShell> {
    const body = renderPodFixture<k8s.V1Pod>('node-shell', { name: opts.name, node, image: env.profile.testImage });
    body.metadata = { ...body.metadata, namespace: env.ns };
    const c = body.spec!.containers[0]!;
    if (opts.privileged) c.securityContext = { privileged: true };
    if (opts.mounts?.length) {
      body.spec!.volumes = opts.mounts.map((m, i) => ({ name: `host-${i}`, hostPath: { path: m.hostPath, type: 'Directory' } }));
      c.volumeMounts = opts.mounts.map((m, i) => ({ name: `host-${i}`, mountPath: m.mountPath, readOnly: true }));
    }
    await env.watch.time('pod → Ready', () => env.core.createNamespacedPod({ namespace: env.ns, body }));
    return new NodeShell(node, await env.waitReady(opts.name));
  }

  /** Runs a script with /bin/sh; its environment carries the data, so nothing is quoted into the script. */
  async sh(script: string, vars: Record<string, string> = {}): Promise<{ exitCode: number | undefined; output: string }> {
    const exports = Object.entries(vars).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const r = await this.pod.exec(['/bin/sh', '-c', `${exports.length ? `export ${exports.join(' ')}\n` : ''}${script}`]);
    return { exitCode: r.exitCode, output: `${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`.trim() };
  }

  /** A script that must succeed; a failure names the node pod and what it was for. */
  async run(purpose: string, script: string, vars: Record<string, string> = {}): Promise<string> {
    const r = await this.sh(script, vars);
    if (r.exitCode !== 0) throw new Error(`node pod ${this.seenBy}: ${purpose} failed (exit ${r.exitCode ?? 'unknown'}): ${r.output.slice(-400)}`);
    return r.output;
  }

  /**
   * One node link as the node's namespace shows it (iproute2's `ip -j -d`),
   * or undefined when the kernel says there is none. Any other failure of
   * `ip` throws: a failed look is never taken for an absent link.
   */
  async link(name: string): Promise<LiveInterface | undefined> {
    const out = await this.run(`reading link ${name}`, LINK_SCRIPT, { LINK: name });
    return parseLinkView(out, name);
  }

  /** Names of the links enslaved to a bridge (`ip -j link show master X`). */
  async ports(bridge: string): Promise<string[]> {
    return parsePortNames(await this.run(`reading the ports of ${bridge}`, `${IPROUTE2} -j link show master "$LINK"`, { LINK: bridge }));
  }

  /** A sysctl of the node's own network namespace (read from /proc/sys in this hostNetwork pod). */
  async sysctl(key: string): Promise<string> {
    return (await this.run(`reading sysctl ${key}`, 'cat "/proc/sys/$KEY"', { KEY: key.replaceAll('.', '/') })).trim();
  }
}

/**
 * iproute2's `ip` in the test image: its /bin/sh is busybox, whose own `ip`
 * applet prints no JSON and no link details.
 */
export const IPROUTE2 = '/usr/bin/ip';

/** Prints `ip -j -d addr show dev $LINK`, or the line `absent` when the kernel has no such link. */
const LINK_SCRIPT = `out=$(${IPROUTE2} -j -d addr show dev "$LINK" 2>&1); rc=$?
if [ $rc -eq 0 ]; then printf '%s\\n' "$out"; exit 0; fi
case "$out" in *"does not exist"*) echo absent; exit 0 ;; esac
printf '%s\\n' "$out"; exit $rc`;

/** What LINK_SCRIPT printed: the link, or undefined for `absent`. */
export function parseLinkView(output: string, name: string): LiveInterface | undefined {
  if (output.trim() === 'absent') return undefined;
  const link = parseIpJsonAddr(output).find((l) => l.name === name);
  if (!link) throw new Error(`ip -j -d addr show dev ${name}: no entry named ${name} in: ${output.slice(0, 300)}`);
  return link;
}

/** The link names in `ip -j link show master X` (`[]`, or nothing at all, when the bridge has no ports). */
export function parsePortNames(output: string): string[] {
  const text = output.trim();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`ip -j link show master: not JSON: ${text.slice(0, 300)}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`ip -j link show master: not a list: ${text.slice(0, 300)}`);
  return parsed.map((l: unknown, i) => {
    const name = (l as { ifname?: unknown } | null)?.ifname;
    if (typeof name !== 'string') throw new Error(`ip -j link show master: entry ${i} has no ifname: ${JSON.stringify(l).slice(0, 200)}`);
    return name;
  });
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
