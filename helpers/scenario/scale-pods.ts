import * as k8s from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { assignedIps } from '../assert/addresses.ts';
import { assertInterfacePresent } from '../assert/interfaces.ts';
import { assertUniqueIps, type HeldIps } from '../assert/unique-ips.ts';
import { waitForPodsReady } from '../k8s/pods-ready.ts';
import { describeLatency, readyLatencies, summarize } from '../scale/latency.ts';
import { describeErrors, networkErrors, occurrences } from '../scale/network-errors.ts';
import { readNodeRooms } from '../scale/node-room.ts';
import { nadRanges, pickNode, readyBudgetMs, ScaleRefused, scaleRangeOf } from '../scale/plan.ts';
import type { ScaleReport } from '../scale/report.ts';
import { AttachedPod } from './attached-pod.ts';
import { verifyAttachments, type ExpectedAttachment } from './checks.ts';
import type { ScenarioEnv } from './env.ts';
import { nodesFor } from './requirements.ts';

// At most this many pods created and not Ready yet. With all 100 pods of
// `--scale 100` starting at once on the 2-core testbed, thin Multus' own read
// of the pod timed out for 1 to 13 of them per run (`error waiting for pod:
// … context deadline exceeded`; the kubelet retried, every pod came up): a
// burst past what the node can start at once measures the node's overload,
// not Multus. A window keeps the node busy without that.
const IN_FLIGHT = 32;
// Execs are heavier than creates (a websocket and a process in the pod each).
const CHECK_CONCURRENCY = 8;
const NETWORKS = ['scale-a', 'scale-b'] as const;
const SAMPLES = 5;

/**
 * scale/pods: N pods on one node, each with two macvlan attachments on the
 * scenario's own NADs (ranges sized to N on the scale subnet). Refuses before
 * creating anything when the range or the node's room is too small. Every
 * pod gets the full attachment check (one exec each); then all addresses
 * must be unique. Ready latency and the run's IPAM and other network errors
 * go into notes and the test case's meta, whatever the outcome.
 */
export async function scalePods(env: ScenarioEnv, n: number): Promise<void> {
  const { range, problem } = scaleRangeOf(env.profile);
  if (!range) throw new ScaleRefused(problem ?? 'no scale range configured');
  const ranges = nadRanges(n, range);
  const rooms = await readNodeRooms(env.kc, nodesFor(env.cluster, 'macvlan').nodes);
  const { node } = pickNode(n, rooms);
  // Only now, with the plan known to fit: nothing is created for an N that cannot run.
  await env.newNamespace(env.slug);

  const nads = await Promise.all(
    NETWORKS.map((name, i) => env.nad('scale-macvlan', { name, vars: { nadRangeStart: ranges[i]!.start, nadRangeEnd: ranges[i]!.end } })),
  );
  const expected: ExpectedAttachment[] = nads.map((nad, i) => ({ iface: `net${i + 1}`, nad, kind: 'macvlan', mode: 'bridge' }));
  const names = Array.from({ length: n }, (_, i) => `scale-${String(i).padStart(String(n - 1).length, '0')}`);
  const report: ScaleReport = {
    pods: n,
    attachmentsPerPod: NETWORKS.length,
    node,
    subnet: range.subnet,
    ranges,
    checked: 0,
    ipamErrors: { count: 0, samples: [] },
    otherNetworkErrors: { count: 0, samples: [] },
    stepsMs: { create: 0, ready: 0, check: 0 },
  };
  env.note(`${n} pods × ${NETWORKS.length} attachments on node ${node}; ${nads.map((d, i) => `${d.metadata.name} ${ranges[i]!.start}-${ranges[i]!.end}`).join(', ')}`);
  const t0 = performance.now();
  try {
    // Watching starts before the first create, and each pod is checked as
    // soon as it is Ready, while the others are still created or coming up.
    const check = pLimit(CHECK_CONCURRENCY);
    const checks: Array<Promise<HeldIps[]>> = [];
    const readyOf = new Map(names.map((name) => [name, signal()]));
    const onReady = (pod: k8s.V1Pod): void => {
      readyOf.get(pod.metadata?.name ?? '')?.resolve();
      const done = check(() => checkPod(env, pod, expected));
      done.catch(() => undefined); // settled below, also when the wait fails first
      checks.push(done);
    };
    const created = new AbortController();
    const ready = env.watch.time('pod → Ready', () =>
      waitForPodsReady(env.kc, env.ns, names, { timeoutMs: readyBudgetMs(n, env.timeouts.podReady), onReady, signal: created.signal }),
    );
    // A failed wait ends the creates: the window is freed and no further pod
    // is created; the wait's error is thrown below.
    let waitFailed = false;
    ready.catch(() => {
      waitFailed = true;
      readyOf.forEach((r) => r.resolve());
    });
    const window = pLimit(IN_FLIGHT);
    let lastCreated = t0;
    try {
      await Promise.all(
        names.map((name) =>
          window(async () => {
            if (waitFailed) return;
            await env.createPod(name, { networks: NETWORKS.join(','), node });
            lastCreated = performance.now();
            await readyOf.get(name)!.promise;
          }),
        ),
      );
    } catch (e) {
      created.abort('a pod could not be created');
      await ready.catch(() => undefined);
      throw e;
    }
    const pods = await ready;
    const t2 = performance.now();
    report.stepsMs.create = Math.round(lastCreated - t0);
    report.stepsMs.ready = Math.round(t2 - lastCreated);
    const latency = summarize(readyLatencies(pods).latencies);
    if (latency) {
      report.readyLatency = latency;
      env.note(describeLatency(latency));
    }
    const held = await settled(env, checks, report);
    assertUniqueIps(held);
    // What the checks added after the last pod was Ready.
    report.stepsMs.check = Math.round(performance.now() - t2);
  } finally {
    await recordErrors(env, report);
    env.meta.scale = report;
  }
}

/** A promise and the function that fulfils it (Promise.withResolvers is Node 22). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** One pod's full attachment check (one exec); the addresses each attachment holds. */
async function checkPod(env: ScenarioEnv, ready: k8s.V1Pod, expected: readonly ExpectedAttachment[]): Promise<HeldIps[]> {
  const pod = new AttachedPod(env.kc, ready, env.timeouts.exec, env.watch);
  const { live } = await verifyAttachments(pod, expected, env.cluster);
  return expected.map((e) => ({ pod: pod.id, iface: e.iface, ips: assignedIps(assertInterfacePresent(pod.id, live, e.iface)) }));
}

/** Every pod's check, finished; on failures the first is thrown and their count noted. */
async function settled(env: ScenarioEnv, checks: ReadonlyArray<Promise<HeldIps[]>>, report: ScaleReport): Promise<HeldIps[]> {
  const results = await Promise.allSettled(checks);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  report.checked = results.length - failures.length;
  if (failures.length > 0) {
    env.note(`${failures.length} of ${results.length} pods failed their attachment checks`);
    throw failures[0];
  }
  return results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
}

/** The failure events of the scenario's namespace, as IPAM errors and other network errors. */
async function recordErrors(env: ScenarioEnv, report: ScaleReport): Promise<void> {
  try {
    const events = (await env.core.listNamespacedEvent({ namespace: env.ns })).items;
    const errors = networkErrors(events);
    report.ipamErrors = { count: occurrences(errors.ipam), samples: errors.ipam.slice(0, SAMPLES) };
    report.otherNetworkErrors = { count: occurrences(errors.other), samples: errors.other.slice(0, SAMPLES) };
    env.note(describeErrors('IPAM errors', errors.ipam));
    env.note(describeErrors('other network errors', errors.other));
  } catch (e) {
    env.note(`IPAM errors: not known, the namespace's events could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}
