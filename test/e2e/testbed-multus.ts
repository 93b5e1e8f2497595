import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/**
 * The embedded testbed's Multus as scripts/testbed/up.sh applies it, for the
 * e2e files that change it and must put it back exactly (confined-writes,
 * health-sabotage), and the testbed's own tools (its kubectl, its crictl).
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = process.env['MC_CACHE_DIR'] ?? '/var/cache/multus-conformance';
const STATE_DIR = process.env['MC_STATE_DIR'] ?? '/var/lib/multus-conformance';

export const MULTUS_NS = 'kube-system';
export const MULTUS_DS = 'kube-multus-ds';

function version(key: string): string {
  const versions = readFileSync(`${REPO}scripts/testbed/versions.env`, 'utf8');
  const v = new RegExp(`^${key}=(\\S+)`, 'm').exec(versions)?.[1];
  if (!v) throw new Error(`scripts/testbed/versions.env names no ${key}`);
  return v;
}

export const testbedImage = (key: 'MULTUS_IMAGE' | 'TESTPOD_IMAGE'): string => version(key);

/** What scripts/testbed/up.sh (wait_ready) applies: the thin manifest with the testbed's image and kubelet root. */
export function upShManifest(): string {
  return readFileSync(`${REPO}fixtures/multus/multus-thin.yaml`, 'utf8')
    .replaceAll('__MULTUS_IMAGE__', version('MULTUS_IMAGE'))
    .replaceAll('__KUBELET_ROOT__', `${STATE_DIR}/kubelet`);
}

/** The testbed's own kubectl (the one up.sh uses), so the restore is byte for byte up.sh's apply. */
export function testbedKubectl(): string {
  return `${CACHE_DIR}/bin/kubernetes-${version('K8S_VERSION')}/kubectl`;
}

/** up.sh's apply of the thin Multus manifest, and its wait for the rollout. */
export async function applyUpShMultus(kubeconfig: string): Promise<void> {
  await execa(testbedKubectl(), ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { input: upShManifest() });
  await execa(testbedKubectl(), ['--kubeconfig', kubeconfig, '-n', MULTUS_NS, 'rollout', 'status', `ds/${MULTUS_DS}`, '--timeout', '180s']);
}

/** crictl against the testbed's containerd (scripts/testbed/lib.sh: CONTAINERD_SOCK). */
export async function testbedCrictl(args: string[]): Promise<string> {
  const bin = `${CACHE_DIR}/bin/cri-tools-${version('CRITOOLS_VERSION')}/crictl`;
  const r = await execa(bin, ['--runtime-endpoint', `unix://${STATE_DIR}/run/containerd.sock`, ...args]);
  return r.stdout;
}
