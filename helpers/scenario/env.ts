import { createHash } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import pRetry from 'p-retry';
import type { TaskMeta } from 'vitest';
import { loadKubeConfig } from '../k8s/client.ts';
import { createRunNamespace, deleteNamespace } from '../k8s/namespace.ts';
import { applyObjects } from '../k8s/apply.ts';
import { eventsFor } from '../k8s/events.ts';
import { askKubeletRetry } from '../k8s/kubelet-retry.ts';
import { restartMultus, restartTarget, type RestartResult } from '../multus/restart.ts';
import type { RestartTicket } from '../multus/restart-rounds.ts';
import { waitFor, waitForPodReady, watchSubscription, describePod, WaitTimeout } from '../k8s/wait.ts';
import type { ConformanceFailure } from '../errors.ts';
import type { EventError } from '../assert/event-error.ts';
import type { CauseMatcher } from '../assert/negative-cause.ts';
import { judgeExpectedFailure, judgeHold, stuckDeletion, type ExpectedFailure } from '../assert/pod-failure.ts';
import { profileVars, renderNad, renderPodFixture, type NadObject, type TemplateVars } from '../fixtures/render.ts';
import type { ProfileValues } from '../fixtures/profile.ts';
import { NETWORKS_ANNOTATION } from '../parse/network-selection.ts';
import { AttachedPod } from './attached-pod.ts';
import type { ClusterInfo } from './cluster-info.ts';
import { collectDiagnostics } from './diagnostics.ts';
import type { Timeouts } from './timeouts.ts';
import { nodesFor } from './requirements.ts';
import { Stopwatch } from '../timing/stopwatch.ts';

export interface PodOptions {
  /** Value of k8s.v1.cni.cncf.io/networks; no annotation when absent. */
  networks?: string;
  node?: string;
  namespace?: string;
  /** Extended resources to request (SR-IOV VFs), as name → count. */
  resources?: Record<string, string>;
  /** Pod labels (what MultiNetworkPolicy selectors match). */
  labels?: Record<string, string>;
  /** More pod annotations (v1.multus-cni.io/default-network); they attach networks too, so the pod goes where macvlan can. */
  annotations?: Record<string, string>;
}

export interface PodFailure {
  pod: k8s.V1Pod;
  /** The failure event that showed the provoked cause, split into wrapper and error part. */
  cause: EventError;
}

/**
 * Pods with attachments go to nodes that can attach them (the master is there
 * and up, inside network.nodeSelector): without this, the scheduler could put
 * one on a node the run skipped, and its failure would blame Multus.
 */
function attachAffinity(cluster: ClusterInfo): k8s.V1Affinity | undefined {
  const nodes = nodesFor(cluster, 'macvlan').nodes;
  if (nodes.length === 0 || nodes.length === cluster.nodes.length) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: nodes }] }],
      },
    },
  };
}

/**
 * Everything one scenario touches: its own run-labelled namespace(s), the
 * NADs and pods it creates (all inside those namespaces) and the diagnostics
 * collected if it fails. `cleanup` deletes the namespaces, which takes
 * everything in them along.
 */
export class ScenarioEnv {
  readonly kc: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly namespaces: string[] = [];
  /** Notes for the report (annotated on the test case as `note`). */
  readonly notes: string[] = [];
  /** Figures for the JSON report: copied into the test case's meta (scale/pods: its latency and errors). */
  readonly meta: Partial<TaskMeta> = {};
  /** The NADs applied, with a hash of their config: the run's reports record them (annotation `nad`). */
  readonly appliedNads: Array<{ name: string; configSha256: string }> = [];
  readonly profile: ProfileValues;
  readonly timeouts: Timeouts;

  private constructor(
    readonly cluster: ClusterInfo,
    readonly slug: string,
    /** Where the scenario's time goes (`--timings`). */
    readonly watch: Stopwatch,
    /** This scenario's place in the run's shared Multus restart (disruptive scenarios). */
    private readonly restartTicket: RestartTicket | undefined,
  ) {
    this.kc = loadKubeConfig({ kubeconfig: cluster.kubeconfig, context: cluster.context });
    this.core = this.kc.makeApiClient(k8s.CoreV1Api);
    this.profile = cluster.profile;
    this.timeouts = cluster.timeouts;
  }

  /** With `namespace: false` (read-only scenarios) no namespace is made up front; `newNamespace` still makes one when asked. */
  static async create(cluster: ClusterInfo, slug: string, opts: { namespace: boolean; watch?: Stopwatch; restart?: RestartTicket | undefined }): Promise<ScenarioEnv> {
    const env = new ScenarioEnv(cluster, slug, opts.watch ?? new Stopwatch(), opts.restart);
    if (opts.namespace) await env.newNamespace(slug);
    return env;
  }

  /**
   * Restarts Multus (restartMultus, confined to the detected DaemonSet's
   * pods); `during(node)` creates pods in the restart window. A disruptive
   * scenario shares the restart with the run's other disruptive scenarios.
   */
  async restartMultus(during?: (node: string) => Promise<void>): Promise<RestartResult> {
    const run = (d: ((node: string) => Promise<void>) | undefined): Promise<RestartResult> =>
      restartMultus(this.kc, restartTarget(this.cluster.multus), { timeoutMs: this.timeouts.multusReady, ...(d ? { during: d } : {}) });
    return await (this.restartTicket ? this.restartTicket.join(run, during) : run(during));
  }

  /** The scenario's main namespace. */
  get ns(): string {
    const ns = this.namespaces[0];
    if (ns === undefined) throw new Error(`scenario ${this.slug} has no namespace of its own (catalog: read-only)`);
    return ns;
  }

  async newNamespace(slug: string): Promise<string> {
    const name = await this.watch.time('namespace', () => createRunNamespace(this.kc, this.cluster.runId, slug));
    this.namespaces.push(name);
    return name;
  }

  /** Renders, validates and applies a NAD fixture; returns the applied object. */
  async nad(fixture: string, opts: { name?: string; namespace?: string; vars?: TemplateVars } = {}): Promise<NadObject> {
    const name = opts.name ?? fixture;
    const nad = renderNad(fixture, profileVars(this.profile, { name, ...opts.vars }));
    nad.metadata.namespace = opts.namespace ?? this.ns;
    await this.watch.time('NAD', () => applyObjects(this.kc, [nad as unknown as k8s.KubernetesObject]));
    this.appliedNads.push({ name, configSha256: createHash('sha256').update(nad.spec.config ?? '').digest('hex') });
    return nad;
  }

  /** Creates a test pod without waiting. */
  async createPod(name: string, opts: PodOptions = {}): Promise<k8s.V1Pod> {
    const body = renderPodFixture<k8s.V1Pod>('test-pod', { name, image: this.profile.testImage });
    body.metadata = { ...body.metadata, namespace: opts.namespace ?? this.ns };
    if (opts.networks !== undefined) body.metadata.annotations = { [NETWORKS_ANNOTATION]: opts.networks };
    if (opts.annotations) body.metadata.annotations = { ...body.metadata.annotations, ...opts.annotations };
    if (opts.labels) body.metadata.labels = { ...body.metadata.labels, ...opts.labels };
    if (opts.node) body.spec!.nodeName = opts.node;
    else if (opts.networks !== undefined || opts.annotations !== undefined) {
      const affinity = attachAffinity(this.cluster);
      if (affinity) body.spec!.affinity = affinity;
    }
    if (opts.resources) {
      const c = body.spec!.containers[0]!;
      c.resources = { requests: { ...c.resources?.requests, ...opts.resources }, limits: { ...opts.resources } };
    }
    const namespace = body.metadata.namespace!;
    return await this.watch.time('pod → Ready', () => this.core.createNamespacedPod({ namespace, body }));
  }

  /** Creates a test pod and waits until it is Ready. */
  async pod(name: string, opts: PodOptions = {}): Promise<AttachedPod> {
    await this.createPod(name, opts);
    return await this.waitReady(name, opts.namespace);
  }

  /** Waits until an already created pod is Ready. */
  async waitReady(name: string, namespace = this.ns): Promise<AttachedPod> {
    const ready = await this.watch.time('pod → Ready', () => waitForPodReady(this.kc, namespace, name, this.timeouts.podReady));
    return new AttachedPod(this.kc, ready, this.timeouts.exec, this.watch);
  }

  /**
   * Pods waiting on a failed sandbox are tried again now rather than on the
   * kubelet's timer (askKubeletRetry), for a cause the scenario has just
   * removed. Without the permission to ask, the run waits for the timer.
   */
  async retryNow(...names: string[]): Promise<void> {
    const asked = await this.watch.time('pod → Ready', () => askKubeletRetry(this.kc, this.ns, names));
    if (!asked) this.note(`pods ${names.map((n) => `${this.ns}/${n}`).join(', ')}: may not patch pods here, so they wait for the kubelet's own retry (10-15 s)`);
  }

  /**
   * Creates a pod that must not start, waits for the failure event that
   * shows the provoked cause (judgeExpectedFailure), then watches that the
   * pod stays down for `failureHold`. Fails if the pod runs, or if it fails
   * for another cause.
   */
  async podExpectingFailure(name: string, opts: PodOptions & { iface: string; cause: CauseMatcher }): Promise<PodFailure> {
    const namespace = opts.namespace ?? this.ns;
    const want: ExpectedFailure = { pod: `${namespace}/${name}`, iface: opts.iface, cause: opts.cause };
    await this.createPod(name, opts);
    // Only transient API errors so far: a loaded API server slows Multus'
    // own lookup of the pod and the kubelet backs off between sandbox
    // attempts, so the wait gets one more window (never more: bounded).
    let transientOnly = false;
    const wait = () =>
      waitFor(
        `pod ${want.pod}: waiting for the failure event (${want.cause.cause}; it must not start)`,
        async () => {
          const pod = await this.core.readNamespacedPod({ namespace, name });
          const v = judgeExpectedFailure(want, pod, await eventsFor(this.kc, namespace, name));
          if (v.kind === 'waiting') transientOnly = v.transient > 0;
          return v.kind === 'waiting' ? { done: false, state: v.state } : { done: true, value: { v, pod }, state: '' };
        },
        { timeoutMs: this.timeouts.podFailure, subscribe: watchSubscription(this.kc, `/api/v1/namespaces/${namespace}/events`, {}) },
      );
    const verdict = await this.watch.time('pod → Ready', () =>
      wait().catch((e: unknown) => {
        if (!(e instanceof WaitTimeout) || !transientOnly) throw e;
        return wait();
      }),
    );
    const { v, pod } = verdict;
    if (v.kind === 'violation') throw v.failure;
    await this.watch.time('pod → Ready', () => this.holdDown(want, v.event));
    return { pod, cause: v.event };
  }

  /** Watches a failed pod for `failureHold`; fails as soon as it runs. */
  private async holdDown(want: ExpectedFailure, failedWith: EventError): Promise<void> {
    const [namespace, name] = want.pod.split('/') as [string, string];
    const hold = this.timeouts.failureHold;
    const since = Date.now();
    const look = async (): Promise<ConformanceFailure | undefined> =>
      judgeHold(want, await this.core.readNamespacedPod({ namespace, name }), failedWith, Date.now() - since, hold);
    let ran: ConformanceFailure | undefined;
    try {
      ran = await waitFor(
        `pod ${want.pod}: staying down after its failure event`,
        async () => {
          const failure = await look();
          return failure ? { done: true, value: failure, state: 'running' } : { done: false, state: 'down' };
        },
        { timeoutMs: hold, intervalMs: 1000, subscribe: watchSubscription(this.kc, `/api/v1/namespaces/${namespace}/pods`, { fieldSelector: `metadata.name=${name}` }) },
      );
    } catch (e) {
      if (!(e instanceof WaitTimeout)) throw e;
    }
    if (ran) throw ran;
    // The hold ran out without the pod running: one last look at its end,
    // so a hold whose every probe failed cannot pass unobserved.
    const last = await look();
    if (last) throw last;
  }

  async deletePod(name: string, namespace = this.ns, wait = true): Promise<void> {
    await this.watch.time('delete', async () => {
      await this.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
      if (wait) await this.waitGone(namespace, name, this.timeouts.podDeleted);
    });
  }

  private async waitGone(namespace: string, name: string, timeoutMs: number): Promise<void> {
    await waitFor(
      `pod ${namespace}/${name}: waiting for deletion`,
      async () => {
        try {
          const pod = await this.core.readNamespacedPod({ namespace, name });
          return { done: false, state: describePod(pod) };
        } catch (e) {
          if (e instanceof k8s.ApiException && e.code === 404) return { done: true, value: undefined, state: 'gone' };
          throw e;
        }
      },
      { timeoutMs, subscribe: watchSubscription(this.kc, `/api/v1/namespaces/${namespace}/pods`, { fieldSelector: `metadata.name=${name}` }) },
    );
  }

  /**
   * Deletes a pod gracefully and requires it to be gone in time; on timeout
   * the failure carries the kubelet's last word (KillPodSandbox errors).
   * `iface` names the attachment that failed, for the message.
   */
  async expectDeleted(name: string, namespace = this.ns, iface?: string): Promise<void> {
    await this.watch.time('delete', () => this.expectDeletedUntimed(name, namespace, iface));
  }

  private async expectDeletedUntimed(name: string, namespace: string, iface: string | undefined): Promise<void> {
    await this.core.deleteNamespacedPod({ namespace, name });
    try {
      await this.waitGone(namespace, name, this.timeouts.podDeleted);
    } catch (e) {
      if (!(e instanceof WaitTimeout)) throw e;
      let pod: k8s.V1Pod | undefined;
      try {
        pod = await this.core.readNamespacedPod({ namespace, name });
      } catch (r) {
        if (r instanceof k8s.ApiException && r.code === 404) return; // gone just now
      }
      const events = await eventsFor(this.kc, namespace, name).catch(() => []);
      throw stuckDeletion(`${namespace}/${name}`, pod, events, this.timeouts.podDeleted, iface);
    }
  }

  /**
   * Creates a StatefulSet of test pods (the test pod fixture as its template,
   * pods started in parallel) without waiting. Its pods are `<name>-<ordinal>`.
   */
  async statefulSet(name: string, opts: { replicas: number; networks: string }): Promise<void> {
    const pod = renderPodFixture<k8s.V1Pod>('test-pod', { name, image: this.profile.testImage });
    const labels = { 'multus-conformance.io/statefulset': name };
    const affinity = attachAffinity(this.cluster);
    const body: k8s.V1StatefulSet = {
      metadata: { name, namespace: this.ns },
      spec: {
        replicas: opts.replicas,
        serviceName: name,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { [NETWORKS_ANNOTATION]: opts.networks } },
          spec: { ...pod.spec!, ...(affinity ? { affinity } : {}) },
        },
      },
    };
    await this.watch.time('pod → Ready', () => this.kc.makeApiClient(k8s.AppsV1Api).createNamespacedStatefulSet({ namespace: this.ns, body }));
  }

  /** Sets a StatefulSet's replicas; scaling down waits until the pods beyond the new count are gone. */
  async scaleStatefulSet(name: string, replicas: number): Promise<void> {
    const apps = this.kc.makeApiClient(k8s.AppsV1Api);
    const namespace = this.ns;
    // Read, change, replace; again on a conflict: the StatefulSet controller
    // writes the object too (its status), and a replace carrying the
    // resourceVersion read before that is refused with 409 (seen on kind).
    const before = await pRetry(
      async () => {
        const sts = await apps.readNamespacedStatefulSet({ namespace, name });
        const had = sts.spec?.replicas ?? 0;
        sts.spec = { ...sts.spec!, replicas };
        await apps.replaceNamespacedStatefulSet({ namespace, name, body: sts });
        return had;
      },
      { retries: 5, minTimeout: 100, maxTimeout: 1000, shouldRetry: ({ error }) => error instanceof k8s.ApiException && error.code === 409 },
    );
    const gone = Array.from({ length: Math.max(0, before - replicas) }, (_, i) => `${name}-${replicas + i}`);
    await this.watch.time('delete', () => Promise.all(gone.map((pod) => this.waitGone(namespace, pod, this.timeouts.podDeleted))));
  }

  note(text: string): void {
    this.notes.push(text);
  }

  async diagnostics(): Promise<string> {
    return await collectDiagnostics(this);
  }

  /** Deletes the scenario's namespaces (pods first, forced: see deleteNamespace). */
  async cleanup(): Promise<void> {
    await this.watch.time('delete', () => Promise.all(this.namespaces.map((ns) => deleteNamespace(this.kc, ns))));
  }
}
