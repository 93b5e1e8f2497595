import type { V1Pod } from '@kubernetes/client-node';
import { Option, type Command } from 'commander';
import pLimit from 'p-limit';
import { ClusterAccessError } from '../../helpers/errors.ts';
import { redact } from '../../helpers/report/redact.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import { addClusterOptions, wholeNumber } from '../options.ts';
import { formatTable } from '../table.ts';

interface AuditOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  strict: boolean;
  concurrency: number;
  output: 'table' | 'json';
}

export function registerAudit(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program
    .command('audit')
    .description('read-only check of running pods with network annotations: network-status vs live interfaces, IPs in their NAD range');
  addClusterOptions(cmd);
  cmd
    .option('-n, --namespace <name>', 'only this namespace (default: all namespaces)')
    .option('--strict', 'spec-strict checks instead of Multus-compatible ones', false)
    .option('--concurrency <n>', 'pods inspected at the same time', wholeNumber, 4)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: AuditOptions) => {
      const k8s = await import('@kubernetes/client-node');
      const { loadKubeConfig, apiErrorText } = await import('../../helpers/k8s/client.ts');
      const { NETWORKS_ANNOTATION } = await import('../../helpers/parse/network-selection.ts');
      const { auditPod } = await import('../audit/audit-pod.ts');
      const { clusterAuditSource } = await import('../audit/cluster-source.ts');

      const kc = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
      const core = kc.makeApiClient(k8s.CoreV1Api);
      let pods: V1Pod[];
      try {
        const list = opts.namespace ? await core.listNamespacedPod({ namespace: opts.namespace }) : await core.listPodForAllNamespaces();
        pods = list.items.filter((p) => (p.metadata?.annotations?.[NETWORKS_ANNOTATION] ?? '').trim() !== '');
      } catch (e) {
        throw new ClusterAccessError(`list pods${opts.namespace ? ` in ${opts.namespace}` : ''}: ${apiErrorText(e)}`);
      }
      const source = clusterAuditSource(kc);
      const limit = pLimit(Math.max(1, opts.concurrency));
      const audits = await Promise.all(pods.map((p) => limit(() => auditPod(p, source, { strict: opts.strict }))));
      const findings = audits.flatMap((a) => a.findings);

      if (opts.output === 'json') {
        process.stdout.write(`${redact(JSON.stringify(audits, null, 2))}\n`);
      } else {
        const out: string[] = [];
        if (audits.length > 0) {
          const result = (a: (typeof audits)[number]): string =>
            a.findings.length > 0 ? `${a.findings.length} finding(s)` : a.checked ? 'ok' : 'not checked';
          out.push(formatTable(['POD', 'RESULT'], audits.map((a) => [a.pod, result(a)])), '');
        }
        if (findings.length > 0) {
          const rows = findings.map((f) => [f.pod, f.iface ?? '-', f.check, f.expected, f.actual]);
          out.push(formatTable(['POD', 'INTERFACE', 'CHECK', 'EXPECTED', 'ACTUAL'], rows), '');
        }
        const notes = audits.flatMap((a) => a.notes.map((n) => `  ${a.pod}: ${n}`));
        if (notes.length > 0) out.push('Not checked or worth knowing:', ...notes, '');
        const checked = audits.filter((a) => a.checked).length;
        out.push(
          `${pods.length} pod(s) with ${NETWORKS_ANNOTATION}${opts.namespace ? ` in ${opts.namespace}` : ''}, ` +
            `${checked} compared with their live interfaces, ${findings.length} finding(s)`,
        );
        process.stdout.write(`${redact(out.join('\n'))}\n`);
      }
      done(findings.length > 0 ? EXIT.failed : EXIT.ok);
    });
}
