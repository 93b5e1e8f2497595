import type { MultusPodRecord } from '../multus/pods.ts';
import type { ProbeResult } from './probe-output.ts';

export interface NodeCapabilities {
  name: string;
  ready: boolean;
  /** Matched by network.nodeSelector (every node when none is set). */
  selected: boolean;
  /** Probe pod output; absent when the probe could not run (see probeError) or was not run (`list`). */
  probe?: ProbeResult;
  /** Why the probe failed: names the node, the probe pod or the command. */
  probeError?: string;
  /** Allocatable extended resources that look like SR-IOV VFs, with their counts. */
  sriovResources: Record<string, string>;
}

export interface MultusInfo {
  /** `namespace/name` of the Multus DaemonSet, when one was found (or chosen with multus.daemonSet). */
  daemonSet?: string;
  /** Its UID: the Multus restart deletes only pods this UID controls. */
  uid?: string;
  /** Why it was taken for Multus: what its containers run (helpers/multus/signatures.ts). */
  signatures?: string[];
  /** Every DaemonSet that runs Multus (`namespace/name`), when there are several. */
  candidates?: string[];
  /** Several DaemonSets run Multus and none was chosen: the one-line reason. */
  problem?: string;
  desired: number;
  ready: number;
  flavor: 'thin' | 'thick' | 'unknown';
  /** Image of the Multus container, for the report. */
  image?: string;
  crdServed: boolean;
  installedBySuite: boolean;
  /** TKG: the PackageInstall API is served (packaging.carvel.dev). */
  carvelPackaging: boolean;
  /** whereabouts' records (IPPool, reservations) are served: whereabouts.cni.cncf.io/v1alpha1. */
  whereaboutsApi?: boolean;
  /** The MultiNetworkPolicy API is served (multi-networkpolicies in k8s.cni.cncf.io/v1beta1). */
  multiNetworkPolicy?: boolean;
  /** Its pods when the run started, with their restart counts (the run record; a later `--baseline`). */
  pods?: MultusPodRecord[];
}
