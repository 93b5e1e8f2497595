import * as k8s from '@kubernetes/client-node';
import { loadKubeConfig } from '../k8s/client.ts';
import { createRunNamespace, deleteNamespace } from '../k8s/namespace.ts';
import { applyObjects } from '../k8s/apply.ts';
import { eventsFor, type PodEvent } from '../k8s/events.ts';
import { waitFor, waitForPodReady, watchSubscription, describePod, WaitTimeout } from '../k8s/wait.ts';
import { ConformanceFailure } from '../errors.ts';
import { profileVars, renderNad, renderPodFixture, type NadObject, type TemplateVars } from '../fixtures/render.ts';
import type { ProfileValues } from '../fixtures/profile.ts';
import { NETWORKS_ANNOTATION } from '../parse/network-selection.ts';
import { AttachedPod } from './attached-pod.ts';
import type { ClusterInfo } from './cluster-info.ts';
import { collectDiagnostics } from './diagnostics.ts';
import type { Timeouts } from './timeouts.ts';
import { nodesFor } from './requirements.ts';

export interface PodOptions {
  /** Value of k8s.v1.cni.cncf.io/networks; no annotation when absent. */
  networks?: string;
  node?: string;
  namespace?: string;
  /** Extended resources to request (SR-IOV VFs), as name → count. */
  resources?: Record<string, string>;
}

export interface PodFailure {
  pod: k8s.V1Pod;
  /** The events that show why the pod cannot run (NoNetworkFound, FailedCreatePodSandBox…). */
  failures: PodEvent[];
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

const FAILURE_REASONS = new Set(['NoNetworkFound', 'FailedCreatePodSandBox', 'ErrorAddingNetwork', 'ErrorUpdatingNetworkStatus']);

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
  readonly profile: ProfileValues;
  readonly timeouts: Timeouts;

  private constructor(
    readonly cluster: ClusterInfo,
    readonly slug: string,
  ) {
    this.kc = loadKubeConfig({ kubeconfig: cluster.kubeconfig, context: cluster.context });
    this.core = this.kc.makeApiClient(k8s.CoreV1Api);
    this.profile = cluster.profile;
    this.timeouts = cluster.timeouts;
  }

  static async create(cluster: ClusterInfo, slug: string): Promise<ScenarioEnv> {
    const env = new ScenarioEnv(cluster, slug);
    await env.newNamespace(slug);
    return env;
  }

  /** The scenario's main namespace. */
  get ns(): string {
    return this.namespaces[0]!;
  }

  async newNamespace(slug: string): Promise<string> {
    const name = await createRunNamespace(this.kc, this.cluster.runId, slug);
    this.namespaces.push(name);
    return name;
  }

  /** Renders, validates and applies a NAD fixture; returns the applied object. */
  async nad(fixture: string, opts: { name?: string; namespace?: string; vars?: TemplateVars } = {}): Promise<NadObject> {
    const name = opts.name ?? fixture;
    const nad = renderNad(fixture, profileVars(this.profile, { name, ...opts.vars }));
    nad.metadata.namespace = opts.namespace ?? this.ns;
    await applyObjects(this.kc, [nad as unknown as k8s.KubernetesObject]);
    return nad;
  }

  /** Creates a test pod without waiting. */
  async createPod(name: string, opts: PodOptions = {}): Promise<k8s.V1Pod> {
    const body = renderPodFixture<k8s.V1Pod>('test-pod', { name, image: this.profile.testImage });
    body.metadata = { ...body.metadata, namespace: opts.namespace ?? this.ns };
    if (opts.networks !== undefined) body.metadata.annotations = { [NETWORKS_ANNOTATION]: opts.networks };
    if (opts.node) body.spec!.nodeName = opts.node;
    else if (opts.networks !== undefined) {
      const affinity = attachAffinity(this.cluster);
      if (affinity) body.spec!.affinity = affinity;
    }
    if (opts.resources) {
      const c = body.spec!.containers[0]!;
      c.resources = { requests: { ...c.resources?.requests, ...opts.resources }, limits: { ...opts.resources } };
    }
    return await this.core.createNamespacedPod({ namespace: body.metadata.namespace!, body });
  }

  /** Creates a test pod and waits until it is Ready. */
  async pod(name: string, opts: PodOptions = {}): Promise<AttachedPod> {
    await this.createPod(name, opts);
    return await this.waitReady(name, opts.namespace);
  }

  /** Waits until an already created pod is Ready. */
  async waitReady(name: string, namespace = this.ns): Promise<AttachedPod> {
    const ready = await waitForPodReady(this.kc, namespace, name, this.timeouts.podReady);
    return new AttachedPod(this.kc, ready, this.timeouts.exec);
  }

  /**
   * Creates a pod that must not start and waits for the event that says why.
   * Fails if the pod becomes Running, or if no failure event shows up.
   */
  async podExpectingFailure(name: string, opts: PodOptions = {}): Promise<PodFailure> {
    const namespace = opts.namespace ?? this.ns;
    await this.createPod(name, opts);
    return await waitFor(
      `pod ${namespace}/${name}: waiting for the failure event (it must not start)`,
      async () => {
        const pod = await this.core.readNamespacedPod({ namespace, name });
        if (pod.status?.phase === 'Running') {
          throw new Error(`pod ${namespace}/${name}: expected it never to run, but it is Running (${describePod(pod)})`);
        }
        const failures = (await eventsFor(this.kc, namespace, name)).filter((e) => FAILURE_REASONS.has(e.reason));
        const state = `${describePod(pod)}; failure events: ${failures.length}`;
        return failures.length > 0 ? { done: true, value: { pod, failures }, state } : { done: false, state };
      },
      { timeoutMs: this.timeouts.podFailure, subscribe: watchSubscription(this.kc, `/api/v1/namespaces/${namespace}/events`, {}) },
    );
  }

  async deletePod(name: string, namespace = this.ns, wait = true): Promise<void> {
    await this.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
    if (wait) await this.waitGone(namespace, name, this.timeouts.podDeleted);
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
   */
  async expectDeleted(name: string, namespace = this.ns): Promise<void> {
    await this.core.deleteNamespacedPod({ namespace, name });
    try {
      await this.waitGone(namespace, name, this.timeouts.podDeleted);
    } catch (e) {
      if (!(e instanceof WaitTimeout)) throw e;
      const last = (await eventsFor(this.kc, namespace, name).catch(() => [])).filter((ev) => ev.type === 'Warning').pop();
      throw new ConformanceFailure({
        pod: `${namespace}/${name}`,
        check: 'delete after a failed attachment (teardown, NPWG §7.2)',
        expected: `pod gone within ${this.timeouts.podDeleted / 1000}s`,
        actual: `still present, Terminating${last ? `; last warning ${last.reason}: ${last.message}` : ''}`,
      });
    }
  }

  note(text: string): void {
    this.notes.push(text);
  }

  async diagnostics(): Promise<string> {
    return await collectDiagnostics(this);
  }

  /** Deletes the scenario's namespaces (pods first, forced: see deleteNamespace). */
  async cleanup(): Promise<void> {
    await Promise.all(this.namespaces.map((ns) => deleteNamespace(this.kc, ns)));
  }
}
