import * as k8s from '@kubernetes/client-node';
import type { MultusInfo } from '../capabilities/types.ts';
import { UsageError } from '../errors.ts';
import { recognise, type Recognised } from './signatures.ts';

export const NAD_GROUP = 'k8s.cni.cncf.io';
export const CARVEL_PACKAGING_GROUP = 'packaging.carvel.dev';
export const WHEREABOUTS_GROUP = 'whereabouts.cni.cncf.io';
/** The MultiNetworkPolicy API: same group as the NAD, its own version. */
export const MNP_VERSION = 'v1beta1';
export const MNP_PLURAL = 'multi-networkpolicies';
export const MNP_RESOURCE = `${MNP_PLURAL}.${NAD_GROUP}/${MNP_VERSION}`;

/** API groups and their served versions. */
export async function servedGroups(kc: k8s.KubeConfig): Promise<Map<string, string[]>> {
  const apis = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
  return new Map(apis.groups.map((g) => [g.name, g.versions.map((v) => v.version)]));
}

export interface MultusChoice {
  /** The DaemonSet that runs Multus, when exactly one was found or one was chosen. */
  daemonSet?: k8s.V1DaemonSet;
  recognised?: Recognised;
  /** Every DaemonSet that runs Multus, as `namespace/name`. */
  candidates: string[];
  /** Why none was chosen although some exist (several and no choice). */
  problem?: string;
}

const idOf = (d: k8s.V1DaemonSet): string => `${d.metadata?.namespace ?? ''}/${d.metadata?.name ?? ''}`;

/**
 * Picks the Multus DaemonSet from all DaemonSets of the cluster, by what it
 * runs (see signatures.ts), never by its name: clusters run other DaemonSets
 * named like Multus (multus-dynamic-networks-controller,
 * multus-additional-cni-plugins). `choice` (`namespace/name`, the setting
 * multus.daemonSet) picks one when several run Multus, and may name one whose
 * image no signature knows. A choice that names no DaemonSet is a usage error.
 */
export function chooseMultus(daemonSets: readonly k8s.V1DaemonSet[], choice?: string): MultusChoice {
  const found = daemonSets.map((d) => ({ d, r: recognise(d) })).filter((x) => x.r.signatures.length > 0);
  const candidates = found.map((x) => idOf(x.d));
  if (choice !== undefined) {
    const chosen = daemonSets.find((d) => idOf(d) === choice);
    if (!chosen) {
      throw new UsageError(
        `--multus-daemonset (multus.daemonSet) ${choice}: no such DaemonSet (DaemonSets that run Multus: ${candidates.length ? candidates.join(', ') : 'none'})`,
      );
    }
    return { daemonSet: chosen, recognised: recognise(chosen), candidates };
  }
  if (found.length === 1) return { daemonSet: found[0]!.d, recognised: found[0]!.r, candidates };
  if (found.length === 0) return { candidates };
  const named = found.map((x) => `${idOf(x.d)} (${x.r.signatures[0]})`).join(', ');
  return {
    candidates,
    problem: `${found.length} DaemonSets run Multus: ${named}; choose one with --multus-daemonset or multus.daemonSet (namespace/name)`,
  };
}

/** The facts a run reports about one DaemonSet chosen as Multus. */
export function multusInfoOf(choice: MultusChoice, groups: Map<string, string[]>, served: { multiNetworkPolicy?: boolean } = {}): MultusInfo {
  const ds = choice.daemonSet;
  const info: MultusInfo = {
    desired: ds?.status?.desiredNumberScheduled ?? 0,
    ready: ds?.status?.numberReady ?? 0,
    flavor: choice.recognised?.flavor ?? 'unknown',
    crdServed: groups.get(NAD_GROUP)?.includes('v1') ?? false,
    installedBySuite: false,
    carvelPackaging: groups.has(CARVEL_PACKAGING_GROUP),
    whereaboutsApi: groups.get(WHEREABOUTS_GROUP)?.includes('v1alpha1') ?? false,
  };
  if (served.multiNetworkPolicy !== undefined) info.multiNetworkPolicy = served.multiNetworkPolicy;
  if (choice.candidates.length > 1) info.candidates = choice.candidates;
  if (choice.problem) info.problem = choice.problem;
  if (ds) {
    info.daemonSet = idOf(ds);
    if (ds.metadata?.uid) info.uid = ds.metadata.uid;
    if (choice.recognised?.image) info.image = choice.recognised.image;
    info.signatures = choice.recognised?.signatures.length ? choice.recognised.signatures : ['chosen by multus.daemonSet; runs no known Multus entrypoint or image'];
  }
  return info;
}

/**
 * Finds the installed Multus among the DaemonSets of every namespace
 * (kube-system upstream, the package namespace on TKG). Reads only.
 */
export async function detectMultus(kc: k8s.KubeConfig, choice?: string): Promise<MultusInfo> {
  const groups = await servedGroups(kc);
  const all = await kc.makeApiClient(k8s.AppsV1Api).listDaemonSetForAllNamespaces();
  return multusInfoOf(chooseMultus(all.items, choice), groups, { multiNetworkPolicy: await mnpServed(kc, groups) });
}

/**
 * Whether the MultiNetworkPolicy resource is served: its group version must
 * be, and list the resource (another CRD could share the version).
 */
export async function mnpServed(kc: k8s.KubeConfig, groups: Map<string, string[]>): Promise<boolean> {
  if (!groups.get(NAD_GROUP)?.includes(MNP_VERSION)) return false;
  const list = await kc.makeApiClient(k8s.CustomObjectsApi).getAPIResources({ group: NAD_GROUP, version: MNP_VERSION });
  return list.resources.some((r) => r.name === MNP_PLURAL);
}
