/** Whether the node's kernel creates links of a kind, as the probe found out. */
export type LinkSupport =
  | { status: 'supported' }
  /** The kernel itself refused the link type: its answer, verbatim. */
  | { status: 'unsupported'; answer: string }
  /** The probe could not tell (no `ip`, no permission, no private namespace…): the command and what it said. */
  | { status: 'failed'; command: string; problem: string };

/**
 * The kernel's own "I have no such link type" answers to `ip link add … type
 * X` (recorded in test/payloads/link-add-answers.txt):
 * - "Error: Unknown device type." — iproute2 printing the kernel's extack
 *   message (rtnl_newlink finds no rtnl_link_ops for the kind);
 * - "RTNETLINK answers: Operation not supported" — the same EOPNOTSUPP
 *   without extack (busybox ip, old iproute2 or old kernels).
 * Nothing else counts: "Operation not permitted", "Cannot find device",
 * "Invalid argument", "not found" are failures of the probe, not a verdict
 * on the kernel.
 */
const KERNEL_NOT_SUPPORTED = /^(?:ip: )?(?:Error: Unknown device type\.?|RTNETLINK answers: Operation not supported)$/;

/** Classifies one `ip link add` step of the probe (command, output lines, exit code). */
export function classifyLinkAdd(step: { command: string; output: string[]; rc: number }): LinkSupport {
  if (step.rc === 0) return { status: 'supported' };
  const lines = step.output.map((l) => l.trim()).filter((l) => l !== '');
  const answer = lines.join(' ');
  if (lines.length === 1 && KERNEL_NOT_SUPPORTED.test(lines[0]!)) return { status: 'unsupported', answer };
  return { status: 'failed', command: step.command, problem: `\`${step.command}\` exited ${step.rc}${answer ? `: ${answer}` : ' with no output'}` };
}
