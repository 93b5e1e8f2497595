import { areasToLoad, groupOf, GROUP_FILES } from '../../helpers/scenario/groups.ts';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../helpers/config/load.ts';
import { compileSelection, isSelected, patternProblem, scenarioSelected } from '../../helpers/config/selection.ts';
import { byId, CATALOG } from '../../helpers/scenario/catalog.ts';
import { listScenariosFor, selectedSuiteFiles } from '../../helpers/scenario/list.ts';
import { caseName } from '../../helpers/scenario/scenario.ts';

describe('test selection', () => {
  const ids = ['macvlan-bridge-ipam', 'macvlan-static-mac', 'ipvlan-l2', 'sriov-basic', 'health-daemonset'];
  const cases: Array<[string[], string[]]> = [
    [[], ids],
    [['^macvlan'], ['macvlan-bridge-ipam', 'macvlan-static-mac']],
    [['!^macvlan'], ['ipvlan-l2', 'sriov-basic', 'health-daemonset']],
    [['vlan', '!static'], ['macvlan-bridge-ipam', 'ipvlan-l2']],
    [['sriov', 'health'], ['sriov-basic', 'health-daemonset']],
    [['!sriov', '!health'], ['macvlan-bridge-ipam', 'macvlan-static-mac', 'ipvlan-l2']],
    [['ipvlan', '!ipvlan'], []],
  ];
  it.each(cases)('%j selects %j', (patterns, expected) => {
    const selection = compileSelection(patterns);
    expect(ids.filter((id) => isSelected(selection, id))).toEqual(expected);
  });

  it('matches any of the names given (id or title)', () => {
    const selection = compileSelection(['link state']);
    expect(isSelected(selection, 'macvlan-up', 'macvlan: link state is UP')).toBe(true);
    expect(isSelected(selection, 'macvlan-up', 'macvlan: MAC as configured')).toBe(false);
  });

  it('names the pattern that does not compile', () => {
    expect(patternProblem('^ok$')).toBeUndefined();
    expect(patternProblem('!(unclosed')).toMatch(/^invalid regular expression "!\(unclosed": /);
    expect(patternProblem('!')).toBe('empty pattern "!"');
  });
});

describe('-t means the same in `list` and `run`', () => {
  const macvlan = byId('in-pod/macvlan');
  // Patterns `list` accepted while `run` loaded a suite file with no case left
  // in it ("No test suite found", exit 1), or the other way round.
  const cases: Array<[string, string[], (id: string) => boolean]> = [
    ['a title match anchored at its end', [`${macvlan.title.split(', ').pop()!}$`], (id) => id.endsWith('routes') || byId(id).title.endsWith('routes')],
    ['a whole case name with its node', [`^${escape(caseName(macvlan, 'mc-node'))}$`], () => false],
    ['the node part of a case name only', ['\\[node=mc-node\\]'], () => false],
    ['excluding by node name', ['!node=mc-node'], () => true],
    ['an area excluded', ['!^in-pod/'], (id) => !id.startsWith('in-pod/')],
    ['an id and a title word', ['^health/', 'bridge mode'], (id) => id.startsWith('health/') || /bridge mode/.test(byId(id).title)],
  ];

  it.each(cases)('%s: %j', (_what, tests, expected) => {
    const settings = loadSettings({ flags: { tests } });
    const selection = compileSelection(tests);
    const selected = CATALOG.filter((d) => scenarioSelected(selection, d)).map((d) => d.id);
    expect(selected).toEqual(CATALOG.map((d) => d.id).filter(expected));
    // list: what it shows as not excluded
    expect(listScenariosFor(settings, undefined).filter((s) => s.status !== 'excluded').map((s) => s.id)).toEqual(selected);
    // run: the group files it loads and the areas each loads, each holding at least one selected scenario
    const groups = (['conformance', 'disruptive'] as const).filter((g) => selected.some((id) => groupOf(byId(id)) === g));
    expect(selectedSuiteFiles(settings)).toEqual(groups.map((g) => GROUP_FILES[g]));
    for (const g of groups) {
      expect(areasToLoad(tests, g)).toEqual([...new Set(selected.filter((id) => groupOf(byId(id)) === g).map((id) => byId(id).area))]);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
