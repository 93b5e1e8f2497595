/**
 * Suite overhead, measured on one cluster in one go (never a timed test):
 *   (a) the suite: `multus-conformance run` with its default scenario set,
 *       kept (--keep) so its pods can be read afterwards;
 *   (b) the floor: the same Ready pods, with the same annotations and NADs,
 *       created all at once in fresh namespaces with nothing else, timed
 *       until every one is Ready.
 * Prints the ratio (a)/(b) and the per-pod overhead, and writes
 * reports/bench.json. Usage: tsx scripts/bench.ts [--provider local] [--kubeconfig F --context C]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { loadKubeConfig } from '../helpers/k8s/client.ts';
import { RUN_ID_LABEL, runLabels } from '../helpers/k8s/labels.ts';
import { waitForPodReady } from '../helpers/k8s/wait.ts';
import { REPO_ROOT } from '../helpers/fixtures/paths.ts';

const { values } = parseArgs({
  options: {
    provider: { type: 'string', default: 'local' },
    kubeconfig: { type: 'string', default: '/var/lib/multus-conformance/admin.conf' },
    context: { type: 'string' },
    /** Scenario selection passed to `run` (repeatable), e.g. -t '!^negative/'. */
    test: { type: 'string', short: 't', multiple: true, default: [] },
  },
});

const BIN = join(REPO_ROOT, 'bin', 'multus-conformance.js');
const NAD = { group: 'k8s.cni.cncf.io', version: 'v1', plural: 'network-attachment-definitions' } as const;
const runId = `bench${Date.now().toString(16).slice(-6)}`;
const floorId = `floor${Date.now().toString(16).slice(-6)}`;

function cliArgs(extra: string[]): string[] {
  const args = ['--provider', values.provider!, ...extra];
  if (values.provider === 'existing') args.push('--kubeconfig', values.kubeconfig!, ...(values.context ? ['--context', values.context] : []));
  return args;
}

async function main(): Promise<void> {
  // The cluster must be up before timing starts, so (a) does not pay for it.
  await execa('node', [BIN, 'run', ...cliArgs(['-t', 'health/nad-crd', '--report-dir', '/tmp/mc-bench-warm'])], { stdio: 'inherit' });

  const t0 = performance.now();
  const selection = values.test!.flatMap((t) => ['-t', t]);
  const run = await execa('node', [BIN, 'run', ...cliArgs(['--keep', '--run-id', runId, '--report-dir', `/tmp/mc-bench-${runId}`, ...selection])], {
    reject: false,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const suiteSeconds = (performance.now() - t0) / 1000;

  const kc = loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context });
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);

  // What the suite left Ready: pods with their annotations, and the NADs they use.
  const namespaces = (await core.listNamespace({ labelSelector: `${RUN_ID_LABEL}=${runId}` })).items.map((n) => n.metadata!.name!);
  const pods: { ns: string; pod: k8s.V1Pod }[] = [];
  const nads: { ns: string; body: { metadata: { name: string }; spec: unknown } }[] = [];
  for (const ns of namespaces) {
    for (const p of (await core.listNamespacedPod({ namespace: ns })).items) {
      if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) pods.push({ ns, pod: p });
    }
    const list = (await custom.listNamespacedCustomObject({ ...NAD, namespace: ns })) as { items: { metadata: { name: string }; spec: unknown }[] };
    for (const n of list.items) nads.push({ ns, body: { metadata: { name: n.metadata.name }, spec: n.spec } });
  }
  await execa('node', [BIN, 'cleanup', '--kubeconfig', values.kubeconfig!, ...(values.context ? ['--context', values.context] : []), '--run-id', runId]);

  // The floor: same NADs and pods in fresh namespaces, all created at once.
  const floorNs = new Map(namespaces.map((ns, i) => [ns, `mc-${floorId}-${i}`]));
  for (const [, ns] of floorNs) await core.createNamespace({ body: { metadata: { name: ns, labels: runLabels(floorId) } } });
  for (const n of nads) {
    await custom.createNamespacedCustomObject({
      ...NAD,
      namespace: floorNs.get(n.ns)!,
      body: { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', ...n.body },
    });
  }
  // Cross-namespace selections point at the suite's namespaces: rewrite them.
  const rewrite = (value: string): string => [...floorNs].reduce((v, [from, to]) => v.replaceAll(`${from}/`, `${to}/`), value);
  const t1 = performance.now();
  const limit = pLimit(16);
  await Promise.all(
    pods.map(({ ns, pod }) =>
      limit(async () => {
        const namespace = floorNs.get(ns)!;
        const annotations = Object.fromEntries(
          Object.entries(pod.metadata?.annotations ?? {})
            .filter(([k]) => k === 'k8s.v1.cni.cncf.io/networks')
            .map(([k, v]) => [k, rewrite(v)]),
        );
        // Scheduled afresh, as the suite's pods were.
        const spec: k8s.V1PodSpec = { ...pod.spec! };
        delete spec.nodeName;
        await core.createNamespacedPod({ namespace, body: { metadata: { name: pod.metadata!.name!, annotations }, spec } });
      }),
    ),
  );
  await Promise.all(pods.map(({ ns, pod }) => waitForPodReady(kc, floorNs.get(ns)!, pod.metadata!.name!, 300_000)));
  const floorSeconds = (performance.now() - t1) / 1000;
  await execa('node', [BIN, 'cleanup', '--kubeconfig', values.kubeconfig!, ...(values.context ? ['--context', values.context] : []), '--run-id', floorId]);

  const result = {
    date: new Date().toISOString(),
    provider: values.provider,
    selection: values.test,
    suiteExitCode: run.exitCode,
    suiteSeconds: Number(suiteSeconds.toFixed(1)),
    floorSeconds: Number(floorSeconds.toFixed(1)),
    pods: pods.length,
    ratio: Number((suiteSeconds / floorSeconds).toFixed(2)),
    perPodOverheadSeconds: Number(((suiteSeconds - floorSeconds) / Math.max(1, pods.length)).toFixed(2)),
  };
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  const name = values.test!.length > 0 ? 'bench-selected.json' : 'bench.json';
  writeFileSync(join(REPO_ROOT, 'reports', name), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `suite ${result.suiteSeconds}s (exit ${result.suiteExitCode}), floor ${result.floorSeconds}s for ${result.pods} Ready pods: ` +
      `ratio ${result.ratio}, overhead ${result.perPodOverheadSeconds}s per pod\n`,
  );
}

await main();
