import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { OWNED_LABEL } from '../../helpers/k8s/labels.ts';
import { REPO_ROOT } from '../../helpers/fixtures/paths.ts';
import { waitFor, WaitTimeout } from '../../helpers/k8s/wait.ts';
import { cpuTicks } from './machine-cpu.ts';

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
  const quiet = await quietCpu();
  const secs = Math.round((Date.now() - start) / 1000);
  if (!quiet) log(`  machine still busy after ${QUIET_MS / 1000} s (over ${QUIET_BUSY * 100} % of its CPU); measuring anyway`);
  if (secs > 0) log(`  (waited ${secs} s for earlier runs' sandboxes and namespaces to go and the CPU to quieten)`);
}

// The testbed idles at 2-3 % of both cores. After a run's teardown the
// kubelet, containerd and the namespace controller stay busy for seconds
// more: a bench at 20:43 measured a suite's process start at 2.6 s against
// 1.0 s on a quiet machine. Each timed leg (suite, serial, floor) starts below this.
const QUIET_BUSY = 0.2;
const QUIET_MS = 30_000;

/** Waits (bounded) for two one-second windows in a row with the machine's CPU below QUIET_BUSY; false when it never was. */
async function quietCpu(): Promise<boolean> {
  const deadline = Date.now() + QUIET_MS;
  let quietWindows = 0;
  while (Date.now() < deadline) {
    const a = cpuTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const b = cpuTicks();
    const busy = (b.busy - a.busy) / Math.max(1, b.all - a.all);
    quietWindows = busy < QUIET_BUSY ? quietWindows + 1 : 0;
    if (quietWindows === 2) return true;
  }
  return false;
}
