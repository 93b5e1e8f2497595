/**
 * cilium-style test selection: each entry is a regular expression; a leading
 * `!` turns it into an exclusion. A name is selected when it matches at least
 * one inclusion (or there are none) and no exclusion.
 */
export interface Selection {
  include: RegExp[];
  exclude: RegExp[];
  /** `--scale N` was given: the scale scenarios are in (and, without includes, only they). */
  scale: boolean;
}

/**
 * The level of scenarios no `--mode` ever selects (scale/pods): only
 * `--scale N` does. Named here, below the catalog, because selection decides it.
 */
export const SCALE_LEVEL = 'scale';

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
export function compileSelection(patterns: readonly string[], opts: { scale?: boolean } = {}): Selection {
  const selection: Selection = { include: [], exclude: [], scale: opts.scale ?? false };
  for (const p of patterns) {
    if (p.startsWith('!')) selection.exclude.push(new RegExp(p.slice(1)));
    else selection.include.push(new RegExp(p));
  }
  return selection;
}

/** The selection of a run or `list`: its --test patterns and whether --scale was given. */
export function selectionOf(settings: { tests: readonly string[]; scale?: number | undefined }): Selection {
  return compileSelection(settings.tests, { scale: settings.scale !== undefined });
}

/**
 * Whether a scenario is selected: the one rule `list` and `run` share. A
 * scenario of the scale level is selected by `--scale N` only. A
 * pattern is matched against the scenario id and against `id: title`; the
 * node a per-node case runs on is not part of it (`list` cannot know which
 * nodes a probe will qualify, and a run must never load a suite file in
 * which no case is left). A scenario is selected, or not, with all its cases.
 */
export function scenarioSelected(selection: Selection, scenario: { id: string; title: string; level?: string }): boolean {
  const names = [scenario.id, `${scenario.id}: ${scenario.title}`];
  // Scale scenarios: in with --scale (unless excluded), never without it.
  if (scenario.level === SCALE_LEVEL) return selection.scale && !selection.exclude.some((re) => names.some((n) => re.test(n)));
  // --scale alone runs the scale scenarios only; --test patterns add more.
  if (selection.scale && selection.include.length === 0) return false;
  return isSelected(selection, ...names);
}

/** Whether any of these names matches (see `scenarioSelected` for the names a scenario has). */
export function isSelected(selection: Selection, ...names: string[]): boolean {
  const matches = (re: RegExp): boolean => names.some((n) => re.test(n));
  if (selection.exclude.some(matches)) return false;
  return selection.include.length === 0 || selection.include.some(matches);
}
