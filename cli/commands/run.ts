import type { Command } from 'commander';
import { RUN_SETTINGS_ENV, settingsToEnv } from '../../helpers/config/env.ts';
import { loadSettings } from '../../helpers/config/load.ts';
import { MAX_CONCURRENCY } from '../../helpers/config/settings.ts';
import { EXIT_CODES_HELP, type ExitCode } from '../errors.ts';
import { addRunOptions, addSettingsOptions, flagsToLayer } from '../options.ts';
import { conformanceRun } from '../conformance-run.ts';
import { UsageError } from '../../helpers/errors.ts';
import { selectedSuiteFiles } from '../../helpers/scenario/list.ts';
import { loadKubeConfig } from '../../helpers/k8s/client.ts';
import { kubeconfigPath } from '../../helpers/providers/existing.ts';
import { guardContext } from '../../helpers/providers/guard.ts';

export function registerRun(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program.command('run').description('run the conformance scenarios against a cluster');
  addSettingsOptions(cmd);
  addRunOptions(cmd);
  cmd.addHelpText('after', `\n${EXIT_CODES_HELP}`);
  cmd.action(async (_opts: unknown, self: Command) => {
    const configFile = self.opts<{ config?: string }>().config;
    const settings = loadSettings({ configFile, flags: flagsToLayer(self) });
    // The global setup reads the settings from here; test bodies get them through provide/inject.
    const files = selectedSuiteFiles(settings);
    if (files.length === 0) throw new UsageError(`--test ${settings.tests.join(' ')}: no scenario matches (see \`multus-conformance list\`)`);
    if (settings.provider === 'existing') {
      // Reject a bad kubeconfig or an unnamed context before vitest starts (one line, nothing written).
      guardContext(settings, loadKubeConfig({ kubeconfig: kubeconfigPath(settings.kubeconfig, process.env), context: settings.context }));
    }
    process.env[RUN_SETTINGS_ENV] = settingsToEnv(settings);
    done(
      await conformanceRun({
        projects: ['conformance', 'conformance-disruptive'],
        junitFile: settings.junitFile,
        jsonFile: settings.jsonFile,
        // vitest's own bound; the scenario wrapper applies the run's (cluster-sized) one.
        concurrency: settings.concurrency ?? MAX_CONCURRENCY,
        timeoutSeconds: settings.timeoutSeconds,
        files,
        runId: settings.runId,
        printTimings: settings.timings,
        failOnSkip: settings.failOnSkip,
        minPassed: settings.minPassed,
        kubeconfig: settings.kubeconfig,
        context: settings.context,
        reportDir: settings.reportDir,
        knownFailuresFile: settings.knownFailures,
        baselineFile: settings.baseline,
        stepSummaryFile: process.env.GITHUB_STEP_SUMMARY || undefined,
        identity: { provider: settings.provider, profile: settings.profile, mode: settings.mode, strict: settings.strict, tests: settings.tests },
      }),
    );
  });
}
