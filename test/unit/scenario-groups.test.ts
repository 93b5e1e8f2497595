import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../helpers/scenario/catalog.ts';
import { areasToLoad, groupOf } from '../../helpers/scenario/groups.ts';

describe('scenario groups', () => {
  it('puts every disruptive scenario, and only those, in the disruptive group', () => {
    for (const d of CATALOG) expect(groupOf(d), d.id).toBe(d.level === 'disruptive' ? 'disruptive' : 'conformance');
  });

  it('never splits an area across groups (an area file is loaded by one group only)', () => {
    const areas = new Map<string, Set<string>>();
    for (const d of CATALOG) areas.set(d.area, (areas.get(d.area) ?? new Set()).add(groupOf(d)));
    for (const [area, groups] of areas) expect([...groups], area).toHaveLength(1);
  });

  it('has an area file for every area of the catalog', () => {
    const files = new Set(readdirSync('suites/scenarios').map((f) => f.replace(/\.ts$/, '')));
    for (const d of CATALOG) expect(files.has(d.area), d.area).toBe(true);
  });

  it('loads only the areas the selection needs', () => {
    expect(areasToLoad({ tests: ['^in-pod/macvlan$', '^status/'] }, 'conformance')).toEqual(['in-pod', 'status']);
    expect(areasToLoad({ tests: ['^in-pod/macvlan$'] }, 'disruptive')).toEqual([]);
    expect(areasToLoad({ tests: ['!^negative/'] }, 'conformance')).not.toContain('negative');
    expect(areasToLoad({ tests: [] }, 'disruptive')).toEqual(['lifecycle']);
  });
});
