import { areasToLoad, groupOf, GROUP_FILES } from '../../helpers/scenario/groups.ts';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../helpers/config/load.ts';
import { compileSelection, isSelected, patternProblem, scenarioSelected, selectionOf } from '../../helpers/config/selection.ts';
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

  it('selects the scale level only with --scale', () => {
    const scale = { id: 'scale/pods', title: 'N pods', level: 'scale' };
    const other = { id: 'in-pod/macvlan', title: 'macvlan attachment', level: 'quick' };
    expect(scenarioSelected(compileSelection([]), scale)).toBe(false);
    expect(scenarioSelected(compileSelection(['^scale/']), scale)).toBe(false);
    expect(scenarioSelected(compileSelection([], { scale: true }), scale)).toBe(true);
    expect(scenarioSelected(compileSelection([], { scale: true }), other)).toBe(false);
    expect(scenarioSelected(compileSelection(['^in-pod/'], { scale: true }), other)).toBe(true);
    expect(scenarioSelected(compileSelection(['!scale'], { scale: true }), scale)).toBe(false);
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
  const outsideScale = (id: string): boolean => byId(id).level !== 'scale';
  const cases: Array<[string, string[], (id: string) => boolean, number?]> = [
    ['nothing given: every scenario but scale/pods', [], outsideScale],
    ['a title match anchored at its end', [`${macvlan.title.split(', ').pop()!}$`], (id) => id.endsWith('routes') || byId(id).title.endsWith('routes')],
    ['a whole case name with its node', [`^${escape(caseName(macvlan, 'mc-node'))}$`], () => false],
    ['the node part of a case name only', ['\\[node=mc-node\\]'], () => false],
    ['excluding by node name', ['!node=mc-node'], outsideScale],
    ['an area excluded', ['!^in-pod/'], (id) => outsideScale(id) && !id.startsWith('in-pod/')],
    ['an id and a title word', ['^health/', 'bridge mode'], (id) => id.startsWith('health/') || /bridge mode/.test(byId(id).title)],
    ['scale/pods by name, without --scale', ['^scale/'], () => false],
    ['--scale alone: scale/pods only', [], (id) => id === 'scale/pods', 32],
    ['--scale with an area: both', ['^health/'], (id) => id === 'scale/pods' || id.startsWith('health/'), 32],
    ['--scale with an exclusion only: scale/pods only', ['!^negative/'], (id) => id === 'scale/pods', 32],
    ['--scale, scale/pods excluded: nothing', ['!^scale/'], () => false, 32],
  ];

  it.each(cases)('%s: %j', (_what, tests, expected, scale) => {
    const settings = loadSettings({ flags: { tests, ...(scale === undefined ? {} : { scale }) } });
    const selection = selectionOf(settings);
    const selected = CATALOG.filter((d) => scenarioSelected(selection, d)).map((d) => d.id);
    expect(selected).toEqual(CATALOG.map((d) => d.id).filter((id) => (scale === undefined ? outsideScale(id) : true) && expected(id)));
    // list: what it shows as not excluded
    expect(listScenariosFor(settings, undefined).filter((s) => s.status !== 'excluded').map((s) => s.id)).toEqual(selected);
    // run: the group files it loads and the areas each loads, each holding at least one selected scenario
    const groups = (['conformance', 'disruptive'] as const).filter((g) => selected.some((id) => groupOf(byId(id)) === g));
    expect(selectedSuiteFiles(settings)).toEqual(groups.map((g) => GROUP_FILES[g]));
    for (const g of groups) {
      expect(areasToLoad(settings, g)).toEqual([...new Set(selected.filter((id) => groupOf(byId(id)) === g).map((id) => byId(id).area))]);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
