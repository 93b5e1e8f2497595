/**
 * cilium-style test selection: each entry is a regular expression; a leading
 * `!` turns it into an exclusion. A name is selected when it matches at least
 * one inclusion (or there are none) and no exclusion.
 */
export interface Selection {
  include: RegExp[];
  exclude: RegExp[];
}

/** Why a pattern cannot be used, or undefined when it compiles. */
export function patternProblem(pattern: string): string | undefined {
  const source = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (source === '') return `empty pattern "${pattern}"`;
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    return `invalid regular expression "${pattern}": ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Compiles validated patterns (see `patternProblem`). */
export function compileSelection(patterns: readonly string[]): Selection {
  const selection: Selection = { include: [], exclude: [] };
  for (const p of patterns) {
    if (p.startsWith('!')) selection.exclude.push(new RegExp(p.slice(1)));
    else selection.include.push(new RegExp(p));
  }
  return selection;
}

/**
 * Whether a scenario is selected: the one rule `list` and `run` share. A
 * pattern is matched against the scenario id and against `id: title`; the
 * node a per-node case runs on is not part of it (`list` cannot know which
 * nodes a probe will qualify, and a run must never load a suite file in
 * which no case is left). A scenario is selected, or not, with all its cases.
 */
export function scenarioSelected(selection: Selection, scenario: { id: string; title: string }): boolean {
  return isSelected(selection, scenario.id, `${scenario.id}: ${scenario.title}`);
}

/** Whether any of these names matches (see `scenarioSelected` for the names a scenario has). */
export function isSelected(selection: Selection, ...names: string[]): boolean {
  const matches = (re: RegExp): boolean => names.some((n) => re.test(n));
  if (selection.exclude.some(matches)) return false;
  return selection.include.length === 0 || selection.include.some(matches);
}
