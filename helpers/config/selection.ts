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

/** Whether a scenario with any of these names (id, title…) is selected. */
export function isSelected(selection: Selection, ...names: string[]): boolean {
  const matches = (re: RegExp): boolean => names.some((n) => re.test(n));
  if (selection.exclude.some(matches)) return false;
  return selection.include.length === 0 || selection.include.some(matches);
}
