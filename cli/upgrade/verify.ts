import * as k8s from '@kubernetes/client-node';
import { assertCanaryAttached, assertCanaryKept, assertProbeWithinGap } from '../../helpers/assert/upgrade-canaries.ts';
import { ClusterAccessError, ConformanceFailure, UsageError } from '../../helpers/errors.ts';
import { renderPodFixture } from '../../helpers/fixtures/render.ts';
import { apiErrorText, apiStatus } from '../../helpers/k8s/client.ts';
import { WaitTimeout, waitFor, waitForPodReady } from '../../helpers/k8s/wait.ts';
import { NETWORKS_ANNOTATION } from '../../helpers/parse/network-selection.ts';
import {
  CANARY_IFACE,
  FRESH_POD,
  PROBE_LOG_FILE,
  RECORD_CONFIGMAP,
  RECORD_KEY,
  canaryNamespace,
  canaryRunId,
} from '../../helpers/upgrade/canary-plan.ts';
import { OWNED_LABEL, RUN_ID_LABEL } from '../../helpers/k8s/labels.ts';
import { parseCanaryRecord, type CanaryRecord } from '../../helpers/upgrade/canary-record.ts';
import { ProbeLogError, lossWindows, parseProbeLog, type LossWindow } from '../../helpers/upgrade/probe-log.ts';
import { listCanaryPods, readPodNetworks, shInCanary, waitForCanarySets, type CanaryPod } from './canary-pods.ts';

export type CheckOutcome = 'passed' | 'failed';

export interface VerifyCheck {
  /** kept | attached | probe | new-pod | canaries-ready */
  check: string;
  pod: string;
  outcome: CheckOutcome;
  message?: string;
}

export interface ProbeSummary {
  pod: string;
  windows: LossWindow[];
  ended: boolean;
}

export interface VerifyResult {
  canaryId: string;
  namespace: string;
  preparedAt: string;
  multusAtPrepare?: string;
  survived: string[];
  replaced: string[];
  gone: string[];
  checks: VerifyCheck[];
  probes: ProbeSummary[];
}

export interface VerifyOptions {
  canaryId: string;
  image: string;
  maxGapSeconds: number;
  timeoutMs: number;
  log: (line: string) => void;
}

/** Reads the record `prepare` left; exit 2 when there is none (no such canary id). */
export async function readRecord(kc: k8s.KubeConfig, canaryId: string): Promise<CanaryRecord> {
  const namespace = canaryNamespace(canaryId);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  // Only a namespace `prepare` made is read and, afterwards, deleted: one of
  // that name without the suite's labels is someone else's.
  const ns = await core.readNamespace({ name: namespace }).catch((e: unknown) => {
    if (apiStatus(e) === 404) throw new UsageError(`no canaries "${canaryId}" to verify (no namespace ${namespace}): run \`upgrade prepare\` first`);
    throw new ClusterAccessError(`read namespace ${namespace}: ${apiErrorText(e)}`);
  });
  const labels = ns.metadata?.labels ?? {};
  if (labels[OWNED_LABEL] !== 'true' || labels[RUN_ID_LABEL] !== canaryRunId(canaryId)) {
    throw new UsageError(`namespace ${namespace} is not one \`upgrade prepare\` made (labels ${OWNED_LABEL}=true, ${RUN_ID_LABEL}=${canaryRunId(canaryId)} missing): not touched`);
  }
  const cm = await core.readNamespacedConfigMap({ namespace, name: RECORD_CONFIGMAP }).catch((e: unknown) => {
    if (apiStatus(e) === 404) throw new UsageError(`no canaries "${canaryId}" to verify (no ConfigMap ${namespace}/${RECORD_CONFIGMAP}): run \`upgrade prepare\` first`);
    throw new ClusterAccessError(`read ConfigMap ${namespace}/${RECORD_CONFIGMAP}: ${apiErrorText(e)}`);
  });
  return parseCanaryRecord(cm.data?.[RECORD_KEY], `ConfigMap ${namespace}/${RECORD_CONFIGMAP}`);
}

/**
 * `upgrade verify`: every canary that survived (same UID) kept its
 * interface, addresses, MAC and status; every canary that is new since
 * prepare (rescheduled or recreated) has its attachment; the probe of the
 * survivors reports its loss windows and kept within `maxGapSeconds` to the
 * targets that survived too; a pod created now gets its attachment.
 */
export async function verifyCanaries(kc: k8s.KubeConfig, opts: VerifyOptions): Promise<VerifyResult> {
  const record = await readRecord(kc, opts.canaryId);
  const namespace = record.namespace;
  const checks: VerifyCheck[] = [];
  const run = async (check: string, pod: string, body: () => Promise<void> | void): Promise<boolean> => {
    try {
      await body();
      checks.push({ check, pod, outcome: 'passed' });
      return true;
    } catch (e) {
      if (e instanceof ConformanceFailure || e instanceof WaitTimeout || e instanceof ProbeLogError) {
        checks.push({ check, pod, outcome: 'failed', message: e.message });
        return false;
      }
      throw e;
    }
  };

  // After an upgrade that replaced nodes the DaemonSets may still be placing canaries.
  await run('canaries-ready', namespace, () => waitForCanarySets(kc, namespace, opts.timeoutMs));
  const pods = await listCanaryPods(kc, namespace);
  const byUid = new Map(pods.map((p) => [p.uid, p]));
  const recordedUids = new Set(record.canaries.map((c) => c.uid));
  const survivors: { pod: CanaryPod; recorded: CanaryRecord['canaries'][number] }[] = [];
  const gone: string[] = [];
  for (const c of record.canaries) {
    const now = byUid.get(c.uid);
    if (now) survivors.push({ pod: now, recorded: c });
    else gone.push(`${namespace}/${c.pod}`);
  }
  const replaced = pods.filter((p) => !recordedUids.has(p.uid));

  for (const { pod, recorded } of survivors) {
    await run('kept', pod.ref, async () => {
      const { live, status } = await readPodNetworks(kc, pod.pod);
      assertCanaryKept(pod.ref, { iface: recorded.iface, addresses: recorded.addresses, mac: recorded.mac, entry: recorded.status.find((e) => e.interface === recorded.iface) }, status, live);
    });
  }
  for (const pod of replaced) {
    await run('attached', pod.ref, async () => {
      if (!pod.ready) throw new ConformanceFailure({ pod: pod.ref, iface: CANARY_IFACE, check: 'canary recreated after prepare', expected: 'Ready', actual: 'not Ready' });
      const { live, status } = await readPodNetworks(kc, pod.pod);
      assertCanaryAttached(pod.ref, CANARY_IFACE, record.nad, status, live);
    });
  }

  // The probe: only between canaries that survived (a replaced one's address
  // went with it), plus the external peer.
  const survivingAddresses = new Set(survivors.flatMap((s) => s.recorded.addresses));
  const probes: ProbeSummary[] = [];
  for (const { pod, recorded } of survivors) {
    await run('probe', pod.ref, async () => {
      const text = await shInCanary(kc, namespace, pod.name, `cat ${PROBE_LOG_FILE} 2>/dev/null || true`);
      const log = parseProbeLog(text, pod.ref);
      const windows = lossWindows(log);
      probes.push({ pod: pod.ref, windows, ended: log.endedAt !== undefined });
      const expected = recorded.targets.filter((t) => survivingAddresses.has(t) || t === record.externalPeer);
      assertProbeWithinGap(pod.ref, CANARY_IFACE, expected, windows, opts.maxGapSeconds);
    });
  }

  // A pod created after the upgrade gets its attachment.
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const fresh = renderPodFixture<k8s.V1Pod>('test-pod', { name: FRESH_POD, image: opts.image });
  fresh.metadata = { ...fresh.metadata, namespace, annotations: { [NETWORKS_ANNOTATION]: `${record.nad}@${CANARY_IFACE}` } };
  const freshRef = `${namespace}/${FRESH_POD}`;
  await core.deleteNamespacedPod({ namespace, name: FRESH_POD, gracePeriodSeconds: 0 }).catch(() => undefined);
  await waitGone(core, namespace, FRESH_POD);
  await core.createNamespacedPod({ namespace, body: fresh }).catch((e: unknown) => {
    throw new ClusterAccessError(`create pod ${freshRef}: ${apiErrorText(e)}`);
  });
  await run('new-pod', freshRef, async () => {
    const pod = await waitForPodReady(kc, namespace, FRESH_POD, opts.timeoutMs);
    const { live, status } = await readPodNetworks(kc, pod);
    assertCanaryAttached(freshRef, CANARY_IFACE, record.nad, status, live);
  });
  await core.deleteNamespacedPod({ namespace, name: FRESH_POD, gracePeriodSeconds: 0 }).catch(() => undefined);

  return {
    canaryId: record.canaryId,
    namespace,
    preparedAt: record.preparedAt,
    ...(record.multus ? { multusAtPrepare: record.multus } : {}),
    survived: survivors.map((s) => s.pod.ref),
    replaced: replaced.map((p) => p.ref),
    gone,
    checks,
    probes,
  };
}

/** A pod of the same name from an earlier verify (with --keep) must be gone before the new one is made. */
async function waitGone(core: k8s.CoreV1Api, namespace: string, name: string): Promise<void> {
  await waitFor(
    `pod ${namespace}/${name} from an earlier verify: waiting until it is gone`,
    async () => {
      const there = await core.readNamespacedPod({ namespace, name }).then(
        () => true,
        (e: unknown) => {
          if (apiStatus(e) === 404) return false;
          throw e;
        },
      );
      return there ? { done: false, state: 'still there' } : { done: true, value: undefined, state: 'gone' };
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}
