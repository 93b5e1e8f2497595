import { Option, type Command } from 'commander';
import { loadSettings } from '../../helpers/config/load.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import { addSettingsOptions, flagsToLayer } from '../options.ts';
import { formatTable } from '../table.ts';

/** One row of `list`, as helpers/scenario/list.ts returns it. */
interface ScenarioListing {
  id: string;
  title: string;
  area: string;
  node?: string;
  status: 'run' | 'skip' | 'fail' | 'excluded';
  reason?: string;
}

export function registerList(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program.command('list').description('show which scenarios would run, and which would be skipped and why (reads only)');
  addSettingsOptions(cmd);
  cmd.addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'));
  cmd.action(async (_opts: unknown, self: Command) => {
    const { config, output } = self.opts<{ config?: string; output: 'table' | 'json' }>();
    const settings = loadSettings({ configFile: config, flags: flagsToLayer(self) });
    const { listScenarios } = await import('../../helpers/scenario/list.ts');
    const scenarios: ScenarioListing[] = await listScenarios(settings);
    if (output === 'json') {
      process.stdout.write(`${JSON.stringify(scenarios, null, 2)}\n`);
    } else {
      const rows = scenarios.map((s) => [s.status, s.id, s.node ?? '', s.area, s.title, s.reason ?? '']);
      process.stdout.write(`${formatTable(['STATUS', 'ID', 'NODE', 'AREA', 'TITLE', 'REASON'], rows)}\n`);
      const count = (status: string): number => scenarios.filter((s) => s.status === status).length;
      const failing = count('fail') > 0 ? `, ${count('fail')} would fail before starting` : '';
      process.stdout.write(`\n${count('run')} to run, ${count('skip')} skipped${failing}, ${count('excluded')} excluded by selection or mode\n`);
    }
    done(EXIT.ok);
  });
}
