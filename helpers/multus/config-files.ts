import { loadedByRuntime, type CniConfFile, type MultusConfKeys } from '../parse/cni-conf-file.ts';

/**
 * Facts about a node's /etc/cni/net.d as Multus and the container runtime see
 * it: which files the runtime loads, which is Multus' own, what Multus
 * delegates the pod's primary network to, and which files are renamed or
 * backup copies of a config. Pure: from the probe's listing and file facts.
 */

export const CONF_DIR = '/etc/cni/net.d';

/** The names Multus writes its config under: thin_entrypoint and the v3 entrypoint (`.conflist` when the primary is a list), multus-daemon. */
export const MULTUS_CONF = /^00-multus\.conf(list)?$/;

/** The files the runtime loads, in the order it tries them (byte order: the first one wins). */
export function loadedFiles(files: readonly string[]): string[] {
  return files.filter(loadedByRuntime).sort();
}

/** Multus' own config files on the node (normally one). */
export function multusConfFiles(files: readonly string[]): string[] {
  return loadedFiles(files).filter((f) => MULTUS_CONF.test(f));
}

/**
 * The config a file the runtime ignores was copied or renamed from:
 * `10-calico.conflist.cilium_bak` (Cilium's cni.exclusive), `.old`
 * (thin_entrypoint --rename-conf-file), `.bak`, `~`, `.dpkg-old`…
 */
export function backupOf(file: string): string | undefined {
  if (loadedByRuntime(file)) return undefined;
  return /^(.+\.(?:conf|conflist|json))[.~_-]/.exec(file)?.[1];
}

/** What Multus' config names as the pod's primary network. */
export type DelegateTarget =
  /** `clusterNetwork` as a file path (multus-daemon writes `/host/etc/cni/net.d/<file>`): read on every ADD. */
  | { kind: 'file'; file: string; via: string }
  /** The first delegate embedded in the config (thin_entrypoint): a copy of the file whose network has this name. */
  | { kind: 'network'; network: string; via: string }
  /** Named in a way the probe cannot follow: why. */
  | { kind: 'unchecked'; why: string }
  | { kind: 'none' };

// The directory as the node sees it, and as the Multus pods mount it.
const DIR_PATHS = [CONF_DIR, `/host${CONF_DIR}`];

export function delegateTarget(configFile: string, keys: MultusConfKeys): DelegateTarget {
  const cn = keys.clusterNetwork;
  if (cn !== undefined) {
    if (cn.includes('/')) {
      const slash = cn.lastIndexOf('/');
      const dir = cn.slice(0, slash).replace(/\/+$/, '');
      if (!DIR_PATHS.includes(dir)) return { kind: 'unchecked', why: `clusterNetwork ${cn} of ${configFile} is outside ${CONF_DIR}, which is all the probe reads` };
      return { kind: 'file', file: cn.slice(slash + 1), via: `clusterNetwork ${cn} of ${configFile}` };
    }
    return { kind: 'network', network: cn, via: `clusterNetwork "${cn}" of ${configFile}` };
  }
  const first = keys.delegates[0];
  if (first === undefined) return { kind: 'none' };
  if (first.network === undefined) return { kind: 'unchecked', why: `the first delegate of ${configFile} has no name` };
  return { kind: 'network', network: first.network, via: `delegates[0] "${first.network}" of ${configFile}` };
}

/** The loaded config files (Multus' own left out) whose network has this name. */
export function filesOfNetwork(configs: readonly CniConfFile[], network: string): string[] {
  return configs.filter((c) => loadedByRuntime(c.file) && !MULTUS_CONF.test(c.file) && !c.multus && c.network === network).map((c) => c.file);
}
