import type * as k8s from '@kubernetes/client-node';

/**
 * What a DaemonSet runs that shows it is Multus. Names prove nothing:
 * multus-dynamic-networks-controller and OpenShift's
 * multus-additional-cni-plugins are named like Multus and are not it.
 *
 * The signatures, from the upstream manifests (multus-cni deployments/*.yml,
 * the Tanzu package bundle, OpenShift's network operator):
 * - v4 thin: `/thin_entrypoint` (multus-daemonset.yml);
 * - v4 thick: `/usr/src/multus-cni/bin/multus-daemon` (multus-daemonset-thick.yml;
 *   OpenShift runs it from a bash script);
 * - v4 installer: `/install_multus --type thin|thick` (init container of both);
 * - v3: `/entrypoint.sh` with `--multus-*` flags, or in the multus-cni image
 *   (v3.x manifests, and the Tanzu package, whose args come from its values);
 * - the multus-cni image run with its own entrypoint (no command), upstream
 *   `ghcr.io/k8snetworkplumbingwg/multus-cni` or the Tanzu package's
 *   `projects.registry.vmware.com/tkg/multus-cni` (tags `v3.8.0_vmware.2`…,
 *   pinned by digest in the package, relocated to private registries with
 *   the same `…/tkg/multus-cni` path).
 */
export interface Recognised {
  flavor: 'thin' | 'thick' | 'unknown';
  /** One line per matching container, e.g. `container kube-multus runs /thin_entrypoint (Multus v4 thin)`. */
  signatures: string[];
  /** Image of the first container that matched. */
  image?: string;
}

interface ImageRef {
  /** Repository path without registry tag or digest, e.g. `projects.registry.vmware.com/tkg/multus-cni`. */
  repository: string;
  tag?: string;
}

export function parseImageRef(image: string): ImageRef {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  return colon > slash ? { repository: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) } : { repository: noDigest };
}

const basename = (token: string): string => token.split('/').pop() ?? token;

/** argv words, with shell scripts (`bash -c '…'`) split into their words too. */
function words(c: k8s.V1Container): string[] {
  return [...(c.command ?? []), ...(c.args ?? [])].flatMap((w) => w.split(/[\s;&|()'"`]+/)).filter((w) => w !== '');
}

function installerType(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    const eq = /^--?(?:t|type)=(.+)$/.exec(w);
    if (eq) return eq[1];
    if ((w === '-t' || w === '--type' || w === '-type') && argv[i + 1]) return argv[i + 1];
  }
  return undefined;
}

interface ContainerMatch {
  what: string;
  flavor: Recognised['flavor'];
}

function matchContainer(c: k8s.V1Container): ContainerMatch | undefined {
  const argv = words(c);
  const bases = argv.map(basename);
  const ref = c.image ? parseImageRef(c.image) : undefined;
  const multusImage = ref !== undefined && basename(ref.repository) === 'multus-cni';
  const tanzuImage = ref !== undefined && /(^|\/)tkg\/multus-cni$/.test(ref.repository);
  const imageNote = tanzuImage ? ' in the Tanzu package image' : '';
  if (bases.includes('multus-daemon')) return { what: `runs multus-daemon (Multus v4 thick)${imageNote}`, flavor: 'thick' };
  if (bases.includes('thin_entrypoint')) return { what: `runs /thin_entrypoint (Multus v4 thin)${imageNote}`, flavor: 'thin' };
  if (bases.includes('install_multus')) {
    const type = installerType(argv);
    return { what: `runs install_multus${type ? ` --type ${type}` : ''} (Multus v4 installer)`, flavor: type === 'thick' ? 'thick' : type === 'thin' ? 'thin' : 'unknown' };
  }
  if (bases.includes('entrypoint.sh') && (multusImage || argv.some((w) => /^--?multus-/.test(w)))) {
    return { what: `runs /entrypoint.sh with Multus flags (Multus v3 thin)${imageNote}`, flavor: 'thin' };
  }
  if (multusImage && (c.command ?? []).length === 0) {
    const flavor = /thick/.test(ref.tag ?? '') ? 'thick' : 'thin';
    return { what: `runs the ${tanzuImage ? 'Tanzu package' : 'multus-cni'} image ${ref.repository} with its own entrypoint`, flavor };
  }
  return undefined;
}

/** Whether, and as what, a DaemonSet runs Multus (its containers and init containers). */
export function recognise(ds: k8s.V1DaemonSet): Recognised {
  const spec = ds.spec?.template.spec;
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  const out: Recognised = { flavor: 'unknown', signatures: [] };
  const flavors = new Set<Recognised['flavor']>();
  for (const c of containers) {
    const m = matchContainer(c);
    if (!m) continue;
    out.signatures.push(`container ${c.name} ${m.what}`);
    flavors.add(m.flavor);
    if (out.image === undefined && c.image) out.image = c.image;
  }
  // A running daemon decides; the installer's --type only when nothing else says.
  out.flavor = flavors.has('thick') ? 'thick' : flavors.has('thin') ? 'thin' : 'unknown';
  return out;
}
