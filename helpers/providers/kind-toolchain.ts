import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunSettings } from '../config/settings.ts';
import { ClusterAccessError, UsageError } from '../errors.ts';
import { REPO_ROOT } from '../fixtures/paths.ts';

export const KIND_SCRIPTS_DIR = join(REPO_ROOT, 'scripts', 'kind');
/** The docker network every kind cluster of the suite sits on (its nodes' eth0, the secondary segment). */
export const KIND_NETWORK = 'mc-kind';
// CAP_SYS_RESOURCE is capability 24 (linux/capability.h).
const CAP_SYS_RESOURCE = 24n;

/** How kind is run: the machine's kind and docker, or the project's offline toolchain. */
export interface KindToolchain {
  readonly offline: boolean;
  /** Why this toolchain was chosen, for the run's log line. */
  readonly reason: string;
  /** The kind binary. */
  readonly kind: string;
  /** Environment for kind and docker commands (DOCKER_HOST, the network kind must use, PATH). */
  readonly env: Record<string, string>;
  /** Node image for every node, when the toolchain has its own. */
  readonly nodeImage?: string;
  /** A Multus image the nodes already hold (offline: the testbed's build). */
  readonly multusImage?: string;
  /** The whereabouts image the nodes already hold (offline: the testbed's build). */
  readonly whereaboutsImage?: string;
  /** The docker daemon the nodes run on, when it is not the user's default. */
  readonly dockerHost?: string;
}

export interface OfflineFacts {
  /** The CapBnd line's hex value from /proc/self/status. */
  capBnd: string | undefined;
  /** Whether scripts/kind/build.sh has built the local node image. */
  nodeImageBuilt: boolean;
}

/**
 * Offline or stock kind. The setting wins; otherwise only local facts count:
 * a bounding set without CAP_SYS_RESOURCE (a stock dockerd cannot start
 * privileged node containers here) or a node image built by the project.
 * No registry or other outside address is ever asked.
 */
export function chooseOffline(setting: boolean | undefined, facts: OfflineFacts): { offline: boolean; reason: string } {
  if (setting !== undefined) return { offline: setting, reason: `kind.offline: ${setting}` };
  if (facts.capBnd !== undefined && /^[0-9a-f]+$/i.test(facts.capBnd) && ((BigInt(`0x${facts.capBnd}`) >> CAP_SYS_RESOURCE) & 1n) === 0n) {
    return { offline: true, reason: 'CAP_SYS_RESOURCE is missing from the bounding set (privileged containers need the capability filter)' };
  }
  if (facts.nodeImageBuilt) return { offline: true, reason: 'the locally built node image is present (scripts/kind/build.sh)' };
  return { offline: false, reason: 'stock kind and docker (no local reason for the offline toolchain)' };
}

/** The cache the kind scripts build into (scripts/kind/lib.sh: MC_KIND_CACHE, else MC_CACHE_DIR/kind). */
export function kindCacheDir(): string {
  return process.env['MC_KIND_CACHE'] ?? join(process.env['MC_CACHE_DIR'] ?? '/var/cache/multus-conformance', 'kind');
}

export function localOfflineFacts(): OfflineFacts {
  let capBnd: string | undefined;
  try {
    capBnd = /^CapBnd:\s*([0-9a-f]+)$/im.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  } catch {
    capBnd = undefined;
  }
  return { capBnd, nodeImageBuilt: existsSync(join(kindCacheDir(), 'node-image.ref')) };
}

/** KEY=VALUE lines (scripts/kind/host.sh up) into an object; other lines are ignored. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The env kind and docker run with: the network kind must use, and for the offline toolchain its daemon and tools. */
export function kindEnv(opts: { dockerHost?: string; pathPrefix?: string; basePath?: string }): Record<string, string> {
  const env: Record<string, string> = { KIND_EXPERIMENTAL_DOCKER_NETWORK: KIND_NETWORK };
  if (opts.dockerHost) env['DOCKER_HOST'] = opts.dockerHost;
  if (opts.pathPrefix) env['PATH'] = [opts.pathPrefix, opts.basePath ?? process.env['PATH'] ?? ''].filter((p) => p !== '').join(':');
  return env;
}

/**
 * Brings the offline toolchain up (scripts/kind/host.sh: a warm build is a
 * no-op, the private dockerd, the kind network with its guard) and returns
 * how to use it. Progress of a cold build is shown on stderr.
 */
export async function offlineToolchain(
  settings: Pick<RunSettings, 'kind'>,
  network: { subnet: string; gateway: string } | undefined,
  reason: string,
): Promise<KindToolchain> {
  if (process.getuid?.() !== 0) {
    throw new UsageError('provider kind (offline toolchain) needs root (private dockerd, iptables guard): rerun with sudo, or set kind.offline: false');
  }
  // Without a network: only where things are (`host.sh env`), for teardown.
  const args = network ? ['up', network.subnet, network.gateway] : ['env'];
  const r = await execa('bash', [join(KIND_SCRIPTS_DIR, 'host.sh'), ...args], {
    stdin: 'ignore',
    stderr: ['inherit', 'pipe'],
    reject: false,
  });
  if (r.exitCode !== 0) {
    const line = String(r.stderr).split('\n').reverse().find((l) => l.startsWith('kind toolchain: '));
    if (r.exitCode === 2 && line) throw new UsageError(line);
    throw new ClusterAccessError(line ?? `scripts/kind/host.sh ${args[0]} failed with exit code ${r.exitCode}`);
  }
  const kv = parseKeyValues(r.stdout);
  const need = (k: string): string => {
    const v = kv[k];
    if (!v) throw new ClusterAccessError(`scripts/kind/host.sh ${args[0]} printed no ${k}`);
    return v;
  };
  const dockerHost = need('DOCKER_HOST');
  return {
    offline: true,
    reason,
    kind: need('KIND'),
    env: kindEnv({ dockerHost, pathPrefix: need('PATH_PREFIX') }),
    nodeImage: settings.kind.nodeImage ?? need('NODE_IMAGE'),
    multusImage: need('MULTUS_IMAGE'),
    ...(kv['WHEREABOUTS_IMAGE'] ? { whereaboutsImage: kv['WHEREABOUTS_IMAGE'] } : {}),
    dockerHost,
  };
}

/** Stock kind: `kind` and `docker` from PATH, the user's docker daemon. */
export function stockToolchain(reason: string): KindToolchain {
  return { offline: false, reason, kind: 'kind', env: kindEnv({}) };
}

/** Stops what host.sh up started, once no container is left on the private dockerd. */
export async function offlineHostDown(): Promise<void> {
  const r = await execa('bash', [join(KIND_SCRIPTS_DIR, 'host.sh'), 'down'], { stdin: 'ignore', stderr: ['inherit', 'pipe'], reject: false });
  if (r.exitCode !== 0) throw new ClusterAccessError(`scripts/kind/host.sh down failed with exit code ${r.exitCode}`);
}

/** Arguments that create the suite's kind network on a stock docker (masquerading on: nodes pull images). */
export function stockNetworkCreateArgs(subnet: string, gateway: string): string[] {
  return ['network', 'create', '--driver', 'bridge', '--subnet', subnet, '--gateway', gateway, '--ip-range', dockerIpRange(subnet), '--label', 'io.multus-conformance.owned=true', KIND_NETWORK];
}

/**
 * Docker hands node and peer addresses out of the subnet's first /24 only,
 * so the profile's NAD ranges and peer address (above it) never collide.
 */
export function dockerIpRange(subnet: string): string {
  const [a, b, c] = subnet.split('/')[0]!.split('.');
  return `${a}.${b}.${c}.0/24`;
}
