import { classifyLinkAdd, type LinkSupport } from './link-support.ts';

// What the plugins scenarios find out on a node before they run, read from
// the output of a script run in a hostNetwork pod there
// (suites/scenarios/plugins.ts). Pure, so that wrong output is unit-tested.

/**
 * The kernel's answer to a VLAN link, asked inside a private network
 * namespace (`unshare -n`): the script prints `== vlan`, the command, its
 * output and `rc N`, as the node probe does for macvlan and ipvlan. Anything
 * else (the namespace was not private, the veth parent failed, no output) is
 * a failed probe, never a verdict on the kernel. A bare `ip`, as in the node
 * probe: whatever the image's shell runs for it (in the suite's test image,
 * busybox's own applet; iproute2 elsewhere). Both make VLAN links, and both
 * kernel answers are recognised; a user's image need not have /usr/bin/ip.
 */
export const VLAN_PROBE_SCRIPT = `unshare -n sh -c '
links=$(ip -o link show 2>&1) || { echo "ip link show: $links"; exit 3; }
[ "$(printf "%s\\n" "$links" | wc -l)" -eq 1 ] || { echo "not a private network namespace: refusing to create links"; exit 3; }
out=$(ip link add mcvl-p0 type veth peer name mcvl-p1 2>&1) || { echo "veth parent: $out"; exit 3; }
echo "== vlan"; echo "\\$ ip link add link mcvl-p0 name mcvl-v type vlan id 42"
out=$(ip link add link mcvl-p0 name mcvl-v type vlan id 42 2>&1); r=$?
[ -n "$out" ] && printf "%s\\n" "$out"; echo "rc $r"'`;

export function parseVlanProbe(exitCode: number | undefined, output: string): LinkSupport {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.trim() === '== vlan');
  const fail = (problem: string): LinkSupport => ({ status: 'failed', command: 'ip link add … type vlan (in unshare -n)', problem });
  if (exitCode !== 0 || start < 0) return fail(`the probe exited ${exitCode ?? '(no status)'}${output.trim() ? `: ${output.trim().slice(-300)}` : ' with no output'}`);
  const body = lines.slice(start + 1);
  const command = (body[0] ?? '').replace(/^\$ /, '').trim();
  const rcAt = body.findIndex((l) => /^rc \d+$/.test(l.trim()));
  if (!body[0]?.startsWith('$ ') || rcAt < 0) return fail(`no command and exit code after "== vlan" in: ${output.trim().slice(-300)}`);
  return classifyLinkAdd({ command, output: body.slice(1, rcAt), rc: Number(body[rcAt]!.trim().slice(3)) });
}

/** Whether a node's tuning binary knows the sysctl allowlist, and what it says its version is. */
export interface TuningAllowlist {
  allowlist: boolean;
  /** The first line of `tuning --version`, or why it could not be read. */
  version: string;
}

/**
 * Reads the tuning binary mounted at /host/cni-bin: its `--version` line and
 * whether it holds the allowlist's file name (containernetworking/plugins
 * v1.2.0 added /etc/cni/tuning/allowlist.conf; older binaries have no such
 * string). A missing binary or an unreadable one fails the script.
 */
export const TUNING_PROBE_SCRIPT = `f=/host/cni-bin/tuning
[ -f "$f" ] || { echo "no $f"; exit 3; }
echo "== version"; v=$("$f" --version 2>&1 | head -n 1) || true; echo "\${v:-(no output)}"
echo "== allowlist"; if grep -q -F allowlist.conf "$f"; then echo yes; elif [ -r "$f" ]; then echo no; else echo "unreadable"; exit 3; fi`;

export function parseTuningProbe(exitCode: number | undefined, output: string): TuningAllowlist | { problem: string } {
  const m = /== version\n([^\n]*)\n== allowlist\n(yes|no)\s*$/.exec(output.replace(/\r/g, '').trim());
  if (exitCode !== 0 || !m) return { problem: `reading /opt/cni/bin/tuning exited ${exitCode ?? '(no status)'}: ${output.trim().slice(-300) || '(no output)'}` };
  return { version: m[1]!.trim(), allowlist: m[2] === 'yes' };
}
