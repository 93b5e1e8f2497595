import { describe, expect, it } from 'vitest';
import { defaultConcurrency } from '../../helpers/scenario/concurrency.ts';

const nodes = (ready: number, notReady = 0): { ready: boolean }[] => [
  ...Array.from({ length: ready }, () => ({ ready: true })),
  ...Array.from({ length: notReady }, () => ({ ready: false })),
];

describe('default concurrency, sized to the cluster', () => {
  it.each([
    [1, 0, 8],
    [3, 0, 12],
    [3, 5, 12],
    [8, 0, 32],
    [50, 0, 32],
    [0, 2, 8],
  ])('%i Ready and %i not Ready nodes: %i scenarios at once', (ready, notReady, want) => {
    expect(defaultConcurrency(nodes(ready, notReady))).toBe(want);
  });
});
