import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from '../../helpers/config/label-selector.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import { UsageError } from '../../helpers/errors.ts';

// Labels of a TKG worker in a node pool, and of a control-plane node (kubectl get node --show-labels).
const WORKER = { 'kubernetes.io/hostname': 'w-np1-abc', 'node.cluster.x-k8s.io/nodepool': 'np-multus', 'kubernetes.io/os': 'linux' };
const CONTROL = { 'kubernetes.io/hostname': 'cp-xyz', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/os': 'linux' };

describe('network.nodeSelector: label selectors as kubectl -l takes them', () => {
  it.each([
    ['node.cluster.x-k8s.io/nodepool=np-multus', true, false],
    ['node.cluster.x-k8s.io/nodepool==np-multus', true, false],
    ['node.cluster.x-k8s.io/nodepool != np-multus', false, true],
    ['node.cluster.x-k8s.io/nodepool in (np-multus, np-sriov)', true, false],
    ['node.cluster.x-k8s.io/nodepool notin (np-multus)', false, true],
    ['node-role.kubernetes.io/control-plane', false, true],
    ['!node-role.kubernetes.io/control-plane', true, false],
    ['kubernetes.io/os=linux,!node-role.kubernetes.io/control-plane', true, false],
    ['kubernetes.io/os=linux, node-role.kubernetes.io/control-plane=', false, true],
    ['kubernetes.io/hostname in (cp-xyz,w-np1-abc),kubernetes.io/os=windows', false, false],
  ])('%s: worker %s, control plane %s', (selector, worker, control) => {
    const parsed = parseLabelSelector(selector);
    expect(matchesLabels(parsed, WORKER)).toBe(worker);
    expect(matchesLabels(parsed, CONTROL)).toBe(control);
  });

  it.each([
    ['', /empty selector/],
    ['   ', /empty selector/],
    ['pool=multus,', /empty requirement/],
    ['pool=multus,,x', /empty requirement/],
    ['pool in ()', /in needs at least one value/],
    ['pool in (a,(b))', /unbalanced parentheses/],
    ['pool=multus pool', /label value "multus pool"|not a label requirement/],
    ['pool=a=b', /label value "a=b"/],
    ['-pool=a', /label key "-pool"/],
    ['Example.COM/pool=a', /label key "Example\.COM\/pool": prefix must be a DNS subdomain/],
    [`${'x'.repeat(64)}=a`, /name must be 1-63/],
    [`pool=${'v'.repeat(64)}`, /label value/],
    ['replicas>2', /numeric operators < and > are not supported/],
    ['pool=(a)', /not a label requirement|label value/],
  ])('rejects %j', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });

  it('is validated with the settings, naming the flag or the config key', () => {
    expect(loadSettings({ flags: { network: { nodeSelector: 'pool in (a,b)' } } }).network.nodeSelector).toBe('pool in (a,b)');
    expect(() => loadSettings({ flags: { network: { nodeSelector: 'pool=a=b' } } })).toThrow(UsageError);
    expect(() => loadSettings({ flags: { network: { nodeSelector: 'pool=a=b' } } })).toThrow(/--node-selector: must be a label selector such as "pool=multus": label value "a=b"/);
  });
});
