import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runVitest } from '../../cli/vitest-run.ts';

const ERRORS_MODULE = join(import.meta.dirname, '../../helpers/errors.ts');

// A stand-in for the conformance project: its global setup and one test file
// behave as each case asks, so the exit code mapping is checked end to end.
function project(setup: string, test: string): { root: string; configFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'mc-run-'));
  writeFileSync(join(root, 'setup.ts'), setup);
  writeFileSync(join(root, 'scenario.test.js'), test);
  const configFile = join(root, 'vitest.config.mjs');
  writeFileSync(
    configFile,
    `export default { test: { projects: [{ test: { name: 'conformance', include: ['scenario.test.js'], globals: true, globalSetup: ['setup.ts'] } }] } };`,
  );
  return { root, configFile };
}

const FINE_SETUP = 'export default function setup() {}';
const throwingSetup = (cls: string, message: string): string =>
  `import { ${cls} } from ${JSON.stringify(ERRORS_MODULE)};\nexport default function setup() { throw new ${cls}(${JSON.stringify(message)}); }`;

async function run(setup: string, test: string): Promise<{ code: number; stderr: string; junit: string }> {
  const { root, configFile } = project(setup, test);
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const junitFile = join(root, 'out', 'junit.xml');
    const code = await runVitest({ projects: ['conformance'], junitFile, jsonFile: join(root, 'out', 'report.json'), root, configFile, concurrency: 2, timeoutSeconds: 30 });
    let junit = '';
    try {
      junit = readFileSync(junitFile, 'utf8');
    } catch {
      // no report when nothing ran
    }
    return { code, stderr, junit };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('run exit codes', () => {
  it('0 when everything passed or was skipped with a reason', async () => {
    const r = await run(
      FINE_SETUP,
      `it('passes', () => {}); it('skips', async ({ annotate, skip }) => { await annotate('no SR-IOV resources on any node', 'skip-reason'); skip('no sriov'); });`,
    );
    expect(r.code).toBe(0);
    expect(r.junit).toContain('<skipped message="no SR-IOV resources on any node"/>');
  }, 60_000);

  it('1 when a scenario failed', async () => {
    const r = await run(FINE_SETUP, `it('passes', () => {}); it('fails', () => { throw new Error('pod a/b, interface net1: operstate: expected UP, got DOWN'); });`);
    expect(r.code).toBe(1);
    expect(r.junit).toContain('<failure message="pod a/b, interface net1: operstate: expected UP, got DOWN"');
  }, 60_000);

  it.each([
    ['UsageError', 'refusing to run against context "prod" that was not named explicitly: pass --context prod'],
    ['ClusterAccessError', 'cannot reach API server https://10.0.0.1:6443 (context tkg): HTTP 401: Unauthorized'],
  ])('2 and one line, no stack, when the global setup throws a %s', async (cls, message) => {
    const r = await run(throwingSetup(cls, message), `it('never runs', () => {});`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`multus-conformance: ${message}\n`);
  }, 60_000);

  it('1 with the message when the global setup fails some other way', async () => {
    const r = await run(`export default function setup() { throw new Error('multus DaemonSet not ready on node w1'); }`, `it('never runs', () => {});`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('multus-conformance: the run could not complete: multus DaemonSet not ready on node w1\n');
  }, 60_000);
});

describe('Ctrl-C during a run', () => {
  it('stops the scenarios and still runs the global teardown (which cleans up the run)', async () => {
    const setup = `export default function setup() {
  process.stdout.write('setup done\\n');
  return () => { process.stdout.write('teardown ran\\n'); };
}`;
    const { root, configFile } = project(setup, `it('long scenario', async () => { await new Promise((r) => setTimeout(r, 60_000)); });`);
    const script = join(root, 'run.mts');
    const runner = join(import.meta.dirname, '../../cli/vitest-run.ts');
    writeFileSync(
      script,
      `import { runVitest } from ${JSON.stringify(runner)};
const code = await runVitest({ projects: ['conformance'], junitFile: ${JSON.stringify(join(root, 'j.xml'))}, jsonFile: ${JSON.stringify(join(root, 'r.json'))}, root: ${JSON.stringify(root)}, configFile: ${JSON.stringify(configFile)} });
process.exit(code);`,
    );
    const child = execa('node', ['--import', 'tsx', script], { reject: false, cwd: join(import.meta.dirname, '../..') });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('setup done')) setTimeout(() => child.kill('SIGINT'), 300);
    });
    const r = await child;
    expect(r.stdout, r.stderr).toContain('teardown ran');
    expect(r.stderr).toContain('Interrupted: stopping the scenarios and cleaning up');
    expect(r.exitCode).toBe(1);
  }, 60_000);
});
