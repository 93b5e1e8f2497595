import { describe, expect, it } from 'vitest';
import type * as k8s from '@kubernetes/client-node';
import { payload } from './recorded.ts';
import { corefileWithoutForward, kindNodesFromApi, notReadyNodes, primaryCniConfig, PRIMARY_NETWORK, routeCommands, type KindNode } from '../../helpers/providers/kind-nodes.ts';

const NODES: KindNode[] = [
  { name: 'c-control-plane', ip: '10.10.0.4', podCidr: '10.244.0.0/24' },
  { name: 'c-worker', ip: '10.10.0.2', podCidr: '10.244.1.0/24' },
  { name: 'c-worker2', ip: '10.10.0.3', podCidr: '10.244.2.0/24' },
];

describe('primary network on kind nodes', () => {
  it('is ptp + host-local over the node pod CIDR, without masquerading', () => {
    const conf = JSON.parse(primaryCniConfig('10.244.1.0/24')) as { name: string; cniVersion: string; plugins: Array<Record<string, unknown>> };
    expect(conf.name).toBe(PRIMARY_NETWORK);
    expect(conf.cniVersion).toBe('0.4.0');
    expect(conf.plugins[0]).toEqual({ type: 'ptp', ipMasq: false, ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] } });
    expect(conf.plugins[1]).toMatchObject({ type: 'portmap' });
  });

  it('routes each other node pod CIDR via that node, never its own', () => {
    expect(routeCommands(NODES[1]!, NODES)).toEqual([
      ['ip', 'route', 'replace', '10.244.0.0/24', 'via', '10.10.0.4'],
      ['ip', 'route', 'replace', '10.244.2.0/24', 'via', '10.10.0.3'],
    ]);
    expect(routeCommands(NODES[0]!, [NODES[0]!])).toEqual([]);
  });
});

describe('CoreDNS without an upstream', () => {
  const corefile = payload('kind-coredns-corefile.txt');

  it('drops the forward block of kubeadm Corefile and keeps everything else', () => {
    expect(corefile).toMatch(/forward \. \/etc\/resolv\.conf \{/);
    const out = corefileWithoutForward(corefile);
    expect(out).not.toMatch(/forward|max_concurrent/);
    expect(out).toMatch(/kubernetes cluster\.local in-addr\.arpa ip6\.arpa \{\n\s+pods insecure/);
    expect(out).toMatch(/cache 30 \{\n\s+disable success cluster\.local/);
    expect((out.match(/\{/g) ?? []).length).toBe((out.match(/\}/g) ?? []).length);
    expect(out.split('\n').length).toBe(corefile.split('\n').length - 3);
  });

  it('drops a one-line forward too, and leaves a Corefile without one unchanged', () => {
    expect(corefileWithoutForward('.:53 {\n    forward . 8.8.8.8\n    loop\n}')).toBe('.:53 {\n    loop\n}');
    const none = corefileWithoutForward(corefile);
    expect(corefileWithoutForward(none)).toBe(none);
  });
});

describe('kind nodes from the API', () => {
  const node = (name: string, ip?: string, podCIDR?: string, ready = 'True'): k8s.V1Node => ({
    metadata: { name },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: ip ? [{ type: 'InternalIP', address: ip }] : [], conditions: [{ type: 'Ready', status: ready }] },
  });

  it('needs every node address and pod CIDR, naming the ones still missing', () => {
    expect(kindNodesFromApi([node('a', '10.10.0.2', '10.244.0.0/24'), node('b', '10.10.0.3')])).toEqual({ missing: ['b'] });
    expect(kindNodesFromApi([node('a', '10.10.0.2', '10.244.0.0/24')])).toEqual({ nodes: [{ name: 'a', ip: '10.10.0.2', podCidr: '10.244.0.0/24' }], missing: [] });
  });

  it('names the nodes not Ready', () => {
    expect(notReadyNodes([node('a', undefined, undefined, 'True'), node('b', undefined, undefined, 'False'), { metadata: { name: 'c' } }])).toEqual(['b', 'c']);
  });
});
