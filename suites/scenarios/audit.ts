import { auditPods } from '../../cli/audit/audit-pod.ts';
import { clusterAuditSource } from '../../cli/audit/cluster-source.ts';
import { scenarioOutcome } from '../../cli/audit/verdict.ts';
import { OWNED_LABEL } from '../../helpers/k8s/labels.ts';
import { NETWORKS_ANNOTATION } from '../../helpers/parse/network-selection.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { SkipScenario } from '../../helpers/scenario/skip.ts';

scenario('audit/workload-pods', async (env) => {
  const owned = new Set(
    (await env.core.listNamespace({ labelSelector: `${OWNED_LABEL}=true` })).items.map((n) => n.metadata?.name ?? ''),
  );
  const pods = (await env.core.listPodForAllNamespaces()).items.filter(
    (p) => (p.metadata?.annotations?.[NETWORKS_ANNOTATION] ?? '').trim() !== '' && !owned.has(p.metadata?.namespace ?? ''),
  );
  let probeNamespace: Promise<string> | undefined;
  const source = clusterAuditSource(env.kc, {
    execTimeoutMs: env.timeouts.exec,
    // Pods exec cannot read are read from their node, by a probe pod in a namespace of this scenario.
    nodeProbe: {
      image: env.profile.testImage,
      timeoutMs: env.timeouts.probe,
      namespace: () => (probeNamespace ??= env.newNamespace('audit-probe')),
    },
  });
  const audits = await auditPods(pods, source, { strict: env.cluster.strict, concurrency: 4 });
  for (const a of audits) env.note(`${a.pod}: ${a.verdict}${a.readBy ? ` (read by ${a.readBy})` : ''}${a.why ? `: ${a.why}` : ''}`);
  const outcome = scenarioOutcome(audits, `outside the suite's namespaces`);
  if (outcome.kind === 'fail') throw outcome.error;
  if (outcome.kind === 'skip') throw new SkipScenario(outcome.reason);
  env.note(outcome.note);
});
