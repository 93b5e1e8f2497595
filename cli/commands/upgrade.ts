import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadSettings } from '../../helpers/config/load.ts';
import type { RunSettings } from '../../helpers/config/settings.ts';
import { ConformanceFailure, UsageError } from '../../helpers/errors.ts';
import { DEFAULT_PROBE_SECONDS, canaryRunId, nodeAffinityExpressions, probeBounds, segmentPeer } from '../../helpers/upgrade/canary-plan.ts';
import { EXIT, printErrorLine, type ExitCode } from '../errors.ts';
import { addClusterOptions, duration, flagsToLayer } from '../options.ts';

const HELP_AFTER = `
Before an upgrade, \`upgrade prepare\` puts two canary pods on every capable node (two DaemonSets
in the namespace mc-upgrade-<canary-id>-canaries), attached over the profile's macvlan NAD, starts
a bounded probe inside them (each pings the other canaries' net1 addresses, and the external peer
when one is configured, once a second, over the segment only; it stops by itself after --probe-max)
and records their interfaces, addresses, MACs and network-status in a ConfigMap there.
After the upgrade, \`upgrade verify\` (from any machine) checks that survivors kept all of it,
that canaries created since got their attachments, reports the probe's loss windows, checks that
a new pod gets its attachment, and removes the canaries (--keep keeps them).
\`cleanup --run-id upgrade-<canary-id>\` removes them too.

Exit codes: 0 every check held; 1 a check failed (each names pod, interface, expected vs actual);
2 bad flag, config or kubeconfig, no canaries to verify, or the cluster cannot be reached.`;

interface CommonOptions {
  config?: string;
  canaryId: string;
  timeout: number;
}

function addUpgradeOptions(cmd: Command): Command {
  addClusterOptions(cmd);
  return cmd
    .addOption(new Option('--provider <name>', 'where the cluster comes from (local: the embedded testbed)').choices(['local', 'existing']).default('local'))
    .addOption(new Option('--profile <name>', 'fixture profile: the network the canaries attach to (default: from the provider)').choices(['local', 'tkg', 'generic', 'kind']))
    .option('--config <file>', 'YAML config file, as for run (network.*, externalPeer, testImage, nodeSelector)')
    .option('--test-image <ref>', 'image of the canaries; needs sh, ip, ping, sleep, date, cat (default: from the profile)')
    .option('--node-selector <selector>', 'label selector of the nodes that carry network.master (default: every node)')
    .option('--canary-id <id>', 'names the canaries, so verify finds those prepare made (1-8 lowercase letters, digits, "-")', 'default')
    .addOption(new Option('--timeout <duration>', 'how long canaries and the new pod may take to be Ready').argParser(duration).default(300, '5m'));
}

/** The settings, as `run` reads them (config file, then flags), and the canary id checked: all before any cluster is touched. */
function settingsOf(cmd: Command): RunSettings {
  const { config, canaryId } = cmd.opts<CommonOptions>();
  const settings = loadSettings({ configFile: config, flags: flagsToLayer(cmd) });
  if (settings.provider !== 'local' && settings.provider !== 'existing') throw new UsageError(`--provider ${settings.provider}: upgrade takes local or existing`);
  canaryRunId(canaryId);
  return settings;
}

/** The cluster, as `run` reaches it: the testbed (brought up when down) or an existing cluster by kubeconfig and named context. */
async function connect(settings: RunSettings): Promise<KubeConfig> {
  const { loadKubeConfig } = await import('../../helpers/k8s/client.ts');
  const { guardContext } = await import('../../helpers/providers/guard.ts');
  const provider =
    settings.provider === 'local' ? (await import('../../helpers/providers/local.ts')).localProvider : (await import('../../helpers/providers/existing.ts')).existingProvider;
  const handle = await provider.ensureCluster(settings);
  const kc = loadKubeConfig({ kubeconfig: handle.kubeconfig, context: handle.context });
  guardContext(settings, kc);
  return kc;
}

/** A check that did not hold or a wait that ran out: exit 1 with one line, not a crash. */
function isCheckFailure(e: unknown): e is Error {
  return e instanceof ConformanceFailure || (e instanceof Error && e.name === 'WaitTimeout');
}

export function registerUpgrade(program: Command, done: (code: ExitCode) => void): void {
  const upgrade = program.command('upgrade').description('workloads through an upgrade: canaries before (prepare), their checks after (verify)');
  upgrade.addHelpText('after', HELP_AFTER);

  const prepare = upgrade.command('prepare').description('before an upgrade: canaries on every capable node, a bounded probe between them, a record of their networks');
  addUpgradeOptions(prepare)
    .addOption(new Option('--probe-max <duration>', 'the probe stops by itself after this long (10s to 24h)').argParser(duration).default(DEFAULT_PROBE_SECONDS, '2h'))
    .option('--external-peer <ip>', "also probe this address on the segment (default: the profile's external peer on the testbed)")
    .action(async (_o: unknown, self: Command) => {
      const opts = self.opts<CommonOptions & { probeMax: number; externalPeer?: string }>();
      const settings = settingsOf(self);
      const { loadProfile } = await import('../../helpers/fixtures/profile.ts');
      const { parseLabelSelector } = await import('../../helpers/config/label-selector.ts');
      const profile = loadProfile(settings);
      probeBounds(opts.probeMax);
      const externalPeer = segmentPeer(opts.externalPeer, profile);
      const affinity = settings.network.nodeSelector ? nodeAffinityExpressions(parseLabelSelector(settings.network.nodeSelector)) : [];
      const kc = await connect(settings);
      const { prepareCanaries } = await import('../upgrade/prepare.ts');
      try {
        const record = await prepareCanaries(kc, {
          canaryId: opts.canaryId,
          profile,
          image: profile.testImage,
          affinity,
          probeSeconds: opts.probeMax,
          externalPeer,
          timeoutMs: opts.timeout * 1000,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        const nodes = new Set(record.canaries.map((c) => c.node)).size;
        process.stdout.write(
          `upgrade prepare: canaries "${record.canaryId}" in namespace ${record.namespace}: ${record.canaries.length} on ${nodes} node(s), ` +
            `probing for at most ${Math.round(record.probeMaxSeconds / 60)} min${record.multus ? `; Multus ${record.multus}` : ''}\n`,
        );
        for (const c of record.canaries) {
          process.stdout.write(`  ${c.pod} on ${c.node}: ${c.iface} ${c.addresses.join(', ')} ${c.mac}, probes ${c.targets.join(', ') || '(nothing)'}\n`);
        }
        process.stdout.write(`After the upgrade: multus-conformance upgrade verify --canary-id ${record.canaryId}\n`);
        done(EXIT.ok);
      } catch (e) {
        if (!isCheckFailure(e)) throw e;
        printErrorLine(`upgrade prepare: ${e.message}`);
        done(EXIT.failed);
      }
    });

  const verify = upgrade.command('verify').description('after an upgrade: did the canaries keep their networks, what did the probe lose, do new pods get theirs; then remove the canaries');
  addUpgradeOptions(verify)
    .addOption(new Option('--max-gap <duration>', 'longest probe gap between surviving canaries that still passes').argParser(duration).default(5, '5s'))
    .option('--keep', 'keep the canaries (and their probe) after verifying', false)
    .option('--json-file <file>', 'also write the result as JSON')
    .action(async (_o: unknown, self: Command) => {
      const opts = self.opts<CommonOptions & { maxGap: number; keep: boolean; jsonFile?: string }>();
      const settings = settingsOf(self);
      const { loadProfile } = await import('../../helpers/fixtures/profile.ts');
      const kc = await connect(settings);
      const { verifyCanaries } = await import('../upgrade/verify.ts');
      const { formatVerify } = await import('../upgrade/verify-print.ts');
      const profile = loadProfile(settings);
      const result = await verifyCanaries(kc, {
        canaryId: opts.canaryId,
        image: profile.testImage,
        maxGapSeconds: opts.maxGap,
        timeoutMs: opts.timeout * 1000,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${formatVerify(result)}\n`);
      const failed = result.checks.filter((c) => c.outcome === 'failed').length;
      const code: ExitCode = failed > 0 || result.checks.length === 0 ? EXIT.failed : EXIT.ok;
      if (opts.jsonFile) {
        const file = resolve(opts.jsonFile);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, `${JSON.stringify({ ...result, exitCode: code }, null, 2)}\n`);
      }
      if (!opts.keep) {
        const { deleteNamespace } = await import('../../helpers/k8s/namespace.ts');
        const { waitForNamespacesGone, namespaceSelector } = await import('../sweep.ts');
        await deleteNamespace(kc, result.namespace);
        const left = await waitForNamespacesGone(kc, [result.namespace], namespaceSelector(canaryRunId(opts.canaryId)), 120_000);
        if (left.length > 0) {
          process.stderr.write(`namespace ${result.namespace} still terminating after 120s: \`multus-conformance cleanup --run-id ${canaryRunId(opts.canaryId)}\`\n`);
          done(EXIT.failed);
          return;
        }
        process.stdout.write(`canaries removed (namespace ${result.namespace})\n`);
      } else {
        process.stdout.write(`canaries kept (namespace ${result.namespace}); \`multus-conformance cleanup --run-id upgrade-${opts.canaryId}\` removes them\n`);
      }
      done(code);
    });
}
