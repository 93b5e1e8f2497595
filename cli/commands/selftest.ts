import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { RUN_SETTINGS_ENV, settingsToEnv } from '../../helpers/config/env.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import type { ExitCode } from '../errors.ts';
import { REPO_ROOT } from '../paths.ts';
import { runVitest } from '../vitest-run.ts';

const SELFTEST_PROJECTS = ['unit', 'conformance', 'e2e'];

export function registerSelftest(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('selftest')
    .description(`run the project's own tests: unit, conformance on the local testbed, e2e (what \`npm test\` runs)`)
    .option('--report-dir <dir>', 'where the JUnit and JSON reports go', join(REPO_ROOT, 'reports', 'selftest'))
    .action(async (opts: { reportDir: string }) => {
      const reportDir = resolve(opts.reportDir);
      // The conformance project runs with default settings: provider local, the embedded testbed.
      process.env[RUN_SETTINGS_ENV] ??= settingsToEnv(loadSettings({ flags: { reportDir: join(reportDir, 'conformance') } }));
      done(
        await runVitest({
          projects: SELFTEST_PROJECTS,
          junitFile: join(reportDir, 'junit.xml'),
          jsonFile: join(reportDir, 'report.json'),
          showProject: true,
        }),
      );
    });
}
