import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../helpers/config/duration.ts';
import type { SettingsLayer } from '../helpers/config/load.ts';
import { DEFAULTS, MODES, MULTUS_INSTALLS, PROFILES, PROVIDERS } from '../helpers/config/settings.ts';

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number.');
  return Number(value);
}

export function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--kubeconfig` and `--context`, as kubectl spells them. */
export function addClusterOptions(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (required with --provider existing)');
}

/** Options that decide which cluster and which scenarios: shared by `run` and `list`. */
export function addSettingsOptions(cmd: Command): Command {
  addClusterOptions(cmd);
  return cmd
    .addOption(new Option('--provider <name>', 'where the cluster comes from').choices(PROVIDERS).default(DEFAULTS.provider))
    .addOption(new Option('--profile <name>', 'fixture profile (default: local, kind, or generic for existing)').choices(PROFILES))
    .addOption(new Option('--mode <mode>', 'scenario set (default: full, or non-disruptive for existing)').choices(MODES))
    .option('-t, --test <regex>', 'select scenarios by id/title regex; "!regex" excludes; repeatable', collect)
    .option('--strict', 'spec-strict checks instead of Multus-compatible ones', false)
    .addOption(
      new Option('--multus-install <how>', 'install Multus, or only detect it (never)').choices(MULTUS_INSTALLS).default(DEFAULTS.multusInstall),
    )
    .option('--node-selector <selector>', 'label selector of the nodes that carry network.master (e.g. a TKG node pool); others are skipped')
    .option('--test-image <ref>', 'image for test and probe pods; needs ip (iproute2 or busybox), ping, sleep (default: from the profile)')
    .option('--multus-daemonset <ns/name>', 'the Multus DaemonSet, when several DaemonSets run Multus')
    .option('--token-margin <duration>', "health/thin-kubeconfig fails when the thin plugin's token expires within this (default: 24h)", duration)
    .option('--scale <n>', 'run scale/pods: n pods with two attachments each (only it, unless --test adds more)', wholeNumber)
    .option('--allow-node-residue', 'on clusters the suite did not create, also run scenarios that can leave state on nodes', false)
    .option('--config <file>', 'YAML config file with the same settings (flags win)');
}

/** Options only a real run needs. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--concurrency <n>', 'scenarios run at the same time (1-32; default: 4 per schedulable node, at least 12)', wholeNumber)
    .addOption(
      new Option('--timeout <duration>', 'per-scenario timeout: 90s, 5m or seconds').argParser(duration).default(DEFAULTS.timeoutSeconds, '5m'),
    )
    .option('--report-dir <dir>', 'directory for the reports', DEFAULTS.reportDir)
    .option('--junit-file <file>', 'JUnit XML report (default: <report-dir>/junit.xml)')
    .option('--json-file <file>', 'JSON report (default: <report-dir>/report.json)')
    .option('--keep', 'keep namespaces and pods for debugging', false)
    .addOption(new Option('--sweep-wait <duration>', "how long the end-of-run sweep waits for the run's pods to be gone and its namespaces terminating (default: 2m)").argParser(duration))
    .option('--teardown', 'delete the cluster afterwards (local, kind)', false)
    .option('--fail-on-skip', 'exit 1 when any scenario was skipped (CI)', false)
    .option('--min-passed <n>', 'exit 1 when fewer than n scenarios passed (CI)', wholeNumber)
    .option('--timings', 'print where the run spent its time: phases, and each scenario by part (always in the JSON report)', false)
    .option('--known-failures <file>', 'YAML list of accepted failures (scenario, message regex, reason, expires): reported as known, not failed')
    .option('--baseline <report>', "a previous run's report.json or report directory: compare at the end; a regression (pass→fail, pass→skip, gone) exits 1")
    .option('--run-id <id>', 'run id used in labels and namespace names (default: random 8 hex characters)');
}

// Commander option key → settings path.
const SETTINGS_PATH: Record<string, readonly string[]> = {
  provider: ['provider'],
  kubeconfig: ['kubeconfig'],
  context: ['context'],
  profile: ['profile'],
  mode: ['mode'],
  test: ['tests'],
  strict: ['strict'],
  multusInstall: ['multus', 'install'],
  multusDaemonset: ['multus', 'daemonSet'],
  tokenMargin: ['multus', 'tokenMargin'],
  allowNodeResidue: ['allowNodeResidue'],
  concurrency: ['concurrency'],
  timeout: ['timeoutSeconds'],
  reportDir: ['reportDir'],
  junitFile: ['junitFile'],
  jsonFile: ['jsonFile'],
  keep: ['keep'],
  teardown: ['teardown'],
  failOnSkip: ['failOnSkip'],
  minPassed: ['minPassed'],
  timings: ['timings'],
  sweepWait: ['sweepWaitSeconds'],
  knownFailures: ['knownFailures'],
  baseline: ['baseline'],
  runId: ['runId'],
  testImage: ['testImage'],
  nodeSelector: ['network', 'nodeSelector'],
  scale: ['scale'],
};

/**
 * The settings the user actually typed. Commander defaults are left out so a
 * config file value is not overridden by a default; the schema applies the
 * same defaults afterwards.
 */
export function flagsToLayer(cmd: Command): SettingsLayer {
  const opts = cmd.opts<Record<string, unknown>>();
  let layer: SettingsLayer = {};
  for (const [key, path] of Object.entries(SETTINGS_PATH)) {
    if (opts[key] === undefined) continue;
    const source = cmd.getOptionValueSource(key);
    if (source === 'default' || source === undefined) continue;
    layer = setIn(layer, path, opts[key]);
  }
  return layer;
}

function setIn(obj: SettingsLayer, path: readonly string[], value: unknown): SettingsLayer {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = obj[head];
  return { ...obj, [head]: setIn(typeof child === 'object' && child !== null ? (child as SettingsLayer) : {}, rest, value) };
}
