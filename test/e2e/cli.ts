import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { RUN_ID_LABEL } from '../../helpers/k8s/labels.ts';
import type { ScaleReport } from '../../helpers/scale/report.ts';

const BIN = fileURLToPath(new URL('../../bin/multus-conformance.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would, in its own process. */
export async function cli(args: string[], timeoutMs = 600_000): Promise<CliResult> {
  const r = await execa('node', [BIN, ...args], { reject: false, timeout: timeoutMs, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without waiting, e.g. to interrupt it. */
export function spawnCli(args: string[]): { kill: (signal: NodeJS.Signals) => void; done: Promise<number> } {
  const child = execa('node', [BIN, ...args], { reject: false, stdin: 'ignore' });
  return { kill: (signal) => child.kill(signal), done: child.then((r) => r.exitCode ?? -1) };
}

/**
 * A failed CLI run in a few lines, the telling ones first: the CLI's own
 * one-line problems and kind's ERROR lines, then the end of stderr (a test
 * report often shows only the first line of a message).
 */
export function failureDigest(r: CliResult, tailChars = 1500): string {
  const lines = r.stderr.split('\n');
  const telling = lines.filter((l) => /^multus-conformance: (?!run |kind (offline|stock))|^ERROR:|^\w*Error: /.test(l));
  return [`exit ${r.exitCode}: ${telling.join(' | ') || '(no error line)'}`, r.stderr.slice(-tailChars)].join('\n');
}

export function reportDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `mc-e2e-${name}-`));
}

export interface CaseResult {
  id: string;
  status: string;
  failure: string;
  /** What the case recorded besides its verdict (scale/pods: its figures). */
  meta?: { scale?: ScaleReport };
}

/** Test cases from vitest's JSON report, keyed by scenario id (the name up to the first colon). */
export function readReport(dir: string): Map<string, CaseResult> {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
    testResults: { assertionResults: { title: string; status: string; failureMessages: string[]; meta?: CaseResult['meta'] }[] }[];
  };
  const out = new Map<string, CaseResult>();
  for (const file of report.testResults) {
    for (const a of file.assertionResults) {
      const id = a.title.split(':')[0]!;
      out.set(id, { id, status: a.status, failure: a.failureMessages.join('\n'), ...(a.meta ? { meta: a.meta } : {}) });
    }
  }
  return out;
}

export function readJunit(dir: string): string {
  return readFileSync(join(dir, 'junit.xml'), 'utf8');
}

export function kubeClient(kubeconfig: string): { kc: k8s.KubeConfig; core: k8s.CoreV1Api } {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { kc, core: kc.makeApiClient(k8s.CoreV1Api) };
}

/** Namespaces labelled with a run id (still present or terminating). */
export async function runNamespaces(core: k8s.CoreV1Api, runId: string): Promise<string[]> {
  const list = await core.listNamespace({ labelSelector: `${RUN_ID_LABEL}=${runId}` });
  return list.items.map((n) => n.metadata?.name ?? '');
}

/**
 * What a finished run left: its namespaces, after the namespace controller
 * has had up to 30 s to remove the ones the run left terminating (a run
 * waits for their pods, not for them: cli/sweep.ts). One that is not
 * terminating, or holds a pod, is named at once with why.
 */
export async function namespacesLeft(core: k8s.CoreV1Api, runId: string): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const list = await core.listNamespace({ labelSelector: `${RUN_ID_LABEL}=${runId}` });
    const held: string[] = [];
    for (const n of list.items) {
      const name = n.metadata?.name ?? '';
      if (!n.metadata?.deletionTimestamp) held.push(`${name} (not terminating)`);
      else if ((await core.listNamespacedPod({ namespace: name })).items.length > 0) held.push(`${name} (pods left)`);
    }
    if (held.length > 0) return held;
    if (list.items.length === 0 || Date.now() > deadline) return list.items.map((n) => n.metadata?.name ?? '');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function newRunId(prefix: string): string {
  return `${prefix}${Math.random().toString(16).slice(2, 8)}`;
}
