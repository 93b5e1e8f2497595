import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { kindClusterConfig, kindContext, kindCreateArgs, kindKubeconfigPath } from '../../helpers/providers/kind.ts';

type Config = { networking: unknown; nodes: unknown[] };
const parse = (text: string): Config => YAML.parse(text) as Config;

describe('kind cluster config', () => {
  it('defaults to one control plane and two workers, without kindnet', () => {
    const config = parse(kindClusterConfig(RunSettingsSchema.parse({ provider: 'kind' })));
    expect(config).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      networking: { disableDefaultCNI: true },
      nodes: [{ role: 'control-plane' }, { role: 'worker' }, { role: 'worker' }],
    });
  });

  it('has one control plane and workers up to kind.nodes', () => {
    expect(parse(kindClusterConfig(RunSettingsSchema.parse({ kind: { nodes: 2 } }))).nodes).toEqual([{ role: 'control-plane' }, { role: 'worker' }]);
    expect(parse(kindClusterConfig(RunSettingsSchema.parse({ kind: { nodes: 1 } }))).nodes).toEqual([{ role: 'control-plane' }]);
  });

  it('puts the toolchain image on every node; kind.nodeImage wins over it', () => {
    const local = 'localhost/multus-conformance/kind-node:v1.34.4';
    expect(parse(kindClusterConfig(RunSettingsSchema.parse({ kind: { nodes: 2 } }), local)).nodes).toEqual([
      { role: 'control-plane', image: local },
      { role: 'worker', image: local },
    ]);
    const image = 'kindest/node:v1.33.1';
    expect(parse(kindClusterConfig(RunSettingsSchema.parse({ kind: { nodes: 2, nodeImage: image } }), local)).nodes).toEqual([
      { role: 'control-plane', image },
      { role: 'worker', image },
    ]);
  });

  it('stock kind gets no image: kind picks its own kindest/node', () => {
    expect(parse(kindClusterConfig(RunSettingsSchema.parse({})))).not.toHaveProperty('nodes.0.image');
  });

  it('creates without --wait (nodes turn Ready only once the suite installs the primary network)', () => {
    expect(kindCreateArgs('nightly', '/tmp/c.yaml', '/tmp/k')).toEqual(['create', 'cluster', '--name', 'nightly', '--config', '/tmp/c.yaml', '--kubeconfig', '/tmp/k']);
  });

  it('names the context and kubeconfig after the cluster; --kubeconfig wins', () => {
    const s = RunSettingsSchema.parse({ provider: 'kind', kind: { clusterName: 'nightly' } });
    expect(kindContext('nightly')).toBe('kind-nightly');
    expect(kindKubeconfigPath(s)).toMatch(/multus-conformance\/kind-nightly\.kubeconfig$/);
    expect(kindKubeconfigPath({ ...s, kubeconfig: '/tmp/k' })).toBe('/tmp/k');
  });

  it('kind.offline is a boolean or unset (detected)', () => {
    expect(RunSettingsSchema.parse({ kind: { offline: false } }).kind.offline).toBe(false);
    expect(RunSettingsSchema.parse({}).kind.offline).toBeUndefined();
    expect(RunSettingsSchema.safeParse({ kind: { offline: 'yes' } }).success).toBe(false);
  });
});
