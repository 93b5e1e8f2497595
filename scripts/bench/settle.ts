import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { OWNED_LABEL } from '../../helpers/k8s/labels.ts';
import { REPO_ROOT } from '../../helpers/fixtures/paths.ts';
import { waitFor, WaitTimeout } from '../../helpers/k8s/wait.ts';

const CACHE_DIR = process.env['MC_CACHE_DIR'] ?? '/var/cache/multus-conformance';
const ENDPOINT = 'unix:///var/lib/multus-conformance/run/containerd.sock';
// Bounded: a node that never settles is reported, the bench goes on.
const SETTLE_MS = 180_000;

function crictl(): string {
  const versions = readFileSync(join(REPO_ROOT, 'scripts/testbed/versions.env'), 'utf8');
  const v = /^CRITOOLS_VERSION=(\S+)/m.exec(versions)?.[1];
  if (!v) throw new Error('scripts/testbed/versions.env names no CRITOOLS_VERSION');
  return join(CACHE_DIR, 'bin', `cri-tools-${v}`, 'crictl');
}

/**
 * Ready sandboxes on the testbed's node outside kube-system: what earlier
 * runs' deletions still tear down. Stopped ones (their network already torn
 * down) only wait for the kubelet's garbage collection, a minute later.
 */
async function foreignSandboxes(): Promise<number> {
  const { stdout } = await execa(crictl(), ['--runtime-endpoint', ENDPOINT, 'pods', '-o', 'json'], { stderr: 'ignore' });
  const items = (JSON.parse(stdout) as { items: { metadata: { namespace: string }; state: string }[] }).items;
  return items.filter((p) => p.metadata.namespace !== 'kube-system' && p.state === 'SANDBOX_READY').length;
}

/** Run-owned namespaces the namespace controller is still removing (a run's sweep does not wait for that: cli/sweep.ts). */
async function terminatingNamespaces(kc: k8s.KubeConfig): Promise<number> {
  const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespace({ labelSelector: `${OWNED_LABEL}=true` });
  return list.items.filter((n) => n.metadata?.deletionTimestamp).length;
}

/**
 * Waits until the node has torn down every sandbox of earlier runs and the
 * namespace controller has removed their namespaces. A timed run that
 * starts while the kubelet still deletes a hundred pods of the one before,
 * or the controller still empties forty namespaces, measures that too (the
 * first bench put 4 s on one run's process start this way).
 */
export async function settle(log: (line: string) => void, kc: k8s.KubeConfig): Promise<void> {
  const start = Date.now();
  try {
    await waitFor(
      'earlier runs\' sandboxes torn down and namespaces gone',
      async () => {
        const left = await foreignSandboxes();
        const namespaces = await terminatingNamespaces(kc);
        return left === 0 && namespaces === 0
          ? { done: true, value: undefined, state: 'none' }
          : { done: false, state: `${left} sandbox(es) and ${namespaces} terminating namespace(s) of earlier runs left` };
      },
      { timeoutMs: SETTLE_MS, intervalMs: 1000 },
    );
  } catch (e) {
    if (!(e instanceof WaitTimeout)) throw e;
    log(`  node not settled: ${e.message}`);
    return;
  }
  const secs = Math.round((Date.now() - start) / 1000);
  if (secs > 0) log(`  (waited ${secs} s for earlier runs' sandboxes and namespaces to go)`);
}
