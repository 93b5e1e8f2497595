import { candidateMasters, listInterfaces, masterState } from './master.ts';
import type { NodeCapabilities } from './types.ts';

/**
 * A network.nodeSelector that matches no node is a typo, not a cluster
 * without capable nodes: the message names the nodes there are.
 */
export function nodeSelectorProblem(nodes: readonly Pick<NodeCapabilities, 'name' | 'selected'>[], nodeSelector: string | undefined): string | undefined {
  if (!nodeSelector || nodes.some((n) => n.selected)) return undefined;
  const names = nodes.map((n) => n.name);
  return `network.nodeSelector "${nodeSelector}" matches none of the cluster's ${names.length} node(s)${names.length ? `: ${shortList(names)}` : ''}`;
}

function shortList(names: string[]): string {
  return names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ');
}

/**
 * A configured master that exists on none of the nodes in scope (selected
 * and Ready) is a wrong setting, not a cluster that cannot run macvlan: a
 * run that skipped every attachment scenario for it would look green while
 * checking no secondary network. Decided only when every node in scope was
 * probed and its links read; a node whose probe failed might have the
 * master, and its cases fail on their own.
 */
export function masterConfigProblem(nodes: readonly NodeCapabilities[], master: string | undefined, nodeSelector: string | undefined): string | undefined {
  if (!master) return undefined;
  const inScope = nodes.filter((n) => n.selected && n.ready);
  if (inScope.length === 0) return undefined;
  const byInterfaces = new Map<string, string[]>();
  for (const n of inScope) {
    const links = n.probe?.links;
    if (!links?.ok) return undefined;
    if (masterState(links.list, master).state !== 'missing') return undefined;
    const has = listInterfaces(candidateMasters(links.list));
    byInterfaces.set(has, [...(byInterfaces.get(has) ?? []), n.name]);
  }
  const what = [...byInterfaces].map(([has, names]) => (names.length === 1 ? `${names[0]} has ${has}` : `nodes ${names.join(', ')} have ${has}`));
  const scope = nodeSelector ? ` selected by network.nodeSelector "${nodeSelector}"` : '';
  return `network.master "${master}" exists on no node${scope}: ${what.join('; ')} (set network.master to the interface of the secondary network${nodeSelector ? '' : ', and network.nodeSelector to the nodes that carry it'})`;
}
