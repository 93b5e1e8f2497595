import type { ProbeResult } from './probe-output.ts';

export interface NodeCapabilities {
  name: string;
  ready: boolean;
  /** Probe pod output; absent when the probe could not run (see probeError). */
  probe?: ProbeResult;
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
