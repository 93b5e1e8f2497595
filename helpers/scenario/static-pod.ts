import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { renderPodFixture } from '../fixtures/render.ts';
import { runLabels } from '../k8s/labels.ts';
import { NETWORKS_ANNOTATION } from '../parse/network-selection.ts';
import { parseIpMaybeCidr } from '../parse/ip-address.ts';

/** The kubelet config up.sh writes, and the manifest directory it names (undefined: the kubelet reads no manifests). */
export function kubeletStaticPodPath(stateDir: string): { configFile: string; dir?: string } {
  const configFile = join(stateDir, 'config', 'kubelet.yaml');
  if (!existsSync(configFile)) return { configFile };
  const config = parse(readFileSync(configFile, 'utf8')) as { staticPodPath?: unknown } | null;
  const dir = config?.staticPodPath;
  return typeof dir === 'string' && dir !== '' ? { configFile, dir } : { configFile };
}

/**
 * The static pod: the suite's test pod in the scenario's namespace (which
 * must exist, with the NAD in it: a static pod refers to API objects only
 * through its annotations, and Multus reads those from the mirror pod), with
 * the run's labels so `cleanup` knows its mirror.
 */
export function staticPodManifest(opts: { name: string; namespace: string; runId: string; image: string; networks: string }): string {
  const pod = renderPodFixture<k8s.V1Pod>('test-pod', { name: opts.name, image: opts.image });
  pod.apiVersion = 'v1';
  pod.kind = 'Pod';
  pod.metadata = { ...pod.metadata, namespace: opts.namespace, labels: runLabels(opts.runId), annotations: { [NETWORKS_ANNOTATION]: opts.networks } };
  return stringify(pod);
}

/** How the kubelet names the API mirror of a static pod. */
export function mirrorPodName(name: string, node: string): string {
  return `${name}-${node}`;
}

/** host-local's lease for an address: `<dataDir>/<network name>/<ip>` (its default dataDir). */
export function hostLocalLease(network: string, ip: string, dataDir = '/var/lib/cni/networks'): string {
  return join(dataDir, network, parseIpMaybeCidr(ip)?.text ?? ip);
}
