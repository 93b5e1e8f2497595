import { describe, expect, it } from 'vitest';
import { defaultConcurrency } from '../../helpers/scenario/concurrency.ts';
import { byId, CATALOG, START_FIRST, startOrder } from '../../helpers/scenario/catalog.ts';

const nodes = (ready: number, notReady = 0): { ready: boolean }[] => [
  ...Array.from({ length: ready }, () => ({ ready: true })),
  ...Array.from({ length: notReady }, () => ({ ready: false })),
];

describe('default concurrency, sized to the cluster', () => {
  it.each([
    [1, 0, 12],
    [3, 0, 12],
    [3, 5, 12],
    [8, 0, 32],
    [50, 0, 32],
    [0, 2, 12],
    [4, 0, 16],
  ])('%i Ready and %i not Ready nodes: %i scenarios at once', (ready, notReady, want) => {
    expect(defaultConcurrency(nodes(ready, notReady))).toBe(want);
  });
});

describe('start order: scenarios whose waits the cluster sets take their slots first', () => {
  it('names only scenarios of the catalog, each once, none of them disruptive (that group starts after)', () => {
    for (const id of START_FIRST) expect(byId(id).level, id).not.toBe('disruptive');
    expect(new Set(START_FIRST).size).toBe(START_FIRST.length);
  });

  it('puts them first, in their listed order, and keeps the order of the rest', () => {
    const ids = ['health/nad-crd', 'negative/bad-ip', 'in-pod/macvlan', 'negative/long-ifname', 'status/shape', 'traffic/same-node'];
    expect(startOrder(ids.map((id) => ({ id }))).map((d) => d.id)).toEqual([
      'negative/long-ifname',
      'negative/bad-ip',
      'traffic/same-node',
      'health/nad-crd',
      'in-pod/macvlan',
      'status/shape',
    ]);
  });

  it('the whole catalog: the first ones are START_FIRST, every scenario still there', () => {
    const ordered = startOrder(CATALOG);
    expect(ordered.slice(0, START_FIRST.length).map((d) => d.id)).toEqual([...START_FIRST]);
    expect([...ordered].map((d) => d.id).sort()).toEqual(CATALOG.map((d) => d.id).sort());
  });
});
