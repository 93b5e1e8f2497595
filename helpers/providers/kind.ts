import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa, type ExecaError } from 'execa';
import YAML from 'yaml';
import type { RunSettings } from '../config/settings.ts';
import { ClusterAccessError, UsageError } from '../errors.ts';
import { loadKubeConfig } from '../k8s/client.ts';
import { waitFor, WaitTimeout } from '../k8s/wait.ts';
import { loadProfile } from '../fixtures/profile.ts';
import { loadTestImageIntoKind } from './kind-images.ts';
import { createdBySuite, prepareKindNodes } from './kind-nodes.ts';
import {
  chooseOffline,
  KIND_NETWORK,
  localOfflineFacts,
  offlineHostDown,
  offlineToolchain,
  stockNetworkCreateArgs,
  stockToolchain,
  type KindToolchain,
} from './kind-toolchain.ts';
import type { ClusterHandle, Provider } from './types.ts';

const INSTALL_KIND = 'install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)';
// Nodes join, get the primary network and turn Ready within this.
const NODES_READY_MS = 300_000;
// An existing cluster's API server answers within this, or the cluster is broken.
const API_ANSWER_MS = 60_000;

export interface KindProvider extends Provider {
  /** Puts locally built or pre-pulled images on every node (`kind load docker-image`). */
  loadImages(settings: RunSettings, images: readonly string[]): Promise<void>;
}

/**
 * The kind config for the run: one control plane plus workers up to
 * `kind.nodes`, without kindnet (the suite installs its own primary network,
 * see kind-nodes.ts), every node on `image` when one is given.
 */
export function kindClusterConfig(settings: Pick<RunSettings, 'kind'>, image?: string): string {
  const { nodes } = settings.kind;
  const nodeImage = settings.kind.nodeImage ?? image;
  const node = (role: 'control-plane' | 'worker'): Record<string, string> => (nodeImage ? { role, image: nodeImage } : { role });
  const config = {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    networking: { disableDefaultCNI: true },
    nodes: [node('control-plane'), ...Array.from({ length: nodes - 1 }, () => node('worker'))],
  };
  return YAML.stringify(config);
}

/** `kind create cluster` for the run; readiness is waited for by the suite (no CNI until it installs one). */
export function kindCreateArgs(name: string, configFile: string, kubeconfig: string): string[] {
  return ['create', 'cluster', '--name', name, '--config', configFile, '--kubeconfig', kubeconfig];
}

/** Where the run keeps the kubeconfig of a kind cluster (the flag wins). */
export function kindKubeconfigPath(settings: Pick<RunSettings, 'kind' | 'kubeconfig'>): string {
  if (settings.kubeconfig) return settings.kubeconfig;
  const dir = join(tmpdir(), 'multus-conformance');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, `kind-${settings.kind.clusterName}.kubeconfig`);
}

export function kindContext(clusterName: string): string {
  return `kind-${clusterName}`;
}

/**
 * Offline (this project's toolchain) or stock kind, decided locally. With
 * bringUp, the offline toolchain is built and started (warm: seconds);
 * without, only located (teardown must not start what it is about to stop).
 */
export async function resolveToolchain(settings: RunSettings, bringUp = true): Promise<KindToolchain> {
  const { offline, reason } = chooseOffline(settings.kind.offline, localOfflineFacts());
  if (!offline) return stockToolchain(reason);
  const profile = loadProfile(settings);
  return await offlineToolchain(settings, bringUp ? { subnet: profile.subnet, gateway: profile.gateway } : undefined, reason);
}

export const kindProvider: KindProvider = {
  name: 'kind',

  async ensureCluster(settings: RunSettings): Promise<ClusterHandle> {
    const tc = await resolveToolchain(settings);
    process.stderr.write(`multus-conformance: kind ${tc.offline ? 'offline toolchain' : 'stock'}: ${tc.reason}\n`);
    await preflight(tc);
    const name = settings.kind.clusterName;
    const kubeconfig = kindKubeconfigPath(settings);
    const common = { kubeconfig, context: kindContext(name), ...(tc.dockerHost ? { dockerHost: tc.dockerHost } : {}), ...(tc.multusImage ? { multusImage: tc.multusImage } : {}), ...(tc.whereaboutsImage ? { whereaboutsImage: tc.whereaboutsImage } : {}) };
    if ((await existingClusters(tc)).includes(name)) {
      await kind(tc, ['export', 'kubeconfig', '--name', name, '--kubeconfig', kubeconfig], `export kubeconfig of cluster ${name}`);
      // A cluster an earlier run created is the suite's: its nodes are set up
      // again (idempotent; routes are lost when a node restarts). Any other
      // cluster of that name is used as found.
      const ours = await createdBySuite(tc, name);
      const silent = await apiSilence(kubeconfig, kindContext(name));
      if (silent === undefined) {
        if (ours) await prepare(tc, settings, kubeconfig);
        return { ...common, created: ours };
      }
      // A multi-node kind cluster does not come back from a restart of its
      // docker daemon (the nodes return with new addresses the control plane
      // does not know): its API server never answers again. One the suite
      // created is replaced; anyone else's is left to its owner.
      if (!ours) {
        throw new ClusterAccessError(`kind cluster ${name} exists but its API server does not answer (${silent}); it was not created by the suite: delete it (kind delete cluster --name ${name}) or pick another kind.clusterName`);
      }
      process.stderr.write(`multus-conformance: kind cluster ${name} (created by the suite) does not answer (${silent}): deleting it and creating it again\n`);
      await kind(tc, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], `delete cluster ${name}`);
    }
    if (!tc.offline) await ensureStockNetwork(tc, settings);
    const dir = mkdtempSync(join(tmpdir(), 'mc-kind-'));
    try {
      const configFile = join(dir, 'kind-config.yaml');
      writeFileSync(configFile, kindClusterConfig(settings, tc.nodeImage));
      await kind(tc, kindCreateArgs(name, configFile, kubeconfig), `create cluster ${name}`, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await prepare(tc, settings, kubeconfig);
    return { ...common, created: true };
  },

  async teardown(settings: RunSettings): Promise<void> {
    const tc = await resolveToolchain(settings, false);
    const name = settings.kind.clusterName;
    // A stopped private dockerd holds no cluster: only its leftovers go.
    if (!tc.offline || (await dockerAnswers(tc))) {
      await preflight(tc);
      if ((await existingClusters(tc)).includes(name)) {
        await kind(tc, ['delete', 'cluster', '--name', name, '--kubeconfig', kindKubeconfigPath(settings)], `delete cluster ${name}`);
      }
    }
    // The private dockerd, its network and guard go when no cluster is left on them.
    if (tc.offline) await offlineHostDown();
  },

  async loadImages(settings: RunSettings, images: readonly string[]): Promise<void> {
    if (images.length === 0) return;
    const tc = await resolveToolchain(settings);
    const name = settings.kind.clusterName;
    await kind(tc, ['load', 'docker-image', '--name', name, ...images], `load images into cluster ${name}`);
  },
};

async function prepare(tc: KindToolchain, settings: RunSettings, kubeconfig: string): Promise<void> {
  const kc = loadKubeConfig({ kubeconfig, context: kindContext(settings.kind.clusterName) });
  await prepareKindNodes(kc, tc, settings.kind.clusterName, { copyHostPlugins: !tc.offline, timeoutMs: NODES_READY_MS });
  // The offline node image holds the test image already; stock nodes get it loaded.
  if (!tc.offline) {
    const name = settings.kind.clusterName;
    await loadTestImageIntoKind(settings, loadProfile(settings).testImage, tc.env, async (images) => {
      await kind(tc, ['load', 'docker-image', '--name', name, ...images], `load images into cluster ${name}`);
    });
  }
}

/** The suite's network on the user's docker, with the profile's subnet (kind would pick its own). */
async function ensureStockNetwork(tc: KindToolchain, settings: RunSettings): Promise<void> {
  const profile = loadProfile(settings);
  const exists = await execa('docker', ['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', KIND_NETWORK], { env: tc.env, reject: false });
  if (exists.exitCode === 0) {
    // The profile's NAD ranges and peer address must be on this network.
    if (!exists.stdout.trim().split(' ').includes(profile.subnet)) {
      throw new UsageError(`docker network ${KIND_NETWORK} has subnet ${exists.stdout.trim() || 'none'}, not the profile's ${profile.subnet}: remove it or set network.subnet`);
    }
    return;
  }
  try {
    await execa('docker', stockNetworkCreateArgs(profile.subnet, profile.gateway), { env: tc.env });
  } catch (e) {
    throw new ClusterAccessError(`docker network create ${KIND_NETWORK} (${profile.subnet}): ${lastLine(e)}`);
  }
}

/**
 * Why the cluster's API server is not usable, or undefined once it answers
 * /version. A restarted control plane takes a few seconds; a broken one
 * never answers, so this gives up after API_ANSWER_MS.
 */
async function apiSilence(kubeconfig: string, context: string): Promise<string | undefined> {
  const version = loadKubeConfig({ kubeconfig, context }).makeApiClient(k8s.VersionApi);
  try {
    await waitFor(
      `API server of ${context}`,
      async () => {
        try {
          await version.getCode();
        } catch (e) {
          // An HTTP error is an answer: the server is there (authorization is not this check's business).
          if (!(e instanceof k8s.ApiException)) throw e;
        }
        return { done: true, value: undefined, state: 'answered' };
      },
      { timeoutMs: API_ANSWER_MS },
    );
    return undefined;
  } catch (e) {
    if (e instanceof WaitTimeout) return e.message.split('\n')[0];
    throw e;
  }
}

async function dockerAnswers(tc: KindToolchain): Promise<boolean> {
  return (await execa('docker', ['version'], { env: tc.env, reject: false })).exitCode === 0;
}

async function existingClusters(tc: KindToolchain): Promise<string[]> {
  const out = await kind(tc, ['get', 'clusters'], 'list clusters');
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('No kind clusters'));
}

/** kind needs its own binary and a container runtime (docker, or podman/nerdctl when kind is told so). */
async function preflight(tc: KindToolchain): Promise<void> {
  try {
    await execa(tc.kind, ['version'], { env: tc.env });
  } catch (e) {
    if (isMissingBinary(e)) throw new UsageError(`provider kind: the kind CLI is not on PATH: ${INSTALL_KIND}`);
    throw new UsageError(`provider kind: \`kind version\` failed: ${lastLine(e)}`);
  }
  const runtime = process.env['KIND_EXPERIMENTAL_PROVIDER'] ?? 'docker';
  try {
    await execa(runtime, ['info'], { env: tc.env });
  } catch (e) {
    if (isMissingBinary(e)) throw new UsageError(`provider kind: ${runtime} is not on PATH: install Docker (https://docs.docker.com/engine/install/)`);
    throw new UsageError(`provider kind: ${runtime} is not usable (\`${runtime} info\`: ${lastLine(e)}): start it or add your user to its group`);
  }
}

async function kind(tc: KindToolchain, args: string[], what: string, showProgress = false): Promise<string> {
  try {
    // kind's own progress (node creation, kubeadm) goes to stderr: shown live for long steps.
    const { stdout } = await execa(tc.kind, args, { env: tc.env, all: true, ...(showProgress ? { stderr: ['inherit', 'pipe'] as const } : {}) });
    return stdout;
  } catch (e) {
    if (isMissingBinary(e)) throw new UsageError(`provider kind: the kind CLI is not on PATH: ${INSTALL_KIND}`);
    throw new ClusterAccessError(`kind: ${what}: ${lastLine(e)}`);
  }
}

function isMissingBinary(e: unknown): boolean {
  return (e as ExecaError).code === 'ENOENT';
}

function lastLine(e: unknown): string {
  const err = e as Partial<ExecaError>;
  const text = [err.all, err.stderr, err.shortMessage].find((t): t is string => typeof t === 'string' && t.trim() !== '') ?? String(e);
  return text.trim().split('\n').at(-1) ?? text;
}
