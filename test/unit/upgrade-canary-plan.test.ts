import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../helpers/config/label-selector.ts';
import { UsageError } from '../../helpers/errors.ts';
import {
  MAX_TARGETS,
  canaryNamespace,
  canaryRunId,
  nodeAffinityExpressions,
  probeBounds,
  probeTargets,
  segmentPeer,
} from '../../helpers/upgrade/canary-plan.ts';

describe('canary names', () => {
  it('follow from the canary id alone, so verify finds them from another machine', () => {
    expect(canaryRunId('default')).toBe('upgrade-default');
    expect(canaryNamespace('default')).toBe('mc-upgrade-default-canaries');
  });

  it('refuse an id that would not make a run id', () => {
    for (const bad of ['', 'Upper', 'toolongid', '-x', 'a_b']) expect(() => canaryRunId(bad), bad).toThrow(UsageError);
    expect(() => canaryRunId('toolongid')).toThrow(/--canary-id: "toolongid" must be 1-8/);
  });
});

describe('probeBounds', () => {
  it('bounds the probe in time and in rounds', () => {
    expect(probeBounds(7200)).toEqual({ maxSeconds: 7200, maxRounds: 7200 });
  });
  it('refuses unbounded or silly values', () => {
    expect(() => probeBounds(5)).toThrow(/--probe-max: 5s is outside 10s\.\.24h/);
    expect(() => probeBounds(25 * 3600)).toThrow(UsageError);
  });
});

describe('probeTargets', () => {
  const c = (pod: string, node: string, address: string): { pod: string; node: string; address: string } => ({ pod, node, address });

  it('single node: the two canaries probe each other and the peer', () => {
    const t = probeTargets([c('canary-a-1', 'mc-node', '192.168.1.100'), c('canary-b-1', 'mc-node', '192.168.1.101')], '192.168.1.1');
    expect(t.get('canary-a-1')).toEqual(['192.168.1.101', '192.168.1.1']);
    expect(t.get('canary-b-1')).toEqual(['192.168.1.100', '192.168.1.1']);
  });

  it('several nodes: the sibling on the same node first, then other nodes; never itself', () => {
    const t = probeTargets(
      [c('a1', 'n1', '10.0.0.1'), c('b1', 'n1', '10.0.0.2'), c('a2', 'n2', '10.0.0.3'), c('b2', 'n2', '10.0.0.4')],
      undefined,
    );
    expect(t.get('a2')).toEqual(['10.0.0.4', '10.0.0.1', '10.0.0.2']);
    for (const [pod, list] of t) expect(list, pod).not.toContain(pod);
  });

  it(`caps the targets at ${MAX_TARGETS} (plus the peer)`, () => {
    const many = Array.from({ length: 40 }, (_, i) => c(`p${i}`, `n${i % 20}`, `10.0.1.${i}`));
    for (const list of probeTargets(many, '10.0.1.250').values()) expect(list).toHaveLength(MAX_TARGETS + 1);
  });
});

describe('segmentPeer', () => {
  const local = { subnet: '192.168.1.0/24', externalPeer: { netns: 'mc-ext', address: '192.168.1.1' } };
  it("takes the testbed's netns peer, or the flag", () => {
    expect(segmentPeer(undefined, local)).toBe('192.168.1.1');
    expect(segmentPeer('192.168.1.7', local)).toBe('192.168.1.7');
  });
  it('no peer on clusters whose profile has none (or only a container that runs during a scenario)', () => {
    expect(segmentPeer(undefined, { subnet: '10.10.0.0/16', externalPeer: { address: '10.10.1.250' } })).toBeUndefined();
    expect(segmentPeer(undefined, { subnet: '192.168.1.0/24' })).toBeUndefined();
  });
  it('refuses an address off the segment: the probe never leaves it', () => {
    expect(() => segmentPeer('8.8.8.8', local)).toThrow(/--external-peer: 8\.8\.8\.8 is not on the segment 192\.168\.1\.0\/24/);
    expect(() => segmentPeer('peer.example', local)).toThrow(/is not an IP address/);
  });
});

describe('nodeAffinityExpressions', () => {
  it('selects the same nodes as network.nodeSelector', () => {
    expect(nodeAffinityExpressions(parseLabelSelector('pool=net,zone in (a,b),!tainted,gpu!=yes,edge'))).toEqual([
      { key: 'pool', operator: 'In', values: ['net'] },
      { key: 'zone', operator: 'In', values: ['a', 'b'] },
      { key: 'tainted', operator: 'DoesNotExist' },
      { key: 'gpu', operator: 'NotIn', values: ['yes'] },
      { key: 'edge', operator: 'Exists' },
    ]);
  });
});
