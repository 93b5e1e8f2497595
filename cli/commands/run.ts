import type { Command } from 'commander';
import { RUN_SETTINGS_ENV, settingsToEnv } from '../../helpers/config/env.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import type { ExitCode } from '../errors.ts';
import { addRunOptions, addSettingsOptions, flagsToLayer } from '../options.ts';
import { runVitest } from '../vitest-run.ts';
import { UsageError } from '../../helpers/errors.ts';
import { selectedSuiteFiles } from '../../helpers/scenario/list.ts';

export function registerRun(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program.command('run').description('run the conformance scenarios against a cluster');
  addSettingsOptions(cmd);
  addRunOptions(cmd);
  cmd.action(async (_opts: unknown, self: Command) => {
    const configFile = self.opts<{ config?: string }>().config;
    const settings = loadSettings({ configFile, flags: flagsToLayer(self) });
    // The global setup reads the settings from here; test bodies get them through provide/inject.
    const files = selectedSuiteFiles(settings);
    if (files.length === 0) throw new UsageError(`--test ${settings.tests.join(' ')}: no scenario matches (see \`multus-conformance list\`)`);
    process.env[RUN_SETTINGS_ENV] = settingsToEnv(settings);
    done(
      await runVitest({
        projects: ['conformance'],
        junitFile: settings.junitFile,
        jsonFile: settings.jsonFile,
        concurrency: settings.concurrency,
        timeoutSeconds: settings.timeoutSeconds,
        files,
      }),
    );
  });
}
