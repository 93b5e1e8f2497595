import * as k8s from '@kubernetes/client-node';
import { auditPod } from '../cli/audit/audit-pod.ts';
import { clusterAuditSource } from '../cli/audit/cluster-source.ts';
import { ConformanceFailure } from '../helpers/errors.ts';
import { OWNED_LABEL } from '../helpers/k8s/labels.ts';
import { NETWORKS_ANNOTATION } from '../helpers/parse/network-selection.ts';
import { scenario } from '../helpers/scenario/scenario.ts';
import { SkipScenario } from '../helpers/scenario/skip.ts';

scenario('audit/workload-pods', async (env) => {
  const owned = new Set(
    (await env.core.listNamespace({ labelSelector: `${OWNED_LABEL}=true` })).items.map((n) => n.metadata?.name ?? ''),
  );
  const pods = (await env.core.listPodForAllNamespaces()).items.filter(
    (p: k8s.V1Pod) => p.metadata?.annotations?.[NETWORKS_ANNOTATION] !== undefined && !owned.has(p.metadata?.namespace ?? ''),
  );
  const running = pods.filter((p) => p.status?.phase === 'Running');
  if (running.length === 0) {
    throw new SkipScenario(`no running workload pods with ${NETWORKS_ANNOTATION} outside the suite's namespaces (${pods.length} not running)`);
  }
  const source = clusterAuditSource(env.kc);
  const audits = await Promise.all(running.map((p) => auditPod(p, source, { strict: env.cluster.strict })));
  env.note(`audited ${audits.length} pod(s): ${audits.map((a) => a.pod).join(', ')}`);
  const findings = audits.flatMap((a) => a.findings);
  if (findings.length > 0) {
    const f = findings[0]!;
    throw new ConformanceFailure({
      ...f,
      check: `${f.check} (${findings.length} finding(s) across ${audits.length} pod(s); run \`multus-conformance audit\` for all)`,
    });
  }
});
