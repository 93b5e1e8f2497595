import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ExecaError } from 'execa';
import YAML from 'yaml';
import type { RunSettings } from '../config/settings.ts';
import { ClusterAccessError, UsageError } from '../errors.ts';
import type { ClusterHandle, Provider } from './types.ts';

const INSTALL_KIND = 'install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)';
// Worker nodes need time to join before scenarios can spread pods across them.
const CREATE_WAIT = '300s';

export interface KindProvider extends Provider {
  /** Puts locally built or pre-pulled images on every node (`kind load docker-image`). */
  loadImages(settings: RunSettings, images: readonly string[]): Promise<void>;
}

/** The kind config for the run: one control plane plus workers up to `kind.nodes`. */
export function kindClusterConfig(settings: Pick<RunSettings, 'kind'>): string {
  const { nodes, nodeImage } = settings.kind;
  const node = (role: 'control-plane' | 'worker'): Record<string, string> => (nodeImage ? { role, image: nodeImage } : { role });
  const config = {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    nodes: [node('control-plane'), ...Array.from({ length: nodes - 1 }, () => node('worker'))],
  };
  return YAML.stringify(config);
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

export const kindProvider: KindProvider = {
  name: 'kind',

  async ensureCluster(settings: RunSettings): Promise<ClusterHandle> {
    await preflight();
    const name = settings.kind.clusterName;
    const kubeconfig = kindKubeconfigPath(settings);
    if ((await existingClusters()).includes(name)) {
      await kind(['export', 'kubeconfig', '--name', name, '--kubeconfig', kubeconfig], `export kubeconfig of cluster ${name}`);
      return { kubeconfig, context: kindContext(name), created: false };
    }
    const dir = mkdtempSync(join(tmpdir(), 'mc-kind-'));
    try {
      const configFile = join(dir, 'kind-config.yaml');
      writeFileSync(configFile, kindClusterConfig(settings));
      await kind(
        ['create', 'cluster', '--name', name, '--config', configFile, '--kubeconfig', kubeconfig, '--wait', CREATE_WAIT],
        `create cluster ${name}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { kubeconfig, context: kindContext(name), created: true };
  },

  async teardown(settings: RunSettings): Promise<void> {
    await preflight();
    const name = settings.kind.clusterName;
    if (!(await existingClusters()).includes(name)) return;
    await kind(['delete', 'cluster', '--name', name, '--kubeconfig', kindKubeconfigPath(settings)], `delete cluster ${name}`);
  },

  async loadImages(settings: RunSettings, images: readonly string[]): Promise<void> {
    if (images.length === 0) return;
    const name = settings.kind.clusterName;
    await kind(['load', 'docker-image', '--name', name, ...images], `load images into cluster ${name}`);
  },
};

async function existingClusters(): Promise<string[]> {
  const out = await kind(['get', 'clusters'], 'list clusters');
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('No kind clusters'));
}

/** kind needs its own binary and a container runtime (docker, or podman/nerdctl when kind is told so). */
async function preflight(): Promise<void> {
  try {
    await execa('kind', ['version']);
  } catch (e) {
    if (isMissingBinary(e)) throw new UsageError(`provider kind: the kind CLI is not on PATH: ${INSTALL_KIND}`);
    throw new UsageError(`provider kind: \`kind version\` failed: ${lastLine(e)}`);
  }
  const runtime = process.env['KIND_EXPERIMENTAL_PROVIDER'] ?? 'docker';
  try {
    await execa(runtime, ['info']);
  } catch (e) {
    if (isMissingBinary(e)) throw new UsageError(`provider kind: ${runtime} is not on PATH: install Docker (https://docs.docker.com/engine/install/)`);
    throw new UsageError(`provider kind: ${runtime} is not usable (\`${runtime} info\`: ${lastLine(e)}): start it or add your user to its group`);
  }
}

async function kind(args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await execa('kind', args, { all: true });
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
  const text = (typeof err.all === 'string' && err.all.trim() !== '' ? err.all : err.shortMessage ?? String(e)).trim();
  return text.split('\n').at(-1) ?? text;
}
