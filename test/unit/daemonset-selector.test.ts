import { describe, expect, it } from 'vitest';
import { selectorString } from '../../helpers/k8s/labels.ts';

describe('selectorString: the whole LabelSelector, never less', () => {
  it.each([
    ['matchLabels', { matchLabels: { name: 'multus' } }, 'name=multus'],
    ['several matchLabels', { matchLabels: { app: 'multus', tier: 'node' } }, 'app=multus,tier=node'],
    ['In', { matchExpressions: [{ key: 'name', operator: 'In', values: ['multus'] }] }, 'name in (multus)'],
    ['In with two values', { matchExpressions: [{ key: 'app', operator: 'In', values: ['multus', 'multus-thick'] }] }, 'app in (multus,multus-thick)'],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['control-plane'] }] }, 'tier notin (control-plane)'],
    ['Exists', { matchExpressions: [{ key: 'name', operator: 'Exists' }] }, 'name'],
    ['DoesNotExist', { matchExpressions: [{ key: 'decoy', operator: 'DoesNotExist', values: [] }] }, '!decoy'],
    [
      'matchLabels AND matchExpressions',
      { matchLabels: { app: 'multus' }, matchExpressions: [{ key: 'name', operator: 'In', values: ['multus'] }, { key: 'canary', operator: 'DoesNotExist' }] },
      'app=multus,name in (multus),!canary',
    ],
  ])('%s', (_name, selector, expected) => {
    expect(selectorString(selector)).toBe(expected);
  });

  it.each([
    ['an empty selector (it would select every pod)', {}, /empty: it would select every pod/],
    ['no selector at all', undefined, /empty/],
    ['In without values', { matchExpressions: [{ key: 'name', operator: 'In', values: [] }] }, /name In needs at least one value/],
    ['Exists with values', { matchExpressions: [{ key: 'name', operator: 'Exists', values: ['x'] }] }, /name Exists takes no values/],
    ['an unknown operator', { matchExpressions: [{ key: 'name', operator: 'Gt', values: ['1'] }] }, /unknown operator "Gt" for key name/],
  ])('refuses %s instead of selecting more', (_name, selector, message) => {
    expect(() => selectorString(selector)).toThrow(message);
  });
});
