/** What the per-node probe pod saw (fixtures/pods/probe-pod.yaml). */
export interface ProbeResult {
  /** Files in /etc/cni/net.d, in `ls` order (byte order, as the runtime sorts them). */
  cniConfFiles: string[];
  /** sha256 of each file in /opt/cni/bin, by name. */
  cniBinaries: Record<string, string>;
  /** Network devices of the node's own namespace (/sys/class/net). */
  netdevs: string[];
  macvlan: LinkSupport;
  ipvlan: LinkSupport;
}

export interface LinkSupport {
  ok: boolean;
  /** The kernel's answer when it refused, e.g. "Error: Unknown device type." */
  error?: string;
}

const SECTIONS = ['conf', 'bin', 'netdev', 'macvlan', 'ipvlan', 'end'] as const;
type Section = (typeof SECTIONS)[number];

/** Parses the probe's sectioned output; a truncated output is an error, never a partial result. */
export function parseProbeOutput(text: string): ProbeResult {
  const lines: Record<Section, string[]> = { conf: [], bin: [], netdev: [], macvlan: [], ipvlan: [], end: [] };
  let current: Section | undefined;
  const seen = new Set<Section>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^== (\w+)$/.exec(line);
    if (header) {
      const name = header[1] as Section;
      if (!SECTIONS.includes(name)) throw new Error(`probe output: unknown section "${name}"`);
      current = name;
      seen.add(name);
      continue;
    }
    if (line !== '' && current) lines[current].push(line);
  }
  const missing = SECTIONS.filter((s) => !seen.has(s));
  if (missing.length > 0) throw new Error(`probe output incomplete: missing section(s) ${missing.join(', ')}`);
  const cniBinaries: Record<string, string> = {};
  for (const l of lines.bin) {
    const m = /^([0-9a-f]{64})\s+(\S+)$/.exec(l);
    if (!m) throw new Error(`probe output: bad sha256sum line "${l}"`);
    cniBinaries[m[2]!] = m[1]!;
  }
  return {
    cniConfFiles: lines.conf,
    cniBinaries,
    netdevs: lines.netdev,
    macvlan: linkSupport(lines.macvlan),
    ipvlan: linkSupport(lines.ipvlan),
  };
}

function linkSupport(lines: string[]): LinkSupport {
  if (lines.includes('ok')) return { ok: true };
  return { ok: false, error: lines.join(' ') || 'no output' };
}
