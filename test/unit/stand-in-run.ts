import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { conformanceRun, type ConformanceRunOptions } from '../../cli/conformance-run.ts';

/**
 * A stand-in for the conformance project: its global setup and one test
 * file behave as each case asks, and the run goes through the same code as
 * `multus-conformance run` (conformanceRun: vitest, the run's state, the
 * known-failures list, the baseline, the exit-code rules, the reports).
 */
export function standInProject(setup: string, test: string | Record<string, string>, pool: 'forks' | 'threads' = 'forks'): { root: string; configFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'mc-run-'));
  writeFileSync(join(root, 'setup.ts'), setup);
  // One file, scenario.test.ts, or several by name.
  const files = typeof test === 'string' ? { 'scenario.test.ts': test } : test;
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  const configFile = join(root, 'vitest.config.mjs');
  writeFileSync(
    configFile,
    `export default { test: { projects: [{ test: { name: 'conformance', include: ${JSON.stringify(Object.keys(files))}, globals: true, pool: '${pool}', globalSetup: ['setup.ts'] } }] } };`,
  );
  return { root, configFile };
}

export const FINE_SETUP = 'export default function setup() {}';

export interface StandInRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The report directory. */
  out: string;
  runId: string;
  /** A report file's text; '' when the run wrote none. */
  read: (file: string) => string;
}

/** conformanceRun on a stand-in project, its stdout and stderr captured. */
export async function runStandIn(
  setup: string,
  test: string | Record<string, string>,
  runId: string,
  opts: Partial<ConformanceRunOptions> & { outDir?: string; pool?: 'forks' | 'threads' } = {},
): Promise<StandInRun> {
  const { pool, ...runOpts } = opts;
  const { root, configFile } = standInProject(setup, test, pool);
  const out = runOpts.outDir ?? join(root, 'out');
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await conformanceRun({
      projects: ['conformance'],
      junitFile: join(out, 'junit.xml'),
      jsonFile: join(out, 'report.json'),
      root,
      configFile,
      concurrency: 2,
      timeoutSeconds: 30,
      failOnSkip: false,
      ...runOpts,
      runId,
    });
    const read = (f: string): string => (existsSync(join(out, f)) ? readFileSync(join(out, f), 'utf8') : '');
    return { code, stdout, stderr, out, runId, read };
  } finally {
    vi.restoreAllMocks();
  }
}
