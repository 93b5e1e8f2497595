import { ConformanceFailure } from '../errors.ts';

/** The annotations the kubelet puts on the API object that mirrors a static pod. */
export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';

/**
 * The pod in the API is the kubelet's mirror of a static pod read from its
 * manifest directory: a mirror annotation, and source "file" (Multus treats
 * any source but "api" as static: its UID check is skipped for the mirror).
 */
export function assertMirrorPod(pod: string, annotations: Readonly<Record<string, string>> | undefined): void {
  const mirror = annotations?.[MIRROR_ANNOTATION];
  const source = annotations?.[CONFIG_SOURCE_ANNOTATION];
  if (mirror !== undefined && source === 'file') return;
  throw new ConformanceFailure({
    pod,
    check: 'static pod mirrored by the kubelet',
    expected: `annotations ${MIRROR_ANNOTATION} and ${CONFIG_SOURCE_ANNOTATION}=file`,
    actual: `${MIRROR_ANNOTATION} ${mirror === undefined ? 'absent' : 'present'}, ${CONFIG_SOURCE_ANNOTATION}=${source ?? '(absent)'}`,
  });
}

/**
 * After its manifest is gone, the static pod's attachment was torn down on
 * the node: CNI DEL released its host-local lease (the file named after the
 * address in the network's lease directory). A lease left means its DEL
 * never ran, or failed: the sandbox, its network namespace and the link
 * stay behind with it.
 */
export function assertLeaseReleased(pod: string, iface: string, ip: string, leftFiles: readonly string[]): void {
  if (leftFiles.length === 0) return;
  throw new ConformanceFailure({
    pod,
    iface,
    check: 'static pod torn down after its manifest was removed (CNI DEL released its address)',
    expected: `no host-local lease for ${ip}`,
    actual: `lease ${leftFiles.join(', ')} still on the node`,
  });
}
