import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';

/**
 * "The cluster is lost": the API server has not answered for a bounded time
 * (timeouts.apiLost). From then on a run starts no scenario, waits in the
 * running ones end at once, and the run exits 2 with the cleanup command to
 * run later. A shorter outage is ridden out (waits retry, as before).
 *
 * Test files run in worker processes, so the state is a file in the run's
 * state directory: the heartbeat in the main process (global setup) writes
 * it once, every process reads it.
 */
export interface ApiLost {
  server: string;
  /** When the first unanswered request was sent (ISO time). */
  since: string;
  /** How long it had not answered when the run gave up, in ms. */
  forMs: number;
  /** The last error, one line (e.g. "connect ECONNREFUSED 10.77.0.1:6443"). */
  lastError: string;
}

/** Where a run keeps what its processes share (api-lost.json, run-state.json); removed when `run` ends. */
export function runStateDir(runId: string): string {
  return join(tmpdir(), `multus-conformance-${runId}-state`);
}

const FILE = 'api-lost.json';
// Present while the API server does not answer but is not lost yet.
const DOWN_FILE = 'api-down.json';

/** Since when the API server has not answered, while it is not (yet) lost. */
export interface ApiDown {
  since: string;
  lastError: string;
}

export function readApiDown(runId: string): ApiDown | undefined {
  try {
    return JSON.parse(readFileSync(join(runStateDir(runId), DOWN_FILE), 'utf8')) as ApiDown;
  } catch {
    return undefined;
  }
}

export function readApiLost(runId: string): ApiLost | undefined {
  try {
    return JSON.parse(readFileSync(join(runStateDir(runId), FILE), 'utf8')) as ApiLost;
  } catch {
    return undefined;
  }
}

export function writeApiLost(runId: string, lost: ApiLost): void {
  writeStateFile(runId, FILE, lost);
}

/** Writes one file of the run's state directory whole, then renames it: a reader never sees half a file. */
export function writeStateFile(runId: string, name: string, value: unknown): void {
  const dir = runStateDir(runId);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${name}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, join(dir, name));
}

/** One line for people: what was lost, since when and why. */
export function describeApiLost(lost: ApiLost): string {
  return `API server ${lost.server} has not answered for ${Math.round(lost.forMs / 1000)}s (since ${lost.since.slice(11, 19)} UTC; last error: ${lost.lastError})`;
}

// The run this process belongs to: set once by the scenario wrapper in each
// worker, so waits deep in helpers/k8s can tell a lost cluster from a slow one.
let currentRunId: string | undefined;
let lostSeen: ApiLost | undefined;

export function watchApiLostFor(runId: string): void {
  currentRunId = runId;
}

/** Whether this process's run has lost its cluster (read from the shared file until it is seen). */
export function currentApiLost(): ApiLost | undefined {
  if (lostSeen) return lostSeen;
  if (currentRunId === undefined) return undefined;
  lostSeen = readApiLost(currentRunId);
  return lostSeen;
}

/** Thrown where a run stops because the cluster is lost; never a conformance failure. */
export class ClusterLost extends Error {
  override name = 'ClusterLost';
  constructor(readonly lost: ApiLost) {
    super(`cluster lost: ${describeApiLost(lost)}`);
  }
}

// Errors that mean "no answer at all" (the request never got an HTTP response).
const NO_ANSWER = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** Whether an error from the client means the API server did not answer (as opposed to answering with an error). */
export function isNoAnswer(e: unknown): boolean {
  if (e instanceof k8s.ApiException) return false;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NO_ANSWER.has(code)) return true;
  const message = e instanceof Error ? e.message : String(e);
  return /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|socket hang up)\b/.test(message);
}

export interface ApiMonitorOptions {
  runId: string;
  /** Unanswered for this long → lost (timeouts.apiLost). */
  lostAfterMs: number;
  /** Pause between two heartbeats. */
  intervalMs?: number;
  /** A heartbeat with no answer after this long counts as unanswered. */
  requestTimeoutMs?: number;
  /** Called once, when the cluster is declared lost. */
  onLost?: (lost: ApiLost) => void;
}

/**
 * Asks the API server for /version in a loop (one request at a time) and
 * declares the cluster lost once no request has been answered for
 * `lostAfterMs`. Any answer, even an HTTP error, means the server is there.
 * Returns a stop function; the loop never keeps the process alive.
 */
export function startApiMonitor(kc: k8s.KubeConfig, opts: ApiMonitorOptions): () => void {
  const server = kc.getCurrentCluster()?.server ?? '(unknown)';
  const version = kc.makeApiClient(k8s.VersionApi);
  const interval = opts.intervalMs ?? 2000;
  const requestTimeout = opts.requestTimeoutMs ?? 10_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let downSince: number | undefined;

  const beat = async (): Promise<void> => {
    const sent = Date.now();
    const answered = await heartbeat(version, requestTimeout);
    if (stopped) return;
    if (answered === true) {
      if (downSince !== undefined) rmSync(join(runStateDir(opts.runId), DOWN_FILE), { force: true });
      downSince = undefined;
    } else {
      if (downSince === undefined) {
        downSince = sent;
        writeStateFile(opts.runId, DOWN_FILE, { since: new Date(sent).toISOString(), lastError: answered } satisfies ApiDown);
      }
      const forMs = Date.now() - downSince;
      if (forMs >= opts.lostAfterMs) {
        const lost: ApiLost = { server, since: new Date(downSince).toISOString(), forMs, lastError: answered };
        writeApiLost(opts.runId, lost);
        stopped = true;
        opts.onLost?.(lost);
        return;
      }
    }
    timer = setTimeout(() => void beat(), interval);
    timer.unref();
  };
  void beat();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

/** true when the server answered; otherwise the reason, one line. */
async function heartbeat(version: k8s.VersionApi, timeoutMs: number): Promise<true | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${Math.round(timeoutMs / 1000)}s`), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      version.getCode().then(
        () => true as const,
        (e: unknown) => (isNoAnswer(e) ? noAnswerText(e) : (true as const)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function noAnswerText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return /reason: (.*)$/.exec(message)?.[1] ?? message.split('\n')[0] ?? message;
}
