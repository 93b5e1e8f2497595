import type { Command } from 'commander';
import { RunIdSchema } from '../../helpers/config/settings.ts';
import { UsageError } from '../../helpers/errors.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import { addClusterOptions, duration } from '../options.ts';

interface CleanupOptions {
  kubeconfig?: string;
  context?: string;
  runId?: string;
  wait: number;
}

export function registerCleanup(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program
    .command('cleanup')
    .description('delete what interrupted runs left behind: run-owned namespaces and run-labelled cluster objects, nothing else');
  addClusterOptions(cmd);
  cmd
    .option('--run-id <id>', 'only this run (default: every run)')
    .option('--wait <duration>', 'how long to wait for namespaces to be gone', duration, 120)
    .action(async (opts: CleanupOptions) => {
      if (opts.runId !== undefined && !RunIdSchema.safeParse(opts.runId).success) {
        throw new UsageError(`--run-id: "${opts.runId}" is not a run id`);
      }
      const { loadKubeConfig } = await import('../../helpers/k8s/client.ts');
      const { sweep, waitForNamespacesGone, namespaceSelector } = await import('../sweep.ts');
      const kc = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
      const result = await sweep(kc, opts.runId);
      for (const name of result.deleted) process.stdout.write(`${name} deleted\n`);
      if (result.deleted.length === 0) process.stdout.write('nothing to clean up\n');
      for (const resource of result.unreadable) process.stderr.write(`warning: not allowed to list ${resource}; not checked\n`);
      const left = await waitForNamespacesGone(kc, result.namespaces, namespaceSelector(opts.runId), opts.wait * 1000);
      if (left.length > 0) {
        process.stderr.write(`still terminating after ${opts.wait}s: ${left.map((n) => `namespace/${n}`).join(', ')}\n`);
        done(EXIT.failed);
        return;
      }
      if (result.namespaces.length > 0) process.stdout.write(`${result.namespaces.length} namespace(s) gone\n`);
      done(EXIT.ok);
    });
}
