import { describe, expect, it } from 'vitest';
import { compileSelection, isSelected, patternProblem } from '../../helpers/config/selection.ts';

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
