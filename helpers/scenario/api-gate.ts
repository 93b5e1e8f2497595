import { existsSync, mkdirSync, watch } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { ClusterLost, isNoAnswer, readApiDown, readApiLost, runStateDir, type ApiLost } from '../k8s/api-lost.ts';
import { WaitTimeout, waitFor } from '../k8s/wait.ts';

/**
 * The scenario side of a lost cluster (helpers/k8s/api-lost.ts). Before a
 * scenario starts, and when one failed because the API server did not
 * answer, this waits for the server to answer again, or for the run's
 * heartbeat to call the cluster lost; whichever comes first. So no scenario
 * starts into an outage, a scenario that failed in a short outage keeps its
 * failure, and one cut short by a lost cluster says so instead of quoting
 * ECONNREFUSED.
 */
export interface ApiGate {
  /** Before a scenario: the loss when the cluster is lost; waits out an outage the heartbeat has seen. */
  beforeStart(): Promise<ApiLost | undefined>;
  /** After a scenario threw `error`: the loss when the error came from a cluster that is now lost. */
  afterFailure(error: unknown): Promise<ApiLost | undefined>;
}

export function apiGate(kc: k8s.KubeConfig, runId: string, lostAfterMs: number): ApiGate {
  const version = kc.makeApiClient(k8s.VersionApi);
  // Up to the heartbeat's verdict, with room for its last request to time out.
  const limit = lostAfterMs * 2 + 15_000;
  const answeredOrLost = async (): Promise<ApiLost | undefined> => {
    try {
      return await waitFor<ApiLost | undefined>(
        'the API server to answer again',
        async () => {
          const lost = readApiLost(runId);
          if (lost) return { done: true, value: lost, state: 'lost' };
          try {
            await version.getCode();
            return { done: true, value: undefined, state: 'answering' };
          } catch (e) {
            if (!isNoAnswer(e)) return { done: true, value: undefined, state: 'answering (with an error)' };
            return { done: false, state: `no answer: ${e instanceof Error ? e.message : String(e)}` };
          }
        },
        { timeoutMs: limit, intervalMs: 2000, subscribe: stateDirChanges(runId) },
      );
    } catch (e) {
      if (e instanceof ClusterLost) return e.lost;
      if (e instanceof WaitTimeout) return readApiLost(runId);
      throw e;
    }
  };
  return {
    async beforeStart() {
      const lost = readApiLost(runId);
      if (lost) return lost;
      return readApiDown(runId) ? await answeredOrLost() : undefined;
    },
    async afterFailure(error) {
      if (error instanceof ClusterLost) return error.lost;
      if (!isNoAnswer(error)) return readApiLost(runId);
      return await answeredOrLost();
    },
  };
}

/** Wakes a wait when the heartbeat writes or removes a state file. */
function stateDirChanges(runId: string): (wake: () => void) => Promise<() => void> {
  return async (wake) => {
    const dir = runStateDir(runId);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const watcher = watch(dir, () => wake());
    watcher.on('error', () => undefined);
    return () => watcher.close();
  };
}
