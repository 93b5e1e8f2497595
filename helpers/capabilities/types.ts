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
  /** `namespace/name` of the Multus DaemonSet, when one was found. */
  daemonSet?: string;
  desired: number;
  ready: number;
  flavor: 'thin' | 'thick' | 'unknown';
  /** Image of the Multus container, for the report. */
  image?: string;
  crdServed: boolean;
  installedBySuite: boolean;
  /** TKG: the PackageInstall API is served (packaging.carvel.dev). */
  carvelPackaging: boolean;
}
