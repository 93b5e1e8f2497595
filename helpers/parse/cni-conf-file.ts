import { z } from 'zod';

/**
 * What one file in /etc/cni/net.d says, as far as the Multus health checks
 * ask: never the file itself (a primary CNI's config may name key files), only
 * these facts.
 */
export interface CniConfFile {
  /** File name inside /etc/cni/net.d. */
  file: string;
  /** The network name (`name`), when the file has one. */
  network?: string;
  /** Plugin types: `[type]` of a single config, every plugin's of a list, in order. */
  types: string[];
  /** The Multus plugin's own keys, when one of the plugins is `multus` or `multus-shim`. */
  multus?: MultusConfKeys;
  /** Why the runtime could not load it as a CNI config (not JSON, no type…). */
  problem?: string;
}

export interface MultusConfKeys {
  /** `multus` (thin) or `multus-shim` (thick). */
  type: 'multus' | 'multus-shim';
  /** Thin: the kubeconfig the plugin talks to the API server with (a host path). */
  kubeconfig?: string;
  /** The primary network: a file path, a network name or a NAD name. */
  clusterNetwork?: string;
  /** The primary network(s) embedded in the config (thin_entrypoint, the v3 entrypoint). */
  delegates: { network?: string; types: string[] }[];
  /** Thick: where the shim finds the daemon's socket (`daemonSocketDir`, or `socketDir` in older configs). */
  socketDir?: string;
}

const plugin = z.looseObject({ type: z.string().min(1) });
const confOrList = z.looseObject({
  name: z.string().optional(),
  type: z.string().optional(),
  plugins: z.array(z.looseObject({ type: z.string().optional() })).optional(),
});

const MULTUS_TYPES = new Set(['multus', 'multus-shim']);

function typesOf(conf: z.infer<typeof confOrList>): string[] {
  if (conf.plugins) return conf.plugins.map((p) => p.type ?? '');
  return conf.type ? [conf.type] : [];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function multusKeys(obj: Record<string, unknown>, type: 'multus' | 'multus-shim'): MultusConfKeys {
  const delegates = Array.isArray(obj.delegates) ? obj.delegates : [];
  const keys: MultusConfKeys = {
    type,
    delegates: delegates.map((d) => {
      const parsed = confOrList.safeParse(d);
      if (!parsed.success) return { types: [] };
      return { ...(parsed.data.name ? { network: parsed.data.name } : {}), types: typesOf(parsed.data) };
    }),
  };
  const kubeconfig = str(obj.kubeconfig);
  const clusterNetwork = str(obj.clusterNetwork);
  const socketDir = str(obj.daemonSocketDir) ?? str(obj.socketDir);
  return { ...keys, ...(kubeconfig ? { kubeconfig } : {}), ...(clusterNetwork ? { clusterNetwork } : {}), ...(socketDir ? { socketDir } : {}) };
}

/**
 * The facts of one config file. Extensions the runtime loads are `.conf`,
 * `.conflist` and `.json` (libcni); anything else in the directory is a
 * file it ignores (`*.cilium_bak`, `*.old`), read here only for what it was.
 */
export function parseCniConfFile(file: string, text: string): CniConfFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { file, types: [], problem: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = confOrList.safeParse(data);
  if (!parsed.success) return { file, types: [], problem: 'not a JSON object' };
  const conf = parsed.data;
  const types = typesOf(conf);
  const out: CniConfFile = { file, types, ...(conf.name ? { network: conf.name } : {}) };
  // libcni reads a .conflist only as a list: without "plugins" the runtime
  // rejects the directory's first file, and the node's network goes NotReady.
  if (file.endsWith('.conflist') && !conf.plugins) return { ...out, problem: 'a .conflist without "plugins" (libcni: no \'plugins\' key)' };
  if (types.length === 0 || types.some((t) => t === '')) return { ...out, problem: conf.plugins ? 'a plugin without "type"' : 'no "type" and no "plugins"' };
  // The Multus plugin is the config itself, or (thin_entrypoint's .conflist) the first plugin of the list.
  const candidates: Record<string, unknown>[] = conf.plugins ? conf.plugins : [conf];
  for (const c of candidates) {
    const p = plugin.safeParse(c);
    if (p.success && MULTUS_TYPES.has(p.data.type)) return { ...out, multus: multusKeys(c, p.data.type as MultusConfKeys['type']) };
  }
  return out;
}

/** The extensions libcni loads from a config directory. */
export function loadedByRuntime(file: string): boolean {
  return /\.(conf|conflist|json)$/.test(file);
}
