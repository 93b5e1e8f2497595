import type { V1Pod } from '@kubernetes/client-node';
import { Option, type Command } from 'commander';
import { RunIdSchema } from '../../helpers/config/settings.ts';
import { ClusterAccessError, UsageError } from '../../helpers/errors.ts';
import { redact } from '../../helpers/report/redact.ts';
import type { PodAudit } from '../audit/audit-pod.ts';
import type { AuditSummary } from '../audit/verdict.ts';
import { EXIT, PROGRAM, type ExitCode } from '../errors.ts';
import { addClusterOptions, duration, wholeNumber } from '../options.ts';
import { formatTable } from '../table.ts';

interface AuditOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  strict: boolean;
  concurrency: number;
  output: 'table' | 'json';
  nodeProbe: boolean;
  testImage?: string;
  probeTimeout: number;
  failOnUnchecked: boolean;
  runId?: string;
}

const HELP_AFTER = `
Each pod ends as one of: correct (live interfaces compared, all checks held), wrong (findings), or
not checked (with the reason). Pods whose image has no \`ip\`, or that refuse exec, are read from
their node: a short-lived privileged hostPID pod in a namespace the audit creates and deletes
(mc-<run-id>-audit-probe) enters the pod's network namespace and runs \`ip addr show\` there, read-only.

Exit codes: 0 nothing wrong found (pods not checked are listed, and an audit that compared nothing
says so); 1 a finding, a pod the node probe failed to read, or, with --fail-on-unchecked, any pod not
checked or nothing compared; 2 bad flag, kubeconfig or namespace, or the cluster cannot be reached.`;

export function registerAudit(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program
    .command('audit')
    .description('check running pods with network annotations: network-status vs live interfaces, IPs in their NAD range, NADs present');
  addClusterOptions(cmd);
  cmd
    .option('-n, --namespace <name>', 'only this namespace (default: all namespaces)')
    .option('--strict', 'spec-strict checks instead of Multus-compatible ones', false)
    .option('--concurrency <n>', 'pods inspected at the same time', wholeNumber, 4)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--no-node-probe', 'never create the node probe pod: pods exec cannot read are reported not checked')
    .option(
      '--test-image <ref>',
      'image of the node probe pod; needs sh, nsenter and ip (default: the suite test image, localhost/multus-conformance/testpod:1)',
    )
    .addOption(new Option('--probe-timeout <duration>', 'how long a node probe pod may take: 90s, 5m or seconds').argParser(duration).default(300, '5m'))
    .option('--fail-on-unchecked', 'exit 1 when any pod was not checked or nothing was compared (for CI)', false)
    .option('--run-id <id>', 'run id in the node probe namespace name and labels (default: random)')
    .addHelpText('after', HELP_AFTER)
    .action(async (opts: AuditOptions) => {
      if (opts.runId !== undefined && !RunIdSchema.safeParse(opts.runId).success) {
        throw new UsageError(`--run-id: "${opts.runId}" is not a run id`);
      }
      const k8s = await import('@kubernetes/client-node');
      const { loadKubeConfig, apiErrorText, apiStatus } = await import('../../helpers/k8s/client.ts');
      const { NETWORKS_ANNOTATION } = await import('../../helpers/parse/network-selection.ts');
      const { auditPods } = await import('../audit/audit-pod.ts');
      const { clusterAuditSource } = await import('../audit/cluster-source.ts');
      const { summarize, auditExitCode, nothingComparedMessage } = await import('../audit/verdict.ts');
      const { createRunNamespace, deleteNamespace } = await import('../../helpers/k8s/namespace.ts');
      const { generateRunId } = await import('../../helpers/config/settings.ts');
      const { loadProfile } = await import('../../helpers/fixtures/profile.ts');
      const { waitForNamespacesGone, namespaceSelector } = await import('../sweep.ts');
      const { timeoutsFor } = await import('../../helpers/scenario/timeouts.ts');

      const kc = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const scope = opts.namespace ? `in namespace ${opts.namespace}` : 'in any namespace';
      if (opts.namespace) {
        // A mistyped -n would otherwise read as "nothing to audit".
        await core.readNamespace({ name: opts.namespace }).catch((e: unknown) => {
          if (apiStatus(e) === 404) throw new UsageError(`-n ${opts.namespace}: namespace not found`);
          if (apiStatus(e) !== 403) throw new ClusterAccessError(`read namespace ${opts.namespace}: ${apiErrorText(e)}`);
        });
      }
      let pods: V1Pod[];
      try {
        const list = opts.namespace ? await core.listNamespacedPod({ namespace: opts.namespace }) : await core.listPodForAllNamespaces();
        pods = list.items.filter((p) => (p.metadata?.annotations?.[NETWORKS_ANNOTATION] ?? '').trim() !== '');
      } catch (e) {
        throw new ClusterAccessError(`list pods${opts.namespace ? ` in ${opts.namespace}` : ''}: ${apiErrorText(e)}`);
      }

      const runId = opts.runId ?? generateRunId();
      let probeNamespace: Promise<string> | undefined;
      const source = clusterAuditSource(kc, {
        execTimeoutMs: 20_000,
        ...(opts.nodeProbe
          ? {
              nodeProbe: {
                image: opts.testImage ?? loadProfile({ profile: 'generic', network: {} }).testImage,
                timeoutMs: opts.probeTimeout * 1000,
                namespace: () => (probeNamespace ??= createRunNamespace(kc, runId, 'audit-probe')),
              },
            }
          : {}),
      });
      // Ctrl-C while a probe pod runs: delete its namespace before exiting
      // (a second Ctrl-C exits at once and names the cleanup command).
      let interrupted = false;
      const onSignal = (): void => {
        const hint = `\`${PROGRAM} cleanup --run-id ${runId}\``;
        if (interrupted || !probeNamespace) {
          if (probeNamespace) process.stderr.write(`\n${PROGRAM}: interrupted; ${hint} removes the node probe namespace\n`);
          process.exit(130);
        }
        interrupted = true;
        process.stderr.write(`\nInterrupted: deleting the node probe namespace. Ctrl-C again exits now (${hint} removes it).\n`);
        void probeNamespace
          .then((ns) => deleteNamespace(kc, ns))
          .catch(() => undefined)
          .finally(() => process.exit(130));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let audits: PodAudit[];
      let left: string[] = [];
      try {
        audits = await auditPods(pods, source, { strict: opts.strict, concurrency: opts.concurrency });
      } finally {
        const ns = probeNamespace ? await probeNamespace.catch(() => undefined) : undefined;
        if (ns) {
          // Whatever went wrong, the run ends by saying whether its namespace is gone.
          left = await deleteNamespace(kc, ns)
            .then(() => waitForNamespacesGone(kc, [ns], namespaceSelector(runId), timeoutsFor('generic').namespaceGone))
            .catch(() => [ns]);
        }
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const summary = summarize(audits);
      const nothing = nothingComparedMessage(audits, scope);
      if (opts.output === 'json') {
        process.stdout.write(`${redact(JSON.stringify({ summary, pods: audits }, null, 2))}\n`);
        if (nothing) process.stderr.write(`${nothing}\n`);
      } else {
        process.stdout.write(`${redact(formatReport(audits, summary, scope, nothing))}\n`);
      }
      if (left.length > 0) {
        process.stderr.write(
          `${PROGRAM}: node probe namespace ${left.join(', ')} still terminating; remove it with \`${PROGRAM} cleanup --run-id ${runId}\`\n`,
        );
        done(EXIT.failed);
        return;
      }
      const code = auditExitCode(summary, { failOnUnchecked: opts.failOnUnchecked });
      if (code === EXIT.failed && summary.findings === 0 && summary.readFailed === 0) {
        // Only the CI flag made this a failure: say so, or exit 1 looks like a finding.
        process.stderr.write(
          `${PROGRAM}: --fail-on-unchecked: ${summary.compared === 0 ? 'nothing was compared' : `${summary.notChecked} pod(s) not checked`}\n`,
        );
      }
      done(code);
    });
}

function result(a: PodAudit): string {
  if (a.verdict === 'wrong') return `wrong (${a.findings.length} finding${a.findings.length === 1 ? '' : 's'})`;
  if (a.verdict === 'correct') return 'correct';
  return a.readFailed ? 'not checked (read failed)' : 'not checked';
}

const READ_BY = { exec: 'exec', 'node-probe': 'node probe' } as const;

function formatReport(audits: readonly PodAudit[], s: AuditSummary, scope: string, nothing: string | undefined): string {
  const out: string[] = [];
  if (audits.length > 0) {
    const rows = audits.map((a) => [a.pod, a.node ?? '-', result(a), a.readBy ? READ_BY[a.readBy] : '-']);
    out.push(formatTable(['POD', 'NODE', 'RESULT', 'READ BY'], rows), '');
  }
  const findings = audits.flatMap((a) => a.findings);
  if (findings.length > 0) {
    const rows = findings.map((f) => [f.pod, f.iface ?? '-', f.check, f.expected, f.actual]);
    out.push(formatTable(['POD', 'INTERFACE', 'CHECK', 'EXPECTED', 'ACTUAL'], rows), '');
  }
  const unchecked = audits.filter((a) => a.why !== undefined && a.readBy === undefined);
  if (unchecked.length > 0) out.push('Live interfaces not compared:', ...unchecked.map((a) => `  ${a.pod}: ${a.why}`), '');
  const notes = audits.flatMap((a) => a.notes.map((n) => `  ${a.pod}: ${n}`));
  if (notes.length > 0) out.push('Worth knowing:', ...notes, '');
  out.push(
    `${s.pods} pod(s) with network annotations ${scope}: ${s.compared} compared with their live interfaces` +
      `${s.viaNodeProbe > 0 ? ` (${s.viaNodeProbe} read from the node)` : ''}; ` +
      `${s.correct} correct, ${s.wrong} wrong (${s.findings} finding(s)), ${s.notChecked} not checked`,
  );
  if (s.readFailed > 0) {
    out.push(`The node probe failed to read ${s.readFailed} pod(s): that fails the audit (--no-node-probe reports them not checked instead).`);
  }
  if (nothing) out.push(nothing);
  return out.join('\n');
}
