import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseKeyValues, KIND_SCRIPTS_DIR } from '../../helpers/providers/kind-toolchain.ts';
import { cli, failureDigest, type CliResult } from './cli.ts';

/**
 * The kind e2e files share one cluster, created by whichever runs first and
 * reused by name after (kind-teardown deletes it). They run on this machine's
 * offline toolchain (scripts/kind), never on the testbed.
 */
export const E2E_CLUSTER = 'mc-e2e';

/** A config file naming the cluster (kind.* has no flags); one per cluster, rewritten each time. */
export function kindConfig(clusterName: string): string {
  const file = join(tmpdir(), `mc-e2e-kind-${clusterName}.yaml`);
  writeFileSync(file, `kind:\n  clusterName: ${clusterName}\n`);
  return file;
}

/** `run --provider kind` on the named cluster (created when missing). */
export async function kindRun(clusterName: string, args: string[]): Promise<CliResult> {
  return await cli(['run', '--provider', 'kind', '--config', kindConfig(clusterName), ...args], 1_500_000);
}

/** Makes sure the shared cluster exists with Multus, cheaply: one quick scenario. */
export async function ensureE2eCluster(): Promise<void> {
  const r = await kindRun(E2E_CLUSTER, ['--mode', 'quick', '-t', '^health/nad-crd$', '--report-dir', mkdtempSync(join(tmpdir(), 'mc-e2e-kind-up-'))]);
  if (r.exitCode !== 0) throw new Error(`kind cluster ${E2E_CLUSTER} could not be brought up: ${failureDigest(r)}`);
}

export interface KindTools {
  kind: string;
  dockerHost: string;
  env: Record<string, string>;
}

/** The offline toolchain's binaries and daemon (scripts/kind/host.sh env: changes nothing). */
export async function kindTools(): Promise<KindTools> {
  const { stdout } = await execa('bash', [join(KIND_SCRIPTS_DIR, 'host.sh'), 'env']);
  const kv = parseKeyValues(stdout);
  const dockerHost = kv['DOCKER_HOST']!;
  return { kind: kv['KIND']!, dockerHost, env: { DOCKER_HOST: dockerHost, PATH: `${kv['PATH_PREFIX']}:${process.env['PATH'] ?? ''}` } };
}

/** docker against the private dockerd; rejects on failure. */
export async function kindDocker(tools: KindTools, args: string[]): Promise<string> {
  return (await execa('docker', args, { env: tools.env })).stdout;
}

/** Scenario outcomes that differ from the table, one line each. */
/** Node containers of a kind cluster on the private dockerd (full ids); none when the daemon is down. */
export async function clusterContainers(tools: KindTools, clusterName: string): Promise<string[]> {
  if (!(await privateDockerdUp(tools))) return [];
  const out = await kindDocker(tools, ['ps', '-aq', '--no-trunc', '--filter', `label=io.x-k8s.kind.cluster=${clusterName}`]);
  return out.split('\n').filter((l) => l !== '');
}

export async function privateDockerdUp(tools: KindTools): Promise<boolean> {
  return (await execa('docker', ['version'], { env: tools.env, reject: false })).exitCode === 0;
}

/**
 * What a deleted cluster could leave on this machine: its containers, a
 * kubelet or shim of it still running, a mount naming one of its container
 * ids. One line per leftover; empty when clean.
 */
export async function clusterLeftovers(tools: KindTools, clusterName: string, ids: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  if (await privateDockerdUp(tools)) {
    const clusters = (await execa(tools.kind, ['get', 'clusters'], { env: tools.env })).stdout.split('\n');
    if (clusters.includes(clusterName)) found.push(`kind still lists cluster ${clusterName}`);
    for (const id of await clusterContainers(tools, clusterName)) found.push(`container ${id.slice(0, 12)} of ${clusterName}`);
    const dangling = (await kindDocker(tools, ['volume', 'ls', '-q', '--filter', 'dangling=true'])).split('\n').filter((l) => l !== '');
    for (const v of dangling) found.push(`dangling volume ${v.slice(0, 12)}`);
  }
  const ps = (await execa('ps', ['-eo', 'pid,args'])).stdout.split('\n');
  for (const line of ps) {
    if (line.includes(`kind://docker/${clusterName}/`)) found.push(`process of ${clusterName}: ${line.trim().slice(0, 120)}`);
    for (const id of ids) if (line.includes(id)) found.push(`process of container ${id.slice(0, 12)}: ${line.trim().slice(0, 120)}`);
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  for (const id of ids) for (const m of mounts) if (m.includes(id)) found.push(`mount of container ${id.slice(0, 12)}: ${m.split(' ')[4] ?? m}`);
  return found;
}

/** What the private dockerd leaves once stopped: its process, socket, bridge, guard chain, mounts. */
export async function privateDockerdLeftovers(tools: KindTools): Promise<string[]> {
  const found: string[] = [];
  const sock = tools.dockerHost.replace(/^unix:\/\//, '');
  const runDir = sock.replace(/\/[^/]+$/, '');
  for (const line of (await execa('ps', ['-eo', 'pid,args'])).stdout.split('\n')) {
    if (line.includes(runDir)) found.push(`process: ${line.trim().slice(0, 120)}`);
  }
  if (existsSync(sock)) found.push(`socket ${sock}`);
  if (existsSync(runDir)) found.push(`run directory ${runDir}`);
  if ((await execa('ip', ['link', 'show', 'mc-kind0'], { reject: false })).exitCode === 0) found.push('bridge mc-kind0');
  if ((await execa('iptables', ['-w', '-S', 'MC-KIND-GUARD'], { reject: false })).exitCode === 0) found.push('iptables chain MC-KIND-GUARD');
  if (/-j MC-KIND-GUARD/.test((await execa('iptables', ['-w', '-S', 'FORWARD'])).stdout)) found.push('FORWARD jump to MC-KIND-GUARD');
  for (const m of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const target = m.split(' ')[4] ?? '';
    if (target.startsWith(runDir) || target.includes('/multus-conformance/kind/docker')) found.push(`mount ${target}`);
  }
  return found;
}
