import { scenarioSelected, selectionOf } from '../config/selection.ts';
import { CATALOG, type Area } from './catalog.ts';

/**
 * A run has two groups of scenarios, each one vitest project with one test
 * file (vitest.config.ts): `conformance` (every non-disruptive scenario, and
 * scale/pods when --scale selects it) and,
 * after it has finished, `disruptive` (the Multus restarts). One file per
 * group means one worker and one module graph (the Kubernetes client is
 * loaded once) with every selected scenario running concurrently up to
 * --concurrency; the entry file loads only the areas the selection needs.
 */
export type Group = 'conformance' | 'disruptive';

export const GROUP_FILES: Record<Group, string> = {
  conformance: 'suites/conformance.test.ts',
  disruptive: 'suites/disruptive.test.ts',
};

/** The group a scenario runs in: disruptive scenarios (level `disruptive`) after every other one. */
export function groupOf(def: { level: string }): Group {
  return def.level === 'disruptive' ? 'disruptive' : 'conformance';
}

/** What picks a run's scenarios: its --test patterns and --scale (config/selection.ts). */
export type SelectionSettings = { tests: readonly string[]; scale?: number | undefined };

/** The areas (suites/scenarios/<area>.ts) holding a scenario of this group that the selection picks. */
export function areasToLoad(settings: SelectionSettings, group: Group): Area[] {
  const selection = selectionOf(settings);
  return [...new Set(CATALOG.filter((d) => groupOf(d) === group && scenarioSelected(selection, d)).map((d) => d.area))];
}

/** The entry files a run passes to vitest: a group's file only when the selection holds one of its scenarios. */
export function groupFiles(settings: SelectionSettings): string[] {
  return (Object.keys(GROUP_FILES) as Group[]).filter((g) => areasToLoad(settings, g).length > 0).map((g) => GROUP_FILES[g]);
}
