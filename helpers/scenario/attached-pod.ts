import * as k8s from '@kubernetes/client-node';
import { Stopwatch } from '../timing/stopwatch.ts';
import { execInPod, type ExecResult } from '../k8s/exec.ts';
import { parseIpJsonAddr, parseIpJsonRoute, parseBusyboxIpAddr, parseBusyboxIpRoute } from '../parse/ip-output.ts';
import type { LiveInterface, LiveRoute } from '../parse/ip-output.ts';
import { parseNetworkStatus, type NetworkStatusEntry, NETWORK_STATUS_ANNOTATION } from '../parse/network-status.ts';

export const ROUTES_MARK = '==mc-routes==';

/**
 * One exec for addresses and routes, with iproute2's `ip`, found on PATH.
 * Not plain `ip`: where `sh` is busybox (the testbed's test image), it runs
 * its own applet for `ip` ahead of PATH, which knows no `-j`; each read then
 * took a second exec (and a third for the routes). A PATH entry whose `ip`
 * refuses `-j` (busybox's) is passed over; none left: exit 127.
 */
export const INTERFACES_AND_ROUTES =
  'IFS=:; for d in $PATH; do [ -x "$d/ip" ] || continue; ' +
  'a=$("$d/ip" -j -d addr show 2>/dev/null) || continue; r=$("$d/ip" -j route show) || exit 1; ' +
  `printf '%s\\n${ROUTES_MARK}\\n%s\\n' "$a" "$r"; exit 0; done; exit 127`;

/**
 * A running pod with networks attached: reads its status annotation and what
 * `ip` shows inside it. Uses `ip -j` where iproute2 exists and falls back to
 * the busybox text form.
 */
export class AttachedPod {
  constructor(
    private readonly kc: k8s.KubeConfig,
    public pod: k8s.V1Pod,
    private readonly execTimeoutMs: number,
    private readonly watch: Stopwatch = new Stopwatch(),
  ) {}

  /** Routes read with the last `interfaces()`, not handed out yet. */
  private pendingRoutes: LiveRoute[] | undefined;

  get namespace(): string {
    return this.pod.metadata?.namespace ?? '';
  }
  get name(): string {
    return this.pod.metadata?.name ?? '';
  }
  /** `namespace/name`, as every failure message names the pod. */
  get id(): string {
    return `${this.namespace}/${this.name}`;
  }
  get node(): string {
    return this.pod.spec?.nodeName ?? '';
  }

  async refresh(): Promise<k8s.V1Pod> {
    this.pod = await this.kc.makeApiClient(k8s.CoreV1Api).readNamespacedPod({ namespace: this.namespace, name: this.name });
    return this.pod;
  }

  annotation(key: string): string | undefined {
    return this.pod.metadata?.annotations?.[key];
  }

  /** The network-status annotation, parsed; a missing or invalid one fails naming the pod. */
  status(): NetworkStatusEntry[] {
    return parseNetworkStatus(this.annotation(NETWORK_STATUS_ANNOTATION), this.id);
  }

  async exec(command: string[]): Promise<ExecResult> {
    return await this.watch.time('exec', () => execInPod(this.kc, this.namespace, this.name, command, { timeoutMs: this.execTimeoutMs }));
  }

  /** Output of a command that must succeed; a failure names the pod and the command. */
  async run(command: string[]): Promise<string> {
    const r = await this.exec(command);
    if (r.exitCode !== 0) {
      throw new Error(`pod ${this.id}: \`${command.join(' ')}\` exited ${r.exitCode ?? '(no status)'}: ${r.stderr.trim() || r.stdout.trim()}`);
    }
    return r.stdout;
  }

  /**
   * The pod's interfaces. With iproute2, one exec reads the routes too, kept
   * for the next `routes()` call: a check that needs both gets them from the
   * same moment, and pays for one exec, not two.
   */
  async interfaces(): Promise<LiveInterface[]> {
    const both = await this.exec(['sh', '-c', INTERFACES_AND_ROUTES]);
    const [addr, routes] = both.stdout.split(`\n${ROUTES_MARK}\n`);
    if (both.exitCode === 0 && addr?.trim().startsWith('[') && routes?.trim().startsWith('[')) {
      this.pendingRoutes = parseIpJsonRoute(routes);
      return parseIpJsonAddr(addr);
    }
    this.pendingRoutes = undefined;
    // 127: no ip on PATH knows -j, so an exec of `ip -j` would fail the same way.
    if (both.exitCode !== 127) {
      const json = await this.exec(['ip', '-j', '-d', 'addr', 'show']);
      if (json.exitCode === 0 && json.stdout.trim().startsWith('[')) return parseIpJsonAddr(json.stdout);
    }
    return parseBusyboxIpAddr(await this.run(['ip', 'addr', 'show']));
  }

  async routes(): Promise<LiveRoute[]> {
    const read = this.pendingRoutes;
    this.pendingRoutes = undefined;
    if (read) return read;
    const json = await this.exec(['ip', '-j', 'route', 'show']);
    if (json.exitCode === 0 && json.stdout.trim().startsWith('[')) return parseIpJsonRoute(json.stdout);
    return parseBusyboxIpRoute(await this.run(['ip', 'route', 'show']));
  }

  /** The IPv6 routes: `ip route` (and `interfaces()`'s read) lists IPv4 only. */
  async routes6(): Promise<LiveRoute[]> {
    const json = await this.exec(['ip', '-j', '-6', 'route', 'show']);
    if (json.exitCode === 0 && json.stdout.trim().startsWith('[')) return parseIpJsonRoute(json.stdout);
    return parseBusyboxIpRoute(await this.run(['ip', '-6', 'route', 'show']));
  }

  /** One bounded ping (3 packets, 1 s apart, 5 s overall) from this pod; true when any reply came. */
  async ping(target: string, iface?: string): Promise<{ ok: boolean; output: string }> {
    const args = ['ping', '-c', '3', '-i', '1', '-W', '1', '-w', '5'];
    if (iface) args.push('-I', iface);
    const r = await this.exec([...args, target]);
    return { ok: r.exitCode === 0, output: `${r.stdout}${r.stderr}`.trim() };
  }
}
