import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../../helpers/fixtures/paths.ts';
import { runLabels } from '../../helpers/k8s/labels.ts';
import { NETWORKS_ANNOTATION } from '../../helpers/parse/network-selection.ts';
import { baselineNamespaces } from './floor.ts';
import { cleanupRun } from './suite-run.ts';
import { interfaceChecks, type Workload } from './workload.ts';

const SCRIPT = join(REPO_ROOT, 'scripts', 'bench', 'serial-kubectl.sh');

export interface SerialRun {
  seconds: number;
  pods: number;
  exitCode: number;
  /** What the script said when it failed. */
  error?: string;
  /** Its last step: `kubectl delete` of its namespaces, waiting until they are gone (kubectl's default). */
  namespaceWaitSeconds?: number;
}

/** Writes the serial script's input (see serial-kubectl.sh) for the workload, under the baseline's own namespaces. */
export function writeSerialInput(workload: Workload, runId: string, dir: string): Workload {
  const w = baselineNamespaces(workload, runId);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'pods'), { recursive: true });
  const docs = (objects: unknown[]): string => objects.map((o) => stringify(o)).join('---\n');
  writeFileSync(
    join(dir, 'namespaces.yaml'),
    docs(w.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: { ...runLabels(runId), 'pod-security.kubernetes.io/enforce': 'privileged' } } }))),
  );
  writeFileSync(
    join(dir, 'nads.yaml'),
    docs(w.nads.map((n) => ({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: n.name, namespace: n.namespace }, spec: { config: n.config } }))),
  );
  const plan = w.pods.map((p, i) => {
    const manifest = `pods/${i}.yaml`;
    const metadata = { name: p.name, namespace: p.namespace, ...(p.networks === undefined ? {} : { annotations: { [NETWORKS_ANNOTATION]: p.networks } }) };
    writeFileSync(join(dir, manifest), stringify({ apiVersion: 'v1', kind: 'Pod', metadata, spec: p.spec }));
    const checks = interfaceChecks(p, w.nads).map((c) => `${c.iface}=${c.start}-${c.end}`);
    return [p.namespace, p.name, manifest, checks.join(',')].join('\t');
  });
  writeFileSync(join(dir, 'plan.tsv'), `${plan.join('\n')}\n`);
  return w;
}

/** Runs the serial script on the workload, timed from spawn to exit (its namespaces created and deleted inside). */
export async function runSerial(workload: Workload, opts: { runId: string; dir: string; kubectl: string; kubeconfig: string }): Promise<SerialRun> {
  writeSerialInput(workload, opts.runId, opts.dir);
  const t0 = performance.now();
  const proc = await execa('bash', [SCRIPT, opts.dir], {
    reject: false,
    stdin: 'ignore',
    env: { KUBECTL: opts.kubectl, KUBECONFIG: opts.kubeconfig },
  });
  const seconds = (performance.now() - t0) / 1000;
  const run: SerialRun = { seconds, pods: workload.pods.length, exitCode: proc.exitCode ?? -1 };
  const deleteFrom = Number(/^namespaces-delete (\d+)$/m.exec(`${proc.stdout}`)?.[1]);
  if (Number.isFinite(deleteFrom) && deleteFrom > 0) run.namespaceWaitSeconds = (Date.now() - deleteFrom) / 1000;
  if (run.exitCode !== 0) {
    run.error = `${proc.stderr}`.trim().split('\n').slice(-3).join(' ') || `exit ${run.exitCode}`;
    await cleanupRun(opts.runId, opts.kubeconfig);
  }
  return run;
}
