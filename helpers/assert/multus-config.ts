import { ConformanceFailure } from '../errors.ts';
import { backupOf, CONF_DIR, delegateTarget, filesOfNetwork, multusConfFiles, type DelegateTarget } from '../multus/config-files.ts';
import type { CniConfFile } from '../parse/cni-conf-file.ts';

/**
 * Checks of Multus' config on the nodes, against what runs in the cluster.
 * No pod is involved: a failure names the node in the pod slot, the file in
 * the check, and says what the state does to new pods.
 */

const onNode = (node: string): string => `(node ${node})`;

/** One node: its /etc/cni/net.d listing and, where the check needs them, the files' facts. */
export interface NodeConfDir {
  node: string;
  /** `ls -1 /etc/cni/net.d`. */
  files: readonly string[];
  configs?: readonly CniConfFile[];
}

/** The Multus DaemonSet as the stale-config check needs it. */
export interface MultusRunning {
  /** `namespace/name`; undefined when no DaemonSet runs Multus. */
  daemonSet?: string | undefined;
  /** Why none was found, when detection knows. */
  problem?: string | undefined;
  /** The DaemonSet's pods by node, with readiness. */
  pods: readonly { node: string; name: string; ready: boolean }[];
}

const STALE_ISSUES = 'multus-cni#592, #1105, #1146, #1429';

/**
 * Multus' config and a running Multus go together, node by node:
 * - a `00-multus.conf*` on a node where no Multus pod runs (the DaemonSet
 *   removed, or not scheduled there) is stale: the runtime still hands every
 *   new pod to Multus, which fails it (thin: its kubeconfig token belonged to
 *   a pod that is gone, "Unauthorized"; thick: no daemon answers the shim);
 * - a ready Multus pod on a node without its config means new pods there
 *   bypass Multus: no secondary networks.
 * A Multus pod that is not ready is the DaemonSet check's business, not this one's.
 * Returns one line per node saying what it found.
 */
export function assertConfigFollowsMultus(nodes: readonly NodeConfDir[], multus: MultusRunning): string[] {
  const found: string[] = [];
  for (const n of nodes) {
    const configs = multusConfFiles(n.files);
    const pod = multus.pods.find((p) => p.node === n.node);
    if (configs.length > 0 && !pod) {
      const why = multus.daemonSet
        ? `no pod of the Multus DaemonSet ${multus.daemonSet} runs on ${n.node}`
        : `no Multus DaemonSet runs in the cluster${multus.problem ? ` (${multus.problem})` : ''}`;
      throw new ConformanceFailure({
        pod: onNode(n.node),
        check: `${CONF_DIR}/${configs[0]}: stale Multus config`,
        expected: multus.daemonSet ? `a Multus pod on ${n.node}, or no 00-multus.conf* there` : 'no 00-multus.conf* while Multus is not installed',
        actual:
          `${configs.map((c) => `${CONF_DIR}/${c}`).join(', ')} present, but ${why}: the runtime still calls Multus for every new pod on ${n.node}, ` +
          `which fails it (thin: its kubeconfig token was bound to a Multus pod that is gone, "Unauthorized"; thick: no daemon behind the shim's socket) (${STALE_ISSUES})`,
      });
    }
    if (configs.length === 0 && pod?.ready) {
      throw new ConformanceFailure({
        pod: onNode(n.node),
        check: `${CONF_DIR}/00-multus.conf*: Multus config of a running Multus`,
        expected: `00-multus.conf or 00-multus.conflist, written by the ready Multus pod ${pod.name}`,
        actual: `none (files: ${n.files.join(', ') || 'none'}): new pods on ${n.node} bypass Multus and get no secondary network`,
      });
    }
    found.push(
      `node ${n.node}: ${configs.length ? configs.join(', ') : 'no Multus config'}, ${pod ? `Multus pod ${pod.name}${pod.ready ? '' : ' (not ready)'}` : 'no Multus pod'}`,
    );
  }
  return found;
}

export type Flavor = 'thin' | 'thick';

const FLAVOR_CONF: Record<Flavor, string> = {
  thin: 'type "multus" with a "kubeconfig" (the thin plugin)',
  thick: 'type "multus-shim" (the thick plugin\'s shim, which calls multus-daemon)',
};

const FLAVOR_ISSUES = 'multus-cni#1218, #1422';

/**
 * Every Multus config file the runtime could load on the node is written for
 * the flavor that runs: a thin config (type `multus`, a kubeconfig) with the
 * thin DaemonSet, a thick one (type `multus-shim`) with multus-daemon. A file
 * left from the other flavor breaks new pods as soon as it is the one loaded
 * (the thick daemon deletes its own file when it stops).
 */
export function assertConfigMatchesFlavor(n: NodeConfDir, flavor: Flavor, daemonSet: string): void {
  const configs = n.configs ?? [];
  for (const file of multusConfFiles(n.files)) {
    const c = configs.find((x) => x.file === file);
    const check = `${CONF_DIR}/${file} written for the running Multus (${flavor}, DaemonSet ${daemonSet})`;
    const fail = (actual: string): never => {
      throw new ConformanceFailure({ pod: onNode(n.node), check, expected: FLAVOR_CONF[flavor], actual });
    };
    if (!c) fail('its content was not read by the node probe');
    if (c!.problem) fail(`not a CNI config the runtime can load: ${c!.problem}`);
    const keys = c!.multus;
    if (!keys) fail(`a config of plugin type(s) ${c!.types.join(', ')}, not Multus: new pods on ${n.node} bypass Multus`);
    const wanted = flavor === 'thin' ? 'multus' : 'multus-shim';
    if (keys!.type !== wanted) {
      const other = keys!.type === 'multus-shim' ? 'thick' : 'thin';
      const breaks =
        other === 'thick'
          ? `a thick config: the shim finds no multus-daemon (connection refused on its socket) and every new pod fails`
          : `a thin config left from before: the thin plugin authenticates with its kubeconfig token, which belonged to a Multus pod that is gone ("Unauthorized")`;
      fail(`type "${keys!.type}", ${breaks} (${FLAVOR_ISSUES})`);
    }
    if (flavor === 'thin' && !keys!.kubeconfig) fail('type "multus" without "kubeconfig": the thin plugin cannot read the pod\'s network annotation');
  }
}

/** What health/delegate-config found on one node: followed to its file (`checked`), or why not. */
export interface DelegateVerdict {
  checked: boolean;
  note: string;
}

/** A renamed or backup copy: the file, and the config it was copied from. */
interface Backup {
  file: string;
  of: string;
}

const CILIUM_NOTE = "Cilium's cni.exclusive renames every CNI config it does not own to *.cilium_bak, Multus' own included when Cilium restarts (multus-cni#972)";

/**
 * The primary network Multus delegates to is still on the node, and no
 * renamed or backup copy of it (or of Multus' own config) sits next to it:
 * - multus-daemon (thick) writes `clusterNetwork` as the file's path and
 *   reads it on every ADD: a missing file fails every new pod;
 * - thin_entrypoint embeds the file in `delegates`: pods keep getting that
 *   copy, but the next Multus restart regenerates from whatever file is
 *   first then, or finds none;
 * - a `*.cilium_bak` (Cilium with cni.exclusive) or other backup copy shows
 *   another agent rewriting the directory.
 * Returns a note: what it found, or why the target could not be followed
 * (outside the directory the probe reads, or a name that may be a NAD);
 * `checked` says which, so that a run that followed nothing is not a pass.
 */
export function assertDelegateConfig(n: NodeConfDir): DelegateVerdict {
  const configs = n.configs ?? [];
  const multusFile = multusConfFiles(n.files)[0];
  const fail = (check: string, expected: string, actual: string): never => {
    throw new ConformanceFailure({ pod: onNode(n.node), check, expected, actual });
  };
  if (!multusFile) return fail(`${CONF_DIR}/00-multus.conf*: the config Multus delegates from`, 'Multus\' config on the node', `none (files: ${n.files.join(', ') || 'none'})`);
  const own = configs.find((c) => c.file === multusFile);
  if (!own?.multus) return fail(`${CONF_DIR}/${multusFile}`, 'a Multus config (type multus or multus-shim)', own?.problem ?? 'its content was not read by the node probe');
  const target = delegateTarget(multusFile, own.multus);
  const backups: Backup[] = n.files.flatMap((f) => {
    const of = backupOf(f);
    return of ? [{ file: f, of }] : [];
  });
  const describe = (b: Backup): string => `${b.file} (a ${/\.cilium_bak$/.test(b.file) ? 'Cilium' : 'renamed or backup'} copy of ${b.of})`;
  const note = (b: readonly Backup[]): string => (b.some((x) => /\.cilium_bak$/.test(x.file)) ? `: ${CILIUM_NOTE}` : '');

  // Multus' own config renamed away: the runtime may already skip Multus.
  const ownBackups = backups.filter((b) => /^00-multus\./.test(b.of));
  if (ownBackups.length > 0) {
    fail(`${CONF_DIR}: renamed copies of Multus' config`, 'none', `${ownBackups.map(describe).join(', ')}${note(ownBackups)}`);
  }
  const check = `${CONF_DIR}: the primary network config Multus delegates to (${describeTarget(target)})`;
  switch (target.kind) {
    case 'none':
      return fail(check, 'clusterNetwork or a delegate in Multus\' config', `${multusFile} names neither`);
    case 'unchecked':
      assertNoCiliumBackups(n.node, check, backups);
      return { checked: false, note: `node ${n.node}: ${target.why}; not checked` };
    case 'file': {
      const copies = backups.filter((b) => b.of === target.file);
      if (!n.files.includes(target.file)) {
        fail(
          check,
          `${CONF_DIR}/${target.file}`,
          `missing${copies.length ? `; ${copies.map(describe).join(', ')} is there instead` : ''}: multus-daemon reads it on every pod ADD, so new pods on ${n.node} fail${note(copies)}`,
        );
      }
      if (copies.length > 0) fail(check, `${CONF_DIR}/${target.file} and no renamed or backup copy of it`, `${copies.map(describe).join(', ')}${note(copies) || ': something rewrites the directory'}`);
      assertNoCiliumBackups(n.node, check, backups);
      return { checked: true, note: `node ${n.node}: ${target.via} → ${target.file}` };
    }
    case 'network': {
      const present = filesOfNetwork(configs, target.network);
      const copies = backups.filter((b) => present.includes(b.of) || configs.some((c) => c.file === b.file && c.network === target.network));
      if (present.length === 0) {
        // clusterNetwork as a name may be a NAD or a file in Multus' own cniConf directory.
        if (target.via.startsWith('clusterNetwork') && copies.length === 0) {
          assertNoCiliumBackups(n.node, check, backups);
          return {
            checked: false,
            note: `node ${n.node}: ${target.via} is no network of a config file in ${CONF_DIR} (it may be a NAD, or a file in Multus' cniConf directory); not checked`,
          };
        }
        fail(
          check,
          `a config file of network "${target.network}" in ${CONF_DIR}`,
          `none${copies.length ? `; ${copies.map(describe).join(', ')} is there instead` : ''}: pods still get the copy embedded in ${multusFile}, but the next Multus restart regenerates it from whatever config is first then, or finds none${note(copies)}`,
        );
      }
      if (copies.length > 0) {
        fail(check, `${present.map((f) => `${CONF_DIR}/${f}`).join(', ')} and no renamed or backup copy`, `${copies.map(describe).join(', ')}${note(copies) || ': something rewrites the directory'}`);
      }
      assertNoCiliumBackups(n.node, check, backups);
      return { checked: true, note: `node ${n.node}: ${target.via} → ${present.join(', ')}` };
    }
  }
}

/** Any `*.cilium_bak` means Cilium renames configs on this node: Multus' own is next. */
function assertNoCiliumBackups(node: string, check: string, backups: readonly Backup[]): void {
  const cilium = backups.filter((b) => /\.cilium_bak$/.test(b.file));
  if (cilium.length > 0) {
    throw new ConformanceFailure({ pod: onNode(node), check, expected: 'no *.cilium_bak in the directory', actual: `${cilium.map((b) => b.file).join(', ')}: ${CILIUM_NOTE}` });
  }
}

function describeTarget(t: DelegateTarget): string {
  switch (t.kind) {
    case 'file':
    case 'network':
      return t.via;
    case 'unchecked':
      return t.why;
    case 'none':
      return 'none named';
  }
}
