import type { LiveInterface } from '../parse/live-network.ts';

export type MasterState =
  | { state: 'up' }
  | { state: 'missing' }
  /** Present but unusable: admin down, or up without carrier. */
  | { state: 'down'; detail: string };

/**
 * The configured master on one node, from the node's own `ip addr show`.
 * Up means what the in-pod link check means (helpers/assert/link.ts): the
 * UP flag, and operstate UP, or UNKNOWN with LOWER_UP (drivers that do not
 * track operstate, and busybox, which prints no state). A macvlan or ipvlan
 * child of a master without carrier has none either.
 */
export function masterState(links: readonly LiveInterface[], master: string): MasterState {
  const link = links.find((l) => l.name === master);
  if (!link) return { state: 'missing' };
  const adminUp = link.flags.includes('UP');
  const operUp = link.operstate === 'UP' || (link.operstate === 'UNKNOWN' && link.flags.includes('LOWER_UP'));
  if (adminUp && operUp) return { state: 'up' };
  const why = adminUp ? 'no carrier' : 'administratively down';
  return { state: 'down', detail: `${why}: operstate ${link.operstate}, flags <${link.flags.join(',')}>` };
}

const SHOWN = 10;

/**
 * The interfaces a node offers as a master, for messages: everything but lo
 * and the host ends of pod interfaces, by the names CNIs give them (veth*,
 * Calico's cali*, Cilium's lxc*). Not by link kind: a kind node's eth0 and
 * the testbed's mc-seg0 are veths too, and real masters.
 */
export function candidateMasters(links: readonly LiveInterface[]): string[] {
  return links
    .map((l) => l.name)
    .filter((name) => name !== 'lo' && !/^(veth|cali|lxc)/.test(name))
    .sort();
}

/** `eth0, ens4, …` with at most ten names, then how many more. */
export function listInterfaces(names: readonly string[]): string {
  if (names.length === 0) return 'no interface but lo and veths';
  const more = names.length - SHOWN;
  return `${names.slice(0, SHOWN).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
