import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject, test, type TestContext } from 'vitest';
import { compileSelection, isSelected } from '../config/selection.ts';
import { firstLine } from '../k8s/client.ts';
import { byId, type ScenarioDef } from './catalog.ts';
import type { ClusterInfo } from './cluster-info.ts';
import { ScenarioEnv } from './env.ts';
import { CapabilityFailure } from '../capabilities/node-verdict.ts';
import { caseName, targetsOf } from './targets.ts';
import { SkipScenario } from './skip.ts';
import { DisruptionLock } from './disruption.ts';

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

export function scenario(id: string, body: ScenarioBody): void {
  const def = byId(id);
  const cluster = inject('cluster');
  const selection = compileSelection(cluster.tests);
  const lock = new DisruptionLock(cluster.runId);
  for (const { node, verdict } of targetsOf(def, cluster)) {
    const name = caseName(def, node);
    if (!isSelected(selection, def.id, name)) continue;
    test.concurrent(name, async (ctx) => {
      if (verdict.outcome === 'skip') {
        await ctx.annotate(verdict.reason, 'skip-reason');
        ctx.skip(verdict.reason);
      }
      // A probe that failed, a selected node without its master, a master that is down: the case fails, never skips.
      if (verdict.outcome !== 'run' && verdict.outcome !== 'skip') throw new CapabilityFailure(verdict.reason);
      await ctx.annotate(def.rule, 'rule');
      const run = async (): Promise<string | undefined> => {
        const env = await ScenarioEnv.create(cluster, slugOf(def, node));
        let skipped: string | undefined;
        try {
          await body(env, node);
        } catch (e) {
          if (!(e instanceof SkipScenario)) {
            await attachDiagnostics(ctx, cluster, env, slugOf(def, node));
            throw e;
          }
          skipped = e.message;
        } finally {
          for (const n of env.notes) await ctx.annotate(n, 'note');
          if (!cluster.keep) await env.cleanup();
        }
        return skipped;
      };
      const skipped = def.level === 'disruptive' ? await lock.exclusive(run) : await lock.shared(slugOf(def, node), run);
      if (skipped !== undefined) {
        await ctx.annotate(skipped, 'skip-reason');
        ctx.skip(skipped);
      }
    });
  }
}
