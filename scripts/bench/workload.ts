import type * as k8s from '@kubernetes/client-node';
import { computeIpamPoolsFromJson } from '../../helpers/nad/ipam-range.ts';
import { parseIp, parseIpMaybeCidr } from '../../helpers/parse/ip-address.ts';
import { expectedInterfaceNames, NETWORKS_ANNOTATION, parseNetworkSelection } from '../../helpers/parse/network-selection.ts';

/**
 * What a kept (`--keep`) suite run left Ready, as plain data: the workload
 * the bench's baselines replay (the floor all at once, the serial script one
 * pod after another). Pure: reading the cluster is in capture.ts.
 */

export interface WorkloadNamespace {
  /** The suite's namespace name. */
  name: string;
  /** Its scenario label (helpers/k8s/labels.ts SCENARIO_LABEL): the scenario slug. */
  scenario: string;
}

export interface WorkloadNad {
  namespace: string;
  name: string;
  config: string;
}

export interface WorkloadPod {
  namespace: string;
  name: string;
  /** The k8s.v1.cni.cncf.io/networks annotation, when it has one. */
  networks?: string;
  /** The spec to create it with again: no status fields, nodeName only when the suite bound the pod itself. */
  spec: k8s.V1PodSpec;
}

export interface Workload {
  namespaces: WorkloadNamespace[];
  nads: WorkloadNad[];
  pods: WorkloadPod[];
}

function isReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Whether whoever created the pod set spec.nodeName (the suite pins pods of
 * per-node and same-node scenarios), as opposed to the scheduler binding it:
 * the creating manager's managed fields include f:nodeName only then.
 */
export function pinnedByCreator(pod: k8s.V1Pod): boolean {
  return (pod.metadata?.managedFields ?? []).some((m) => {
    if (m.subresource || m.manager === 'kube-scheduler') return false;
    const spec = (m.fieldsV1 as Record<string, Record<string, unknown>> | undefined)?.['f:spec'];
    return spec !== undefined && 'f:nodeName' in spec;
  });
}

/** A kept pod as the baselines create it again; undefined when it was not Ready (negative scenarios' pods). */
export function workloadPod(pod: k8s.V1Pod): WorkloadPod | undefined {
  if (!isReady(pod) || !pod.spec || !pod.metadata?.name || !pod.metadata.namespace) return undefined;
  const spec: k8s.V1PodSpec = structuredClone(pod.spec);
  // Scheduled afresh, as the suite's own pods were, unless the suite bound it to its node.
  if (!pinnedByCreator(pod)) delete spec.nodeName;
  const networks = pod.metadata.annotations?.[NETWORKS_ANNOTATION];
  return { namespace: pod.metadata.namespace, name: pod.metadata.name, ...(networks === undefined ? {} : { networks }), spec };
}

/**
 * The catalog id a scenario slug belongs to: the longest id (with `/` as
 * `-`) the slug starts with, so `in-pod-macvlan-mtu` is in-pod/macvlan-mtu
 * and `in-pod-macvlan-mc-node` is in-pod/macvlan.
 */
export function scenarioOfSlug(slug: string, ids: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const id of ids) {
    const prefix = id.replace('/', '-');
    if ((slug === prefix || slug.startsWith(`${prefix}-`)) && (best === undefined || prefix.length > best.replace('/', '-').length)) best = id;
  }
  return best;
}

/** The part of a workload that belongs to the scenarios `keep` accepts. */
export function forScenarios(w: Workload, ids: readonly string[], keep: (id: string) => boolean): Workload {
  const names = new Set(w.namespaces.filter((n) => {
    const id = scenarioOfSlug(n.scenario, ids);
    return id !== undefined && keep(id);
  }).map((n) => n.name));
  return {
    namespaces: w.namespaces.filter((n) => names.has(n.name)),
    nads: w.nads.filter((n) => names.has(n.namespace)),
    pods: w.pods.filter((p) => names.has(p.namespace)),
  };
}

/**
 * The same workload in other namespaces: namespace names mapped, and every
 * reference to one in a networks annotation (`ns/name`, JSON `"namespace"`)
 * rewritten. Suite namespace names are long and unique (`mc-<run>-<slug>`),
 * so a textual match cannot hit anything else.
 */
export function renamed(w: Workload, rename: (ns: string) => string): Workload {
  const rewrite = (value: string): string =>
    w.namespaces.reduce((v, n) => v.replaceAll(`${n.name}/`, `${rename(n.name)}/`).replaceAll(`"${n.name}"`, `"${rename(n.name)}"`), value);
  return {
    namespaces: w.namespaces.map((n) => ({ ...n, name: rename(n.name) })),
    nads: w.nads.map((n) => ({ ...n, namespace: rename(n.namespace) })),
    pods: w.pods.map((p) => ({ ...p, namespace: rename(p.namespace), ...(p.networks === undefined ? {} : { networks: rewrite(p.networks) }) })),
  };
}

/** One secondary interface the serial script checks: operstate UP and an IPv4 address in start..end. */
export interface InterfaceCheck {
  iface: string;
  start: string;
  end: string;
}

/**
 * What the serial baseline checks in a pod, from its selection annotation
 * and the NADs: each attachment's interface name (requested, or net1, net2…
 * in order) and the IPv4 range it must be in: the NAD's IPAM range, or the
 * address the pod asked for (static IPAM, JSON `ips`).
 */
export function interfaceChecks(pod: WorkloadPod, nads: readonly WorkloadNad[]): InterfaceCheck[] {
  if (pod.networks === undefined) return [];
  const selections = parseNetworkSelection(pod.networks);
  const names = expectedInterfaceNames(selections);
  return selections.map((s, i) => {
    const iface = names[i]!;
    const requested = s.ips?.map((ip) => parseIpMaybeCidr(ip)).find((ip) => ip?.family === 4);
    if (requested) return { iface, start: requested.text, end: requested.text };
    const namespace = s.namespace ?? pod.namespace;
    const nad = nads.find((n) => n.namespace === namespace && n.name === s.name);
    if (!nad) throw new Error(`pod ${pod.namespace}/${pod.name}: NAD ${namespace}/${s.name} is not in the workload`);
    const pool = computeIpamPoolsFromJson(nad.config).find((p) => parseIp(p.start)?.family === 4);
    if (!pool) throw new Error(`pod ${pod.namespace}/${pod.name}: NAD ${namespace}/${s.name} has no IPv4 range and the pod asked for no address`);
    return { iface, start: pool.start, end: pool.end };
  });
}
