import { ConformanceFailure } from '../errors.ts';
import type { NodeCapabilities } from '../capabilities/types.ts';

function probed(nodes: readonly NodeCapabilities[]): NodeCapabilities[] {
  for (const n of nodes) {
    if (!n.probe) throw new ConformanceFailure({ pod: `(node ${n.name})`, check: 'node probe', expected: 'probe output', actual: n.probeError ?? 'none' });
  }
  return [...nodes];
}

/**
 * The runtime loads the first config file in byte order: Multus' own must be
 * it, or pods bypass Multus. (.conf or .conflist; thin_entrypoint writes a
 * .conflist when the primary network is one.)
 */
export function checkCniConfigOrder(nodes: readonly NodeCapabilities[]): void {
  for (const n of probed(nodes)) {
    const files = [...n.probe!.cniConfFiles].filter((f) => /\.(conf|conflist|json)$/.test(f)).sort();
    const first = files[0];
    if (!first || !/^00-multus\.conf(list)?$/.test(first)) {
      throw new ConformanceFailure({
        pod: `(node ${n.name})`,
        check: 'first CNI config in /etc/cni/net.d',
        expected: '00-multus.conf or 00-multus.conflist',
        actual: files.length ? `${first} (files: ${files.join(', ')})` : 'no config files',
      });
    }
  }
}

/** Each required plugin is present on every node, with the same content (same build) everywhere. */
export function checkPluginBinaries(nodes: readonly NodeCapabilities[], required: readonly string[]): void {
  const all = probed(nodes);
  for (const n of all) {
    const missing = required.filter((b) => !(b in n.probe!.cniBinaries));
    if (missing.length > 0) {
      throw new ConformanceFailure({
        pod: `(node ${n.name})`,
        check: 'CNI plugin binaries in /opt/cni/bin',
        expected: required.join(', '),
        actual: `missing ${missing.join(', ')}`,
      });
    }
  }
  for (const bin of required) {
    const byHash = new Map<string, string[]>();
    for (const n of all) {
      const h = n.probe!.cniBinaries[bin]!;
      byHash.set(h, [...(byHash.get(h) ?? []), n.name]);
    }
    if (byHash.size > 1) {
      const [reference, ...others] = [...byHash.entries()];
      throw new ConformanceFailure({
        pod: `(nodes ${others.flatMap(([, ns]) => ns).join(', ')})`,
        check: `/opt/cni/bin/${bin} identical on every node`,
        expected: `sha256 ${reference![0].slice(0, 12)} (as on ${reference![1].join(', ')})`,
        actual: others.map(([h, ns]) => `sha256 ${h.slice(0, 12)} on ${ns.join(', ')}`).join('; '),
      });
    }
  }
}
