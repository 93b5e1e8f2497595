import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { kindClusterConfig, kindContext, kindKubeconfigPath } from '../../helpers/providers/kind.ts';

describe('kind cluster config', () => {
  it('has one control plane and workers up to kind.nodes', () => {
    const config: unknown = YAML.parse(kindClusterConfig(RunSettingsSchema.parse({ provider: 'kind', kind: { nodes: 3 } })));
    expect(config).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      nodes: [{ role: 'control-plane' }, { role: 'worker' }, { role: 'worker' }],
    });
  });

  it('defaults to two nodes, so scenarios can go across nodes', () => {
    const config = YAML.parse(kindClusterConfig(RunSettingsSchema.parse({ provider: 'kind' }))) as { nodes: unknown[] };
    expect(config.nodes).toEqual([{ role: 'control-plane' }, { role: 'worker' }]);
  });

  it('puts the node image on every node', () => {
    const image = 'kindest/node:v1.33.1';
    const config = YAML.parse(kindClusterConfig(RunSettingsSchema.parse({ kind: { nodes: 2, nodeImage: image } }))) as { nodes: unknown[] };
    expect(config.nodes).toEqual([
      { role: 'control-plane', image },
      { role: 'worker', image },
    ]);
  });

  it('names the context and kubeconfig after the cluster; --kubeconfig wins', () => {
    const s = RunSettingsSchema.parse({ provider: 'kind', kind: { clusterName: 'nightly' } });
    expect(kindContext('nightly')).toBe('kind-nightly');
    expect(kindKubeconfigPath(s)).toMatch(/multus-conformance\/kind-nightly\.kubeconfig$/);
    expect(kindKubeconfigPath({ ...s, kubeconfig: '/tmp/k' })).toBe('/tmp/k');
  });
});
