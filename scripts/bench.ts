/**
 * `npm run bench`: issue 8's table, measured in one go on the embedded
 * testbed (never a timed test). Every suite run is a normal run, timed from
 * spawn to exit: no --keep, its cleanup and final sweep included. Baselines:
 *   - serial: scripts/bench/serial-kubectl.sh, the upstream-e2e sequence one
 *     pod after another (apply, wait Ready, exec ip, range and operstate);
 *   - floor: the same Ready pods, NADs and namespaces created at once and
 *     deleted again (scripts/bench/floor.ts says what its clock includes).
 * Both replay the pods of untimed `--keep` runs of the same selections
 * (scripts/bench/capture.ts), which are removed before anything is timed.
 * A ratio is refused when its suite run ended otherwise than the expected
 * table (test/e2e/expected-local.ts) says, or its baseline failed.
 * Writes reports/bench.json; prints the table and the slowest run's timings.
 *
 * Usage: npm run bench [-- --only selection-8,scale-32] [--kubectl PATH] [--out FILE] (--help)
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { loadKubeConfig } from '../helpers/k8s/client.ts';
import { REPO_ROOT } from '../helpers/fixtures/paths.ts';
import { formatTimings } from '../helpers/timing/report.ts';
import { EXPECTED_LOCAL } from '../test/e2e/expected-local.ts';
import { captureWorkload } from './bench/capture.ts';
import { runFloor, type FloorRun } from './bench/floor.ts';
import { captureSelection, cliArgs, expectedOutcome, figuresOf, formatFigure, METRICS, selectedIds, type BaselineFacts, type Figure, type MetricDef, type WorkloadSource } from './bench/metrics.ts';
import { runSerial, type SerialRun } from './bench/serial.ts';
import { settle } from './bench/settle.ts';
import { withMachineCpu } from './bench/machine-cpu.ts';
import { runSuite, type SuiteRun } from './bench/suite-run.ts';
import { forScenarios, type Workload } from './bench/workload.ts';
import { CATALOG } from '../helpers/scenario/catalog.ts';

const USAGE = `Usage: npm run bench [-- options]

Times issue 8's metrics on the embedded testbed (normal suite runs against the
serial kubectl script and the floor); writes the figures to --out. Long: the full
bench runs the disruptive scenarios twice (only when nobody else uses the testbed).

Options:
  --only <ids>         comma-separated metric ids (${METRICS.map((m) => m.id).join(', ')})
  --kubeconfig <file>  the testbed's kubeconfig (default: /var/lib/multus-conformance/admin.conf)
  --kubectl <path>     kubectl the serial baseline runs
  --out <file>         the JSON written (default: reports/bench.json)
  -h, --help           this text

Exit codes: 0 figures written; 1 a ratio refused or the testbed recreated meanwhile; 2 bad input or the bench failed.
`;

function parseFlags(): ReturnType<typeof parse> {
  try {
    return parse();
  } catch (e) {
    // Bad input: one line, exit 2 (as the CLI does).
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)} (see --help)\n`);
    process.exit(2);
  }
}

function parse() {
  return parseArgs({
    options: {
      only: { type: 'string' },
      kubeconfig: { type: 'string', default: '/var/lib/multus-conformance/admin.conf' },
      kubectl: { type: 'string', default: '/var/cache/multus-conformance/bin/kubernetes-v1.34.4/kubectl' },
      out: { type: 'string', default: join(REPO_ROOT, 'reports', 'bench.json') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

const { values } = parseFlags();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const kubeconfig = values.kubeconfig!;
const stamp = Date.now().toString(16).slice(-6);
const work = join('/tmp', `mc-bench-${stamp}`);
const only = values.only ? new Set(values.only.split(',')) : undefined;
const metrics = METRICS.filter((m) => !only || only.has(m.id));
if (only && metrics.length !== only.size) {
  process.stderr.write(`bench: --only: unknown metric; known: ${METRICS.map((m) => m.id).join(', ')}\n`);
  process.exit(2);
}

const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
let seq = 0;
/** Run ids of the bench's own runs: short, unique, recognisable (`b<stamp>-<n>`). */
const nextId = (): string => `b${stamp}-${++seq}`;

interface MetricResult {
  id: string;
  title: string;
  args: string[];
  suite: Omit<SuiteRun, 'timings'> & { expectedExitCode: number; expectedFailed: string[] };
  baseline?: SerialRun | FloorRun;
  floor?: FloorRun;
  /** Core-seconds the whole machine spent during each leg (information: what bounds a run on busy cores). */
  machineCpuSeconds: MachineCpu;
  figures: Figure[];
}

interface MachineCpu {
  suite: number;
  serial?: number;
  floor?: number;
}

/** The kept runs: the widest default selection the metrics need (each takes its scenarios' part), and the two scale runs. */
const SOURCES: Record<WorkloadSource, string[]> = { default: cliArgs(captureSelection(metrics)), 'scale-32': ['--scale', '32'], 'scale-100': ['--scale', '100'] };

/** The part of the kept default set a metric replays: its own selection's scenarios. */
function workloadFor(def: MetricDef, kept: Map<WorkloadSource, Workload>): Workload {
  const w = kept.get(def.workload!)!;
  const ids = new Set(selectedIds(def.selection));
  return forScenarios(w, CATALOG.map((d) => d.id), (id) => ids.has(id));
}

function baselineFacts(kind: 'serial' | 'floor', r: SerialRun | FloorRun | undefined): BaselineFacts | undefined {
  if (!r) return undefined;
  const wait = 'namespaceWaitSeconds' in r ? r.namespaceWaitSeconds : undefined;
  return { kind, seconds: r.seconds, pods: r.pods, ...(r.error ? { error: r.error } : {}), ...(wait === undefined ? {} : { namespaceWaitSeconds: wait }) };
}

/**
 * The testbed is shared: its nodes' UIDs, read before and after, tell
 * whether someone recreated it while the bench ran (then nothing compares).
 */
async function nodeIdentity(): Promise<string> {
  const nodes = await loadKubeConfig({ kubeconfig }).makeApiClient(k8s.CoreV1Api).listNode();
  return nodes.items.map((n) => `${n.metadata?.name}/${n.metadata?.uid}`).sort().join(',');
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  log(`warming up (testbed up, caches warm): -t ^health/nad-crd$`);
  const warm = await runSuite(['-t', '^health/nad-crd$'], { runId: nextId(), reportDir: join(work, 'warm') });
  if (warm.exitCode !== 0) throw new Error(`warm-up run exited ${warm.exitCode}: see ${warm.reportDir}/output.txt`);
  // Read after the warm-up: it brings the testbed up when it is down (a new CA then).
  const kc = loadKubeConfig({ kubeconfig });
  const identity = await nodeIdentity();

  // Untimed --keep runs: the pods the baselines replay.
  const kept = new Map<WorkloadSource, Workload>();
  const captures: Record<string, { runId: string; exitCode: number; pods: number }> = {};
  for (const source of new Set(metrics.flatMap((m) => (m.workload ? [m.workload] : [])))) {
    const runId = nextId();
    log(`capturing the ${source} workload (untimed --keep run ${runId})`);
    const { run, workload } = await captureWorkload(kc, SOURCES[source], { runId, reportDir: join(work, `keep-${source}`), kubeconfig });
    kept.set(source, workload);
    captures[source] = { runId, exitCode: run.exitCode, pods: workload.pods.length };
    log(`  ${workload.pods.length} Ready pods in ${workload.namespaces.length} namespaces (exit ${run.exitCode})`);
  }

  // A leg's CPU is counted until the machine has settled after it: the
  // suite's namespaces go on being torn down after its process exits, the
  // floor waits for its own, untimed. Both pay for their teardown this way,
  // and the next leg starts on the settled machine (the first after this).
  const settled = (): Promise<void> => settle(log, kc);
  await settled();
  const results: MetricResult[] = [];
  const timings = new Map<string, SuiteRun>();
  for (const def of metrics) {
    const args = cliArgs(def.selection);
    const expected = expectedOutcome(selectedIds(def.selection), EXPECTED_LOCAL);
    const runId = nextId();
    log(`${def.id}: suite run ${runId}: multus-conformance run ${args.join(' ')}`);
    const { value: suite, coreSeconds: suiteCpu } = await withMachineCpu(settled, () => runSuite(args, { runId, reportDir: join(work, def.id) }));
    timings.set(def.id, suite);
    log(`  ${suite.seconds.toFixed(1)} s, exit ${suite.exitCode} (expected ${expected.exitCode}); machine CPU ${suiteCpu.toFixed(1)} core-s until settled`);
    const cpu: MachineCpu = { suite: suiteCpu };
    let baseline: SerialRun | FloorRun | undefined;
    let floor: FloorRun | undefined;
    if (def.workload) {
      const w = workloadFor(def, kept);
      if (def.baseline === 'serial') {
        const id = nextId();
        log(`  serial kubectl on ${w.pods.length} pods (${id})`);
        const serial = await withMachineCpu(settled, () => runSerial(w, { runId: id, dir: join(work, `${def.id}-serial`), kubectl: values.kubectl!, kubeconfig }));
        baseline = serial.value;
        cpu.serial = serial.coreSeconds;
        log(`  ${baseline.seconds.toFixed(1)} s${baseline.error ? `: failed: ${baseline.error}` : ''}; machine CPU ${serial.coreSeconds.toFixed(1)} core-s until settled`);
      }
      if (def.baseline === 'floor' || def.infoFloor) {
        const id = nextId();
        log(`  floor on ${w.pods.length} pods (${id})`);
        const measured = await withMachineCpu(settled, () => runFloor(kc, w, id, kubeconfig));
        floor = measured.value;
        cpu.floor = measured.coreSeconds;
        log(`  ${floor.seconds.toFixed(1)} s${floor.error ? `: failed: ${floor.error}` : ''}; machine CPU ${measured.coreSeconds.toFixed(1)} core-s until settled`);
        if (def.baseline === 'floor') baseline = floor;
      }
    }
    const figures = figuresOf(
      def,
      suite,
      expected,
      baselineFacts(def.baseline === 'serial' ? 'serial' : 'floor', baseline),
      def.infoFloor ? baselineFacts('floor', floor) : undefined,
    );
    const { timings: _inReport, ...suiteFacts } = suite;
    results.push({
      id: def.id,
      title: def.title,
      args,
      suite: { ...suiteFacts, expectedExitCode: expected.exitCode, expectedFailed: expected.failed },
      ...(baseline ? { baseline } : {}),
      ...(def.infoFloor && floor ? { floor } : {}),
      machineCpuSeconds: cpu,
      figures,
    });
  }

  const identityAfter = await nodeIdentity().catch((e: unknown) => `unreadable: ${e instanceof Error ? e.message : String(e)}`);
  const recreated = identityAfter !== identity;
  const report = {
    date: startedAt,
    testbed: { nodes: identity, recreatedDuringBench: recreated },
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), loadBefore, loadAfter: loadavg() },
    kubectl: values.kubectl,
    captures,
    metrics: results.map((r) => ({ ...r, timings: timings.get(r.id)?.timings })),
  };
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, `${JSON.stringify(report, null, 2)}\n`);

  const out: string[] = ['', `Bench ${startedAt} on ${cpus().length} cores, ${report.machine.memoryGiB} GiB (load ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before)`];
  for (const r of results) {
    const base = r.baseline ? `, ${'exitCode' in r.baseline ? 'serial' : 'floor'} ${r.baseline.seconds.toFixed(1)} s for ${r.baseline.pods} pods` : '';
    const info = r.floor && r.baseline !== r.floor ? `, floor ${r.floor.seconds.toFixed(1)} s` : '';
    out.push(`  ${r.title}: suite ${r.suite.seconds.toFixed(1)} s (exit ${r.suite.exitCode})${base}${info}`);
    for (const f of r.figures) out.push(`      ${formatFigure(f)}`);
  }
  const slowest = [...timings.values()].sort((a, b) => b.seconds - a.seconds)[0];
  if (slowest?.timings) out.push('', `Slowest suite run (${slowest.args.join(' ') || 'full default set'}):${formatTimings(slowest.timings, { top: 10 })}`);
  out.push('', `Written: ${values.out}; run logs and reports under ${work}`);
  if (recreated) out.push('', `NOT VALID: the testbed was recreated while the bench ran (nodes ${identity} before, ${identityAfter} after)`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (recreated || results.some((r) => r.figures.some((f) => f.refused))) process.exitCode = 1;
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)} (run logs under ${work})\n`);
  process.exitCode = 2;
}
