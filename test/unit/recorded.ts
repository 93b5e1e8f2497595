import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LiveInterface, LiveRoute } from '../../helpers/parse/live-network.ts';

const dir = fileURLToPath(new URL('../payloads/', import.meta.url));

export function payload(name: string): string {
  return readFileSync(`${dir}${name}`, 'utf8');
}

// The recording used rec* names (see test/payloads/README.md); these are the pod's names.
const POD_NAMES: Record<string, string> = { recpod0: 'eth0', recnet1: 'net1', recnet2: 'net2' };

export function asPod(live: readonly LiveInterface[]): LiveInterface[] {
  return live.map((i) => ({ ...i, name: POD_NAMES[i.name] ?? i.name }));
}

export function asPodRoutes(routes: readonly LiveRoute[]): LiveRoute[] {
  return routes.map((r) => ({ ...r, dev: POD_NAMES[r.dev] ?? r.dev }));
}

/** A deep copy to mutate into a wrong variant. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
