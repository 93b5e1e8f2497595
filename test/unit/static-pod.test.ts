import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { assertLeaseReleased, assertMirrorPod } from '../../helpers/assert/static-pod.ts';
import { hostLocalLease, kubeletStaticPodPath, mirrorPodName, staticPodManifest } from '../../helpers/scenario/static-pod.ts';
import { POD, expectFailure } from './expect-failure.ts';

// The annotation keys a kubelet puts on the mirror of a static pod read from
// its manifest directory (k8s.io/kubernetes pkg/kubelet/types: config.hash,
// .mirror, .seen, .source "file"); the values are written by hand.
const MIRROR = {
  'k8s.v1.cni.cncf.io/networks': 'macvlan-conf',
  'kubernetes.io/config.hash': '4f1c1c1b0d8a4c9e2f4f0e1f3b2a1c0d',
  'kubernetes.io/config.mirror': '4f1c1c1b0d8a4c9e2f4f0e1f3b2a1c0d',
  'kubernetes.io/config.seen': '2026-11-30T13:26:20.000000000Z',
  'kubernetes.io/config.source': 'file',
};

describe('assertMirrorPod', () => {
  it('passes on a mirror pod of a manifest file', () => {
    expect(() => assertMirrorPod(POD, MIRROR)).not.toThrow();
  });

  it('fails on a pod made through the API (no mirror annotation)', () => {
    expectFailure(() => assertMirrorPod(POD, { 'k8s.v1.cni.cncf.io/networks': 'macvlan-conf' }), {
      expected: 'annotations kubernetes.io/config.mirror and kubernetes.io/config.source=file',
      actual: 'kubernetes.io/config.mirror absent, kubernetes.io/config.source=(absent)',
    });
  });

  it('fails on a mirror of another source', () => {
    expectFailure(() => assertMirrorPod(POD, { ...MIRROR, 'kubernetes.io/config.source': 'http' }), {
      expected: 'kubernetes.io/config.source=file',
      actual: 'kubernetes.io/config.mirror present, kubernetes.io/config.source=http',
    });
  });
});

describe('assertLeaseReleased', () => {
  it('passes when no lease is left', () => {
    expect(() => assertLeaseReleased(POD, 'net1', '192.168.1.104', [])).not.toThrow();
  });

  it('fails naming the pod, net1, the address and the lease file left', () => {
    expectFailure(() => assertLeaseReleased(POD, 'net1', '192.168.1.104', ['/var/lib/cni/networks/macvlan-conf/192.168.1.104']), {
      iface: 'net1',
      expected: 'no host-local lease for 192.168.1.104',
      actual: 'lease /var/lib/cni/networks/macvlan-conf/192.168.1.104 still on the node',
    });
  });
});

describe('static pod helpers', () => {
  it('the manifest is the test pod in the scenario namespace, run-labelled, with the networks annotation', () => {
    const pod = parse(staticPodManifest({ name: 'static', namespace: 'mc-r1-annotations-static-pod', runId: 'r1', image: 'img:1', networks: 'macvlan-conf' }));
    expect(pod).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'static',
        namespace: 'mc-r1-annotations-static-pod',
        labels: { 'multus-conformance.io/run-id': 'r1', 'multus-conformance.io/owned': 'true' },
        annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-conf' },
      },
      spec: { automountServiceAccountToken: false, containers: [{ image: 'img:1' }] },
    });
    expect(mirrorPodName('static', 'mc-node')).toBe('static-mc-node');
  });

  it('reads staticPodPath from the kubelet config up.sh writes; none when unset or no config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-unit-kubelet-'));
    expect(kubeletStaticPodPath(dir)).toEqual({ configFile: join(dir, 'config', 'kubelet.yaml') });
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'kubelet.yaml'), 'kind: KubeletConfiguration\nmaxPods: 110\n');
    expect(kubeletStaticPodPath(dir).dir).toBeUndefined();
    writeFileSync(join(dir, 'config', 'kubelet.yaml'), `kind: KubeletConfiguration\nmaxPods: 110\nstaticPodPath: ${dir}/manifests\n`);
    expect(kubeletStaticPodPath(dir).dir).toBe(`${dir}/manifests`);
  });

  it('host-local leases are named after the address', () => {
    expect(hostLocalLease('macvlan-conf', '192.168.1.104/24')).toBe('/var/lib/cni/networks/macvlan-conf/192.168.1.104');
  });
});
