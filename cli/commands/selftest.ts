import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ExitCode } from '../errors.ts';
import { REPO_ROOT } from '../paths.ts';
import { runProjects } from '../vitest-run.ts';

// The conformance suites run inside e2e, through the CLI, against the testbed.
const SELFTEST_PROJECTS = ['unit', 'e2e'];

export function registerSelftest(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('selftest')
    .description(`run the project's own tests: unit, then e2e (conformance runs on the local testbed through this CLI); what \`npm test\` runs`)
    .option('--report-dir <dir>', 'where the JUnit and JSON reports go', join(REPO_ROOT, 'reports', 'selftest'))
    .action(async (opts: { reportDir: string }) => {
      const reportDir = resolve(opts.reportDir);
      done(
        await runProjects({
          projects: SELFTEST_PROJECTS,
          junitFile: join(reportDir, 'junit.xml'),
          jsonFile: join(reportDir, 'report.json'),
          showProject: true,
        }),
      );
    });
}
