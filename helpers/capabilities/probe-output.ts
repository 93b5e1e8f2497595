import { parseBusyboxIpAddr, parseIpJsonAddr, type LiveInterface } from '../parse/ip-output.ts';
import type { CniConfFile } from '../parse/cni-conf-file.ts';
import { classifyLinkAdd, type LinkSupport } from './link-support.ts';
import { parseConfsSection } from './probe-cni-configs.ts';
import { parseTokenSection, type KubeconfigToken } from './probe-token.ts';

/** What the per-node probe pod saw (fixtures/pods/probe-pod.yaml). */
export interface ProbeResult {
  /** Files in /etc/cni/net.d, in `ls` order (byte order, as the runtime sorts them). */
  cniConfFiles: string[];
  /** sha256 of each file in /opt/cni/bin, by name. */
  cniBinaries: Record<string, string>;
  /** The links of the node's own network namespace, or why they could not be read. */
  links: NodeLinks;
  macvlan: LinkSupport;
  ipvlan: LinkSupport;
  /**
   * IPv6 in a new network namespace (`ipv6`); absent from output recorded
   * before the probe read it.
   */
  ipv6?: Ipv6Support;
  /**
   * The facts of each CNI config file (`confs`): what Multus' own config
   * says, the primary network it delegates to, backups. Absent from output
   * recorded before the probe read them.
   */
  cniConfigs?: ProbeRead<CniConfFile[]>;
  /** The thin plugin's kubeconfig: how it authenticates, the token's claims (`token`). */
  multusKubeconfig?: ProbeRead<KubeconfigToken>;
}

/** A section read on its own: one failed command fails only the checks that read it. */
export type ProbeRead<T> = { ok: true; value: T } | { ok: false; problem: string };

export type NodeLinks = { ok: true; list: LiveInterface[] } | { ok: false; problem: string };

/** One step of the probe script: `== name`, `$ command`, its output, `rc N`. */
export interface ProbeStep {
  command: string;
  output: string[];
  rc: number;
}

const SECTIONS = ['conf', 'bin', 'links', 'confs', 'token', 'netns', 'ipv6', 'parent', 'macvlan', 'ipvlan', 'end'] as const;
type Section = (typeof SECTIONS)[number];

/** The script's steps by name; anything malformed or cut short throws, never a partial result. */
export function parseProbeSteps(text: string): Map<Section, ProbeStep> {
  const raw = new Map<Section, string[]>();
  let current: string[] | undefined;
  text.split('\n').forEach((line, i) => {
    const header = /^== (\S+)$/.exec(line.trim());
    if (header) {
      const name = header[1] as Section;
      if (!SECTIONS.includes(name)) throw new Error(`probe output line ${i + 1}: unknown section "${header[1]}"`);
      if (raw.has(name)) throw new Error(`probe output line ${i + 1}: section "${name}" twice`);
      current = [];
      raw.set(name, current);
      return;
    }
    if (line.trim() === '') return;
    if (!current) throw new Error(`probe output line ${i + 1}: text before the first section: ${JSON.stringify(line.slice(0, 80))}`);
    current.push(line);
  });
  const steps = new Map<Section, ProbeStep>();
  for (const [name, lines] of raw) {
    if (name === 'end') continue;
    const command = /^\$ (.*)$/.exec(lines[0] ?? '')?.[1];
    const rc = /^rc (\d+)$/.exec(lines.at(-1) ?? '')?.[1];
    if (command === undefined || rc === undefined || lines.length < 2) {
      throw new Error(`probe output incomplete: section "${name}" lacks its "$ command" or "rc N" line`);
    }
    steps.set(name, { command, output: lines.slice(1, -1), rc: Number(rc) });
  }
  const required: Section[] = ['conf', 'bin', 'links', 'netns', 'end'];
  if (steps.get('netns')?.rc === 0) required.push('parent');
  if (steps.get('parent')?.rc === 0) required.push('macvlan', 'ipvlan');
  const missing = required.filter((s) => !raw.has(s));
  if (missing.length > 0) throw new Error(`probe output incomplete: missing section(s) ${missing.join(', ')}`);
  return steps;
}

/** How a failed step reads in a report: the command, its exit code and its output. */
export function describeStep(step: ProbeStep): string {
  const out = step.output.join(' ').trim();
  return `\`${step.command}\` exited ${step.rc}${out ? `: ${out}` : ' with no output'}`;
}

/**
 * Parses the probe's output. The CNI listing must be whole (the health
 * checks compare it across nodes); the node's links and each link kind get
 * their own verdict, so one failed command fails only what depends on it.
 */
export function parseProbeOutput(text: string): ProbeResult {
  const steps = parseProbeSteps(text);
  const conf = steps.get('conf')!;
  const bin = steps.get('bin')!;
  for (const step of [conf, bin]) if (step.rc !== 0) throw new Error(`probe command ${describeStep(step)}`);
  const cniBinaries: Record<string, string> = {};
  for (const l of bin.output) {
    const m = /^([0-9a-f]{64})\s+(\S+)$/.exec(l.trim());
    if (!m) throw new Error(`probe output: bad sha256sum line "${l}"`);
    cniBinaries[m[2]!] = m[1]!;
  }
  const confs = steps.get('confs');
  const token = steps.get('token');
  const ipv6 = ipv6Support(steps);
  return {
    cniConfFiles: conf.output.map((l) => l.trim()),
    cniBinaries,
    links: nodeLinks(steps.get('links')!),
    macvlan: kernelSupport(steps, 'macvlan'),
    ipvlan: kernelSupport(steps, 'ipvlan'),
    ...(ipv6 ? { ipv6 } : {}),
    ...(confs ? { cniConfigs: section(confs, parseConfsSection) } : {}),
    ...(token ? { multusKubeconfig: section(token, parseTokenSection) } : {}),
  };
}

function section<T>(step: ProbeStep, parse: (s: ProbeStep) => T): ProbeRead<T> {
  try {
    return { ok: true, value: parse(step) };
  } catch (e) {
    return { ok: false, problem: `probe command \`${step.command}\`: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function nodeLinks(step: ProbeStep): NodeLinks {
  if (step.rc !== 0) return { ok: false, problem: `probe command ${describeStep(step)}` };
  const text = step.output.join('\n');
  try {
    const list = text.trim().startsWith('[') ? parseIpJsonAddr(text) : parseBusyboxIpAddr(text);
    return { ok: true, list };
  } catch (e) {
    return { ok: false, problem: `probe command \`${step.command}\`: unreadable output: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The kind's own step decides, unless the private namespace or its veth parent could not be made. */
function kernelSupport(steps: Map<Section, ProbeStep>, kind: 'macvlan' | 'ipvlan'): LinkSupport {
  for (const prerequisite of ['netns', 'parent'] as const) {
    const step = steps.get(prerequisite)!;
    if (step.rc !== 0) return { status: 'failed', command: step.command, problem: describeStep(step) };
  }
  return classifyLinkAdd(steps.get(kind)!);
}

/** Whether a pod's network namespace on the node can hold IPv6 addresses. */
export type Ipv6Support =
  | { status: 'enabled' }
  /** The node truly has none: the reason names the sysctl or the missing /proc/sys/net/ipv6. */
  | { status: 'disabled'; reason: string }
  /** The probe could not tell: the command and what it said. */
  | { status: 'failed'; problem: string };

const DISABLE_IPV6 = ['net.ipv6.conf.all.disable_ipv6', 'net.ipv6.conf.default.disable_ipv6'] as const;

/**
 * The `ipv6` step: the two disable_ipv6 sysctls of a fresh namespace, in
 * that order. Undefined when the output predates the step (and its private
 * namespace was made: then it would have run).
 */
export function ipv6Support(steps: Map<Section, ProbeStep>): Ipv6Support | undefined {
  const netns = steps.get('netns')!;
  if (netns.rc !== 0) return { status: 'failed', problem: `IPv6 not checked: ${describeStep(netns)}` };
  const step = steps.get('ipv6');
  if (!step) return undefined;
  const out = step.output.map((l) => l.trim()).filter((l) => l !== '');
  if (step.rc !== 0) {
    // cat names each file it could not open; only "no such file" for all of them is the kernel's answer.
    const absent = out.length > 0 && out.every((l) => /\/proc\/sys\/net\/ipv6\/\S*: No such file or directory$/.test(l));
    return absent
      ? { status: 'disabled', reason: 'the kernel has no IPv6 (no /proc/sys/net/ipv6 in a new network namespace: booted with ipv6.disable=1 or built without it)' }
      : { status: 'failed', problem: describeStep(step) };
  }
  if (out.length !== 2 || !out.every((l) => l === '0' || l === '1')) return { status: 'failed', problem: `${describeStep(step)}: expected two lines of 0 or 1` };
  const on = DISABLE_IPV6.filter((_k, i) => out[i] === '1');
  return on.length === 0 ? { status: 'enabled' } : { status: 'disabled', reason: `a new network namespace has IPv6 off (${on.map((k) => `${k}=1`).join(', ')})` };
}
