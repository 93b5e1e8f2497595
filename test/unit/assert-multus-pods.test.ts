import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { assertNoRestartsSince, assertNotOomKilled, describeMultusPods } from '../../helpers/assert/multus-pods.ts';
import { multusPodOf, podRecord, type MultusPod } from '../../helpers/multus/pods.ts';
import { expectFailure } from './expect-failure.ts';
import { clone, payload } from './recorded.ts';

// The testbed's Multus pod (thin v4.2.3), as the API returned it (test/payloads/README.md).
const RAW = JSON.parse(payload('daemonsets/testbed-thin-pod.json')) as k8s.V1Pod;
const POD = multusPodOf(RAW);
const ID = 'kube-system/kube-multus-ds-ztxp4';
const BASELINE = { file: '/tmp/before/report.json', pods: [podRecord(POD)] };

/** The recorded pod with its kube-multus container changed. */
function withMain(change: (s: k8s.V1ContainerStatus) => void): MultusPod {
  const raw = clone(RAW);
  change(raw.status!.containerStatuses!.find((s) => s.name === 'kube-multus')!);
  return multusPodOf(raw);
}

describe('multusPodOf', () => {
  it('reads containers (init included), restarts, images, limits and how each ended', () => {
    expect(POD).toMatchObject({
      namespace: 'kube-system',
      name: 'kube-multus-ds-ztxp4',
      uid: '05a19ae6-499b-4b82-ba83-9983fb627adc',
      node: 'mc-node',
      ready: true,
      containers: [
        { name: 'install-multus-binary', init: true, restarts: 0, terminated: { reason: 'Completed', exitCode: 0 }, limits: {} },
        { name: 'kube-multus', init: false, restarts: 0, image: 'localhost/multus-conformance/multus:v4.2.3', limits: { cpu: '200m', memory: '100Mi' } },
      ],
    });
    expect(podRecord(POD)).toEqual({ name: 'kube-multus-ds-ztxp4', uid: '05a19ae6-499b-4b82-ba83-9983fb627adc', node: 'mc-node', restarts: { 'install-multus-binary': 0, 'kube-multus': 0 } });
  });
});

describe('assertNotOomKilled', () => {
  it('passes on the testbed pod', () => {
    expect(() => assertNotOomKilled([POD])).not.toThrow();
  });
  it('fails on a container whose last state is OOMKilled: names pod, container, node, limit', () => {
    const oom = withMain((s) => {
      s.restartCount = 3;
      s.lastState = { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-30T06:01:02Z' as unknown as Date } };
    });
    const f = expectFailure(() => assertNotOomKilled([oom]), { expected: 'never OOMKilled', actual: 'OOMKilled (exit code 137, 2026-11-30T06:01:02Z), memory limit 100Mi, 3 restart(s)' }, ID);
    expect(f.message).toContain('container kube-multus on node mc-node: last termination');
    expect(f.message).toContain('multus-cni#1346');
  });
  it('fails on an init container killed now, not only before', () => {
    const raw = clone(RAW);
    raw.status!.initContainerStatuses![0]!.state = { terminated: { reason: 'OOMKilled', exitCode: 137 } };
    expectFailure(() => assertNotOomKilled([multusPodOf(raw)]), { expected: 'never OOMKilled', actual: 'OOMKilled (exit code 137), memory limit none' }, ID);
  });
  it('another reason to end is not an OOM kill', () => {
    const errored = withMain((s) => {
      s.lastState = { terminated: { reason: 'Error', exitCode: 2 } };
    });
    expect(() => assertNotOomKilled([errored])).not.toThrow();
  });
});

describe('assertNoRestartsSince', () => {
  it('passes when the pod the baseline saw has restarted no more', () => {
    expect(assertNoRestartsSince(BASELINE, [POD])).toEqual([]);
  });
  it('fails when it restarted since: names pod, container, node, baseline and counts', () => {
    const restarted = withMain((s) => {
      s.restartCount = 2;
      s.lastState = { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2026-11-30T06:01:02Z' as unknown as Date } };
    });
    const f = expectFailure(
      () => assertNoRestartsSince(BASELINE, [restarted]),
      { expected: '0 restart(s), as in the baseline', actual: '2 restart(s); last ended Error (exit code 1, 2026-11-30T06:01:02Z)' },
      ID,
    );
    expect(f.message).toContain('container kube-multus on node mc-node: restarts since the baseline run (/tmp/before/report.json)');
  });
  it('a pod that replaced the baseline\'s must not have restarted at all; replaced alone is a note', () => {
    const replaced = multusPodOf({ ...clone(RAW), metadata: { ...RAW.metadata, name: 'kube-multus-ds-new01', uid: 'aaaaaaaa-0000-0000-0000-000000000000' } });
    expect(assertNoRestartsSince(BASELINE, [replaced])).toEqual(['kube-system/kube-multus-ds-new01 on mc-node replaced kube-multus-ds-ztxp4 since the baseline']);
    const raw = clone(RAW);
    raw.metadata = { ...raw.metadata, name: 'kube-multus-ds-new01', uid: 'aaaaaaaa-0000-0000-0000-000000000000' };
    raw.status!.containerStatuses![0]!.restartCount = 1;
    expectFailure(
      () => assertNoRestartsSince(BASELINE, [multusPodOf(raw)]),
      { expected: '0 restarts (the pod is new since the baseline, which had kube-multus-ds-ztxp4)', actual: '1 restart(s)' },
      'kube-system/kube-multus-ds-new01',
    );
  });
  it('a node the baseline did not have is a note', () => {
    const elsewhere = multusPodOf({ ...clone(RAW), spec: { ...RAW.spec!, nodeName: 'mc-node2' }, metadata: { ...RAW.metadata, uid: 'b' } });
    expect(assertNoRestartsSince(BASELINE, [elsewhere])).toEqual([`${ID} on mc-node2: the baseline recorded no Multus pod on that node`]);
  });
});

describe('describeMultusPods', () => {
  it('restarts, limits, and one image on every node', () => {
    expect(describeMultusPods([POD])).toEqual([
      `${ID} on mc-node: init container install-multus-binary: 0 restart(s), limits none; container kube-multus: 0 restart(s), limits cpu 200m, memory 100Mi`,
      'one image on all 1 node(s): localhost/multus-conformance/multus:v4.2.3 (sha256:828447bedf51fddd0c4a35aa9e4570fa36bed00debdf331310e4cb4789d744c9)',
    ]);
  });
  it('says when the nodes run different images', () => {
    const other = withMain((s) => {
      s.image = 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.1.4';
      s.imageID = 'ghcr.io/k8snetworkplumbingwg/multus-cni@sha256:1111';
    });
    const lines = describeMultusPods([POD, { ...other, node: 'mc-node2' }]);
    expect(lines.at(-1)).toBe(
      '2 different images: localhost/multus-conformance/multus:v4.2.3 (sha256:828447bedf51fddd0c4a35aa9e4570fa36bed00debdf331310e4cb4789d744c9) on mc-node; ghcr.io/k8snetworkplumbingwg/multus-cni:v4.1.4 (sha256:1111) on mc-node2',
    );
  });
});
