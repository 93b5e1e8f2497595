import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { test, type TestContext } from 'vitest';
import { currentCluster } from './cluster-context.ts';
import { scenarioSelected, selectionOf } from '../config/selection.ts';
import { ClusterLost, describeApiLost, isNoAnswer, readApiLost, watchApiLostFor, type ApiLost } from '../k8s/api-lost.ts';
import { firstLine, loadKubeConfig } from '../k8s/client.ts';
import { apiGate, type ApiGate } from './api-gate.ts';
import { byId, startOrder, type ScenarioDef } from './catalog.ts';
import type { ClusterInfo } from './cluster-info.ts';
import { ScenarioEnv } from './env.ts';
import { CapabilityFailure } from '../capabilities/node-verdict.ts';
import { caseName, targetsOf } from './targets.ts';
import { SkipScenario } from './skip.ts';
import { DisruptionLock } from './disruption.ts';
import { RestartRounds, type RestartTicket } from '../multus/restart-rounds.ts';
import { Stopwatch, type ScenarioTiming } from '../timing/stopwatch.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** Where the scenario's time went, by part (helpers/timing/stopwatch.ts). */
    timings?: ScenarioTiming;
  }
}

export { caseName, scenarioGate, skipReason, targetsOf, type Target } from './targets.ts';

export type ScenarioBody = (env: ScenarioEnv, node: string | undefined) => Promise<void>;

function slugOf(def: ScenarioDef, node: string | undefined): string {
  return `${def.id.replace('/', '-')}${node ? `-${node}` : ''}`;
}

/**
 * Declares a scenario from the catalog as vitest test case(s). Selection
 * (--test) decides whether it is registered at all; capability gating and
 * the run mode turn it into a skip with the reason recorded (annotation
 * `skip-reason`, which lands in JUnit). A failure gets a diagnostics bundle
 * collected before the scenario's namespaces are deleted.
 */
/** Writes the diagnostics bundle of a failed scenario and attaches it to the test case. */
async function attachDiagnostics(ctx: TestContext, cluster: ClusterInfo, env: ScenarioEnv, slug: string): Promise<void> {
  const file = join(cluster.reportDir, 'diagnostics', `${slug}.txt`);
  try {
    mkdirSync(join(cluster.reportDir, 'diagnostics'), { recursive: true });
    writeFileSync(file, await env.diagnostics());
    await ctx.annotate(`diagnostics bundle: ${file}`, 'diagnostics', { path: file, contentType: 'text/plain' });
  } catch (d) {
    await ctx.annotate(`diagnostics could not be collected: ${firstLine(d)}`, 'diagnostics');
  }
}

let running: LimitFunction | undefined;

/**
 * The disruptive scenarios of this worker share one Multus restart
 * (restart-rounds.ts). The bound on waiting for each other only matters for
 * a case vitest never starts; a scenario that fails first leaves at once.
 */
const restarts = new RestartRounds(120_000);

/** Scenarios declared by the area files, registered by registerScenarios. */
const declared: Array<{ id: string; def: ScenarioDef; body: ScenarioBody }> = [];

/**
 * Declares a scenario (see register). It becomes a test case when the entry
 * file calls registerScenarios, after loading every area it needs.
 */
export function scenario(id: string, body: ScenarioBody): void {
  declared.push({ id, def: byId(id), body });
}

/**
 * Registers every declared scenario as vitest test case(s), those with waits
 * the cluster sets first (catalog.ts, START_FIRST): vitest starts concurrent
 * cases in the order they were registered, and so they take their slots.
 */
export function registerScenarios(): void {
  for (const { def, body } of startOrder(declared.splice(0))) register(def, body);
}

function register(def: ScenarioDef, body: ScenarioBody): void {
  const cluster = currentCluster();
  const selection = selectionOf(cluster);
  // The same rule as `list` and the choice of suite files (selectedSuiteFiles).
  if (!scenarioSelected(selection, def)) return;
  const lock = new DisruptionLock(cluster.runId);
  // Every scenario of a group runs in this one worker (helpers/scenario/groups.ts): one bound for all.
  const slots = (running ??= pLimit(cluster.concurrency));
  // Waits in this worker end at once when the run's heartbeat calls the cluster lost.
  watchApiLostFor(cluster.runId);
  const gate = apiGate(loadKubeConfig({ kubeconfig: cluster.kubeconfig, context: cluster.context }), cluster.runId, cluster.timeouts.apiLost);
  for (const { node, verdict } of targetsOf(def, cluster)) {
    const name = caseName(def, node);
    // Enrolled before any case starts, so the first to ask waits for the others.
    const restart = def.level === 'disruptive' && verdict.outcome === 'run' ? restarts.enrol() : undefined;
    const runCase = async (ctx: TestContext): Promise<void> => {
      const watch = new Stopwatch();
      // Whatever the outcome, the report says where the time went (`--timings`, JSON).
      ctx.onTestFinished(() => {
        ctx.task.meta.timings = watch.result();
      });
      if (verdict.outcome === 'skip') {
        await ctx.annotate(verdict.reason, 'skip-reason');
        ctx.skip(verdict.reason);
        return;
      }
      // A probe that failed, a selected node without its master, a master that is down: the case fails, never skips.
      if (verdict.outcome !== 'run') throw new CapabilityFailure(verdict.reason);
      await ctx.annotate(def.rule, 'rule');
      const lockRequested = performance.now();
      const run = async (): Promise<{ skipped?: string }> => {
        watch.add('lock wait', performance.now() - lockRequested);
        // No scenario starts into an outage; none at all once the cluster is lost (one reason for all).
        const lostBefore = await gate.beforeStart();
        if (lostBefore) return { skipped: notRunReason(lostBefore) };
        let env: ScenarioEnv | undefined;
        try {
          const created = await createEnv(cluster, slugOf(def, node), gate, { namespace: def.namespace, watch, restart });
          if (!(created instanceof ScenarioEnv)) return { skipped: notRunReason(created) };
          env = created;
          await body(env, node);
          return {};
        } catch (e) {
          if (e instanceof SkipScenario) return { skipped: e.message };
          // Cut short by a lost cluster: say so, not ECONNREFUSED; nothing answers to collect diagnostics from.
          const lost = await gate.afterFailure(e);
          if (lost) throw new ClusterLost(lost);
          if (env) await attachDiagnostics(ctx, cluster, env, slugOf(def, node));
          throw e;
        } finally {
          if (env) {
            for (const n of env.notes) await ctx.annotate(n, 'note');
            Object.assign(ctx.task.meta, env.meta);
            // Recorded so that two runs' reports can show a changed NAD (helpers/report/results.ts).
            for (const n of env.appliedNads) await ctx.annotate(`${n.name} sha256:${n.configSha256}`, 'nad');
            // After a loss the run prints the `cleanup --run-id` command instead.
            if (!cluster.keep && !readApiLost(cluster.runId)) await env.cleanup();
          }
        }
      };
      const { skipped } = await slots(() => (def.level === 'disruptive' ? lock.exclusive(run) : lock.shared(slugOf(def, node), run)));
      if (skipped !== undefined) {
        await ctx.annotate(skipped, 'skip-reason');
        ctx.skip(skipped);
      }
    };
    test.concurrent(name, async (ctx) => {
      try {
        await runCase(ctx);
      } finally {
        restart?.leave();
      }
    });
  }
}

/**
 * The scenario's namespace. When the API server did not answer, nothing has
 * started yet: wait for it, then start again, or report the scenario as not
 * run when the cluster is lost.
 */
async function createEnv(
  cluster: ClusterInfo,
  slug: string,
  gate: ApiGate,
  opts: { namespace: boolean; watch: Stopwatch; restart: RestartTicket | undefined },
): Promise<ScenarioEnv | ApiLost> {
  try {
    return await ScenarioEnv.create(cluster, slug, opts);
  } catch (e) {
    const lost = await gate.afterFailure(e);
    if (lost) return lost;
    if (!isNoAnswer(e)) throw e;
    return await ScenarioEnv.create(cluster, slug, opts);
  }
}

/** The skip reason of every scenario a lost cluster kept from starting: one text for all of them. */
export function notRunReason(lost: ApiLost): string {
  return `not run: the cluster was lost: ${describeApiLost(lost)}`;
}
