import * as k8s from '@kubernetes/client-node';
import { assertCanaryAttached } from '../../helpers/assert/upgrade-canaries.ts';
import { ClusterAccessError, UsageError } from '../../helpers/errors.ts';
import { profileVars, renderNad } from '../../helpers/fixtures/render.ts';
import type { ProfileValues } from '../../helpers/fixtures/profile.ts';
import { applyObjects } from '../../helpers/k8s/apply.ts';
import { apiErrorText, apiStatus } from '../../helpers/k8s/client.ts';
import { createRunNamespace, deleteNamespace } from '../../helpers/k8s/namespace.ts';
import { detectMultus } from '../../helpers/multus/detect.ts';
import {
  CANARY_IFACE,
  CANARY_NAD,
  CANARY_SETS,
  PROBE_TARGETS_FILE,
  RECORD_CONFIGMAP,
  RECORD_KEY,
  canaryNamespace,
  canaryRunId,
  probeBounds,
  probeTargets,
  type CanaryAddress,
} from '../../helpers/upgrade/canary-plan.ts';
import { canaryRecordSchema, type CanaryRecord, type RecordedCanary } from '../../helpers/upgrade/canary-record.ts';
import { canaryDaemonSet, listCanaryPods, readPodNetworks, shInCanary, waitForCanarySets } from './canary-pods.ts';

export interface PrepareOptions {
  canaryId: string;
  profile: ProfileValues;
  image: string;
  affinity: { key: string; operator: string; values?: string[] }[];
  probeSeconds: number;
  externalPeer: string | undefined;
  timeoutMs: number;
  log: (line: string) => void;
}

/**
 * `upgrade prepare`: the canary namespace, the profile's macvlan NAD in it,
 * two canary DaemonSets (two canaries per capable node), their probe
 * targets, and the record `verify` compares with. A canary that does not
 * get its attachment now is a failure before anything was upgraded: the
 * namespace is removed and the ConformanceFailure names the pod.
 */
export async function prepareCanaries(kc: k8s.KubeConfig, opts: PrepareOptions): Promise<CanaryRecord> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const runId = canaryRunId(opts.canaryId);
  const namespace = canaryNamespace(opts.canaryId);
  const bounds = probeBounds(opts.probeSeconds);
  const exists = await core.readNamespace({ name: namespace }).then(
    () => true,
    (e: unknown) => {
      if (apiStatus(e) === 404) return false;
      throw new ClusterAccessError(`read namespace ${namespace}: ${apiErrorText(e)}`);
    },
  );
  if (exists) {
    throw new UsageError(`canaries "${opts.canaryId}" are already prepared (namespace ${namespace}): run \`upgrade verify\`, or \`cleanup --run-id ${runId}\` to start over`);
  }
  const multus = await detectMultus(kc).catch(() => undefined);
  await createRunNamespace(kc, runId, 'canaries').catch((e: unknown) => {
    throw new ClusterAccessError(`create namespace ${namespace}: ${apiErrorText(e)}`);
  });
  opts.log(`namespace ${namespace} created`);
  try {
    const nad = renderNad('macvlan-bridge', profileVars(opts.profile, { name: CANARY_NAD }));
    nad.metadata.namespace = namespace;
    const sets = CANARY_SETS.map((name) =>
      canaryDaemonSet({ name, namespace, image: opts.image, nad: CANARY_NAD, maxSeconds: bounds.maxSeconds, maxRounds: bounds.maxRounds, affinity: opts.affinity }),
    );
    await applyObjects(kc, [nad as k8s.KubernetesObject, ...(sets as k8s.KubernetesObject[])]).catch((e: unknown) => {
      throw new ClusterAccessError(e instanceof Error ? e.message : String(e));
    });
    await waitForCanarySets(kc, namespace, opts.timeoutMs);
    const pods = await listCanaryPods(kc, namespace);
    const canaries: (Omit<RecordedCanary, 'targets'> & { address: string })[] = [];
    for (const c of pods) {
      const { live, status } = await readPodNetworks(kc, c.pod);
      assertCanaryAttached(c.ref, CANARY_IFACE, CANARY_NAD, status, live);
      const link = live.find((i) => i.name === CANARY_IFACE)!;
      const addresses = link.addresses.filter((a) => a.family === 'inet').map((a) => a.address);
      canaries.push({
        pod: c.name,
        uid: c.uid,
        node: c.node,
        set: c.set,
        iface: CANARY_IFACE,
        addresses,
        mac: link.mac ?? '',
        restarts: c.restarts,
        status,
        address: addresses[0]!,
      });
    }
    const targets = probeTargets(
      canaries.map((c): CanaryAddress => ({ pod: c.pod, node: c.node, address: c.address })),
      opts.externalPeer,
    );
    // The probe waits for this file; writing it starts the loss log.
    for (const c of canaries) {
      const list = targets.get(c.pod) ?? [];
      await shInCanary(kc, namespace, c.pod, `printf '%s\\n' ${list.join(' ')} >${PROBE_TARGETS_FILE}.tmp && mv ${PROBE_TARGETS_FILE}.tmp ${PROBE_TARGETS_FILE}`);
    }
    const record: CanaryRecord = canaryRecordSchema.parse({
      version: 1,
      canaryId: opts.canaryId,
      namespace,
      nad: CANARY_NAD,
      preparedAt: new Date().toISOString(),
      probeMaxSeconds: bounds.maxSeconds,
      ...(opts.externalPeer ? { externalPeer: opts.externalPeer } : {}),
      ...(multus?.daemonSet ? { multus: `${multus.daemonSet} ${multus.flavor}${multus.image ? ` ${multus.image}` : ''}` } : {}),
      canaries: canaries.map(({ address: _a, ...c }) => ({ ...c, targets: targets.get(c.pod) ?? [] })),
    });
    await core
      .createNamespacedConfigMap({ namespace, body: { metadata: { name: RECORD_CONFIGMAP, namespace }, data: { [RECORD_KEY]: JSON.stringify(record, null, 1) } } })
      .catch((e: unknown) => {
        throw new ClusterAccessError(`create ConfigMap ${namespace}/${RECORD_CONFIGMAP}: ${apiErrorText(e)}`);
      });
    return record;
  } catch (e) {
    // Nothing half-prepared stays behind: verify could not make sense of it.
    await deleteNamespace(kc, namespace).catch(() => undefined);
    throw e;
  }
}
