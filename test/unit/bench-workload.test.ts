import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { SCENARIO_LABEL } from '../../helpers/k8s/labels.ts';
import { CATALOG } from '../../helpers/scenario/catalog.ts';
import { baselineNamespaces } from '../../scripts/bench/floor.ts';
import { forScenarios, interfaceChecks, pinnedByCreator, renamed, scenarioOfSlug, workloadPod, type Workload } from '../../scripts/bench/workload.ts';
import { recordedPod } from './recorded-events.ts';
import { payload } from './recorded.ts';

interface Kept {
  namespaces: Array<{ metadata: { name: string; labels: Record<string, string> } }>;
  nads: Array<{ metadata: { name: string; namespace: string }; spec: { config: string } }>;
  pods: k8s.V1Pod[];
}

/** The recorded kept run (test/payloads/bench/kept-run.json) read the way capture.ts reads the cluster. */
const kept = JSON.parse(payload('bench/kept-run.json')) as Kept;
const RUN = 'mc-mch-bench-rec';
const workload: Workload = {
  namespaces: kept.namespaces.map((n) => ({ name: n.metadata.name, scenario: n.metadata.labels[SCENARIO_LABEL]! })),
  nads: kept.nads.map((n) => ({ namespace: n.metadata.namespace, name: n.metadata.name, config: n.spec.config })),
  pods: kept.pods.flatMap((p) => workloadPod(p) ?? []),
};
const pod = (name: string) => workload.pods.find((p) => p.name === name)!;
const ids = CATALOG.map((d) => d.id);

describe('workloadPod', () => {
  it('keeps nodeName of pods the suite bound itself, drops it where the scheduler placed the pod', () => {
    const byName = new Map(kept.pods.map((p) => [p.metadata!.name!, p]));
    // in-pod/macvlan runs per node (pinned); status/shape is scheduled.
    expect(pinnedByCreator(byName.get('macvlan')!)).toBe(true);
    expect(pinnedByCreator(byName.get('status-shape')!)).toBe(false);
    expect(pod('macvlan').spec.nodeName).toBe('mc-node');
    expect(pod('status-shape').spec.nodeName).toBeUndefined();
    expect(byName.get('status-shape')!.spec!.nodeName).toBe('mc-node');
  });

  it('leaves out a pod that is not Ready', () => {
    expect(workloadPod(recordedPod('pending-sandbox-failed'))).toBeUndefined();
    expect(workload.pods.map((p) => p.name).sort()).toEqual(['cross-ns', 'json-form', 'macvlan', 'status-shape']);
  });
});

describe('scenarioOfSlug', () => {
  it.each([
    ['in-pod-macvlan-mc-node', 'in-pod/macvlan'],
    ['in-pod-macvlan-mtu', 'in-pod/macvlan-mtu'],
    ['selection-cross-namespace-nets', 'selection/cross-namespace'],
    ['status-shape', 'status/shape'],
    ['scale-pods', 'scale/pods'],
    ['no-such-scenario', undefined],
    ['in-podx', undefined],
  ])('%s is %s', (slug, id) => {
    expect(scenarioOfSlug(slug, ids)).toBe(id);
  });
});

describe('forScenarios', () => {
  it('takes the namespaces, NADs and pods of the scenarios asked for (the other namespace of cross-namespace too)', () => {
    const part = forScenarios(workload, ids, (id) => id.startsWith('selection/'));
    expect(part.namespaces.map((n) => n.scenario).sort()).toEqual(['selection-cross-namespace', 'selection-cross-namespace-nets', 'selection-json-form']);
    expect(part.pods.map((p) => p.name).sort()).toEqual(['cross-ns', 'json-form']);
    expect(part.nads.map((n) => n.name).sort()).toEqual(['macvlan-conf', 'macvlan-static']);
  });
});

describe('renamed', () => {
  it('moves everything into the baseline namespaces and rewrites ns/name references', () => {
    const w = baselineNamespaces(workload, 'b1-2');
    expect(w.namespaces.every((n) => n.name.startsWith('mc-b1-2-'))).toBe(true);
    const cross = w.pods.find((p) => p.name === 'cross-ns')!;
    const nets = w.namespaces.find((n) => n.scenario === 'selection-cross-namespace-nets')!.name;
    expect(cross.networks).toBe(`${nets}/macvlan-conf`);
    expect(w.nads.filter((n) => n.namespace === nets).map((n) => n.name)).toEqual(['macvlan-conf']);
    expect(JSON.stringify(w)).not.toContain(RUN);
  });

  it('rewrites a namespace named in the JSON form', () => {
    const w: Workload = {
      namespaces: [{ name: 'mc-r-a', scenario: 'a' }],
      nads: [],
      pods: [{ namespace: 'mc-r-a', name: 'p', networks: '[{"name":"n","namespace":"mc-r-a"}]', spec: { containers: [] } }],
    };
    expect(renamed(w, () => 'mc-s-a').pods[0]!.networks).toBe('[{"name":"n","namespace":"mc-s-a"}]');
  });
});

describe('interfaceChecks', () => {
  it('gives each attachment its interface and the NAD range, or the address the pod asked for', () => {
    expect(interfaceChecks(pod('macvlan'), workload.nads)).toEqual([{ iface: 'net1', start: '192.168.1.100', end: '192.168.1.199' }]);
    expect(interfaceChecks(pod('cross-ns'), workload.nads)).toEqual([{ iface: 'net1', start: '192.168.1.100', end: '192.168.1.199' }]);
    expect(interfaceChecks(pod('json-form'), workload.nads)).toEqual([{ iface: 'mcjson0', start: '192.168.1.240', end: '192.168.1.240' }]);
  });

  it('names the pod and the NAD when the NAD is not in the workload', () => {
    expect(() => interfaceChecks(pod('macvlan'), [])).toThrow(`pod ${RUN}-in-pod-macvlan-mc-node/macvlan: NAD ${RUN}-in-pod-macvlan-mc-node/macvlan-conf is not in the workload`);
  });
});
