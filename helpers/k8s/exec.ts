import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code of the command; undefined when the status never arrived. */
  exitCode: number | undefined;
  /**
   * The status message of a failed exec, e.g. the runtime's `exec: "ip":
   * executable file not found in $PATH`, which reaches neither stdout nor
   * stderr.
   */
  message?: string;
}

/**
 * Runs a command in a pod over the exec websocket and collects its output.
 * The status callback does not always fire, so completion is whichever
 * comes first of the status callback and the socket closing; a timer bounds
 * the whole call.
 */
export async function execInPod(
  kc: k8s.KubeConfig,
  namespace: string,
  pod: string,
  command: string[],
  opts: { container?: string | undefined; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const exec = new k8s.Exec(kc);
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  err.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return await new Promise<ExecResult>((resolve, reject) => {
    let done = false;
    let exitCode: number | undefined;
    let message: string | undefined;
    const finish = (e?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // Give the streams a tick to flush what the socket delivered last.
      setImmediate(() => (e ? reject(e) : resolve({ stdout, stderr, exitCode, ...(message !== undefined ? { message } : {}) })));
    };
    const timer = setTimeout(
      () => finish(new Error(`exec in pod ${namespace}/${pod} (${command.join(' ')}): no answer after ${timeoutMs} ms`)),
      timeoutMs,
    );
    exec
      .exec(namespace, pod, opts.container ?? '', command, out, err, null, false, (status: k8s.V1Status) => {
        exitCode = exitCodeOf(status);
        if (status.status !== 'Success' && status.message) message = status.message;
        finish();
      })
      .then((ws) => {
        ws.on('close', () => finish());
        ws.on('error', (e: Error) => finish(e));
      })
      .catch((e: unknown) => finish(asError(e, `exec in pod ${namespace}/${pod}`)));
  });
}

/**
 * A refused websocket upgrade (403 when exec is not allowed) arrives as the
 * ws library's ErrorEvent, not an Error: keep its message
 * ("Unexpected server response: 403") instead of "[object Object]".
 */
function asError(e: unknown, where: string): Error {
  if (e instanceof Error) return e;
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return new Error(`${where}: ${typeof message === 'string' && message !== '' ? message : String(e)}`);
}

function exitCodeOf(status: k8s.V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = cause?.message ? Number(cause.message) : NaN;
  return Number.isFinite(n) ? n : 1;
}
