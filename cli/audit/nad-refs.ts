import type { NadUse } from '../../helpers/assert/nad-present.ts';
import { expectedInterfaceNames, qualifiedNetworkName, type NetworkSelection } from '../../helpers/parse/network-selection.ts';
import type { NetworkStatusEntry } from '../../helpers/parse/network-status.ts';

/** One NAD a pod uses: from its networks annotation, its network-status, or both. */
export interface NadRef extends NadUse {
  namespace: string;
  name: string;
  ifaces: string[];
  /** The pod's network-status entries for this NAD (the IPs to check against its ranges). */
  entries: NetworkStatusEntry[];
}

/** `namespace/name` of a status entry's or selection's network; the pod's namespace when it names none. */
function split(qualified: string, podNamespace: string): { namespace: string; name: string } {
  const slash = qualified.indexOf('/');
  return slash < 0 ? { namespace: podNamespace, name: qualified } : { namespace: qualified.slice(0, slash), name: qualified.slice(slash + 1) };
}

/**
 * Every NAD a running pod uses, once each, in the order the pod names them:
 * its networks annotation first, then network-status entries it does not
 * cover (e.g. Multus `defaultNetworks`). The default entry is the cluster
 * network, not a NAD. Interfaces come from the status entries when there are
 * any, else from the selection (requested name or Multus' `net<i>`).
 */
export function nadRefs(podNamespace: string, selections: readonly NetworkSelection[], entries: readonly NetworkStatusEntry[]): NadRef[] {
  const refs = new Map<string, NadRef>();
  const ref = (qualified: string): NadRef => {
    const { namespace, name } = split(qualified, podNamespace);
    const nad = `${namespace}/${name}`;
    let r = refs.get(nad);
    if (!r) {
      r = { nad, namespace, name, ifaces: [], entries: [] };
      refs.set(nad, r);
    }
    return r;
  };
  const selected = expectedInterfaceNames(selections);
  selections.forEach((s, i) => {
    const r = ref(qualifiedNetworkName(s, podNamespace));
    r.ifaces.push(selected[i]!);
  });
  const fromStatus = new Map<string, string[]>();
  for (const e of entries) {
    if (e.default === true || e.name === '') continue;
    const r = ref(e.name);
    r.entries.push(e);
    if (e.interface !== undefined) fromStatus.set(r.nad, [...(fromStatus.get(r.nad) ?? []), e.interface]);
  }
  // What Multus reports beats what the annotation suggests (defaultNetworks shift net<i>).
  for (const [nad, ifaces] of fromStatus) refs.get(nad)!.ifaces = ifaces;
  return [...refs.values()];
}
