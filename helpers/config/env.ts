import { UsageError } from '../errors.ts';
import { RunSettingsSchema, type RunSettings } from './settings.ts';

/** The env var `run` uses to hand the validated settings to the global setup. */
export const RUN_SETTINGS_ENV = 'MC_RUN_SETTINGS';

export function settingsToEnv(settings: RunSettings): string {
  return JSON.stringify(settings);
}

/**
 * Reads the settings `run` serialised. Validated again: the variable can be
 * set by hand, and a stale or edited value must fail as a usage error.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): RunSettings {
  const raw = env[RUN_SETTINGS_ENV];
  if (!raw) throw new UsageError(`${RUN_SETTINGS_ENV} is not set: start runs with \`multus-conformance run\``);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError(`${RUN_SETTINGS_ENV}: not valid JSON`);
  }
  const result = RunSettingsSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(`${RUN_SETTINGS_ENV}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return result.data;
}
