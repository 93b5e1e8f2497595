import { afterEach, describe, expect, it, vi } from 'vitest';
import { runStandIn } from './stand-in-run.ts';

// Short bounds: a silence of 1.5 s is a stall here (5 minutes in a real run).
const BOUNDS = { idleMs: 1_500, graceMs: 1_000, hookMs: 60_000 };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  junit: string;
  json: unknown;
}

let runs = 0;
/** The stand-in project with these test files, one worker at a time, the short bounds. */
async function run(files: Record<string, string>, pool: 'forks' | 'threads'): Promise<Result> {
  const setup = `export default function setup() { return () => { process.stdout.write('teardown ran\\n'); }; }`;
  const r = await runStandIn(setup, files, `unitstall${process.pid}x${++runs}`, { pool, concurrency: 1, stallBounds: BOUNDS });
  const json = r.read('report.json');
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, junit: r.read('junit.xml'), json: json === '' ? undefined : (JSON.parse(json) as unknown) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

const PASSES = `it('passes', () => {});`;

describe('a test file that makes no progress is stopped, named and failed', () => {
  it('loading for ever (an import that never answers): its worker is stopped, the other file still runs, exit 1', async () => {
    const r = await run({ 'a-hang.test.ts': `await new Promise(() => {});\nit('never collected', () => {});`, 'b-pass.test.ts': PASSES }, 'forks');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /multus-conformance: stalled: a-hang\.test\.ts made no progress for \d+s while loading \(imports and collection\); stopping its worker \(pid \d+\); the run goes on\n/,
    );
    // The processes of the run, one line each: the stopped worker among them.
    expect(r.stderr).toMatch(/\n {2}pid \d+ \(parent \d+\) state S, waiting in \S+, \d+s old: \S*node .*vitest\/dist\/workers\/forks\.js/);
    expect(r.junit).toMatch(/<testcase classname="b-pass\.test\.ts" name="passes" time="[\d.]+">\s*<\/testcase>/);
    expect(r.junit).toContain('name="run/stalled: every test file runs to its end"');
    expect(r.junit).toMatch(/<error message="stalled: a-hang\.test\.ts made no progress for \d+s while loading \(imports and collection\)" type="Stalled">/);
    expect(r.stdout).toContain('teardown ran');
  }, 60_000);

  it('a test blocking its worker past its timeout (the timeout cannot fire): stopped, and the process line shows the block', async () => {
    const block = `it('blocks', () => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000); }, 500);`;
    const r = await run({ 'a-block.test.ts': block, 'b-pass.test.ts': PASSES }, 'forks');
    expect(r.code).toBe(1);
    // The worker blocked before it could report the test as started: vitest sees a file between its tests.
    expect(r.stderr).toMatch(/stalled: a-block\.test\.ts made no progress for \d+s while between its tests and hooks; stopping its worker \(pid \d+\)/);
    expect(r.stderr).toMatch(/ state S, waiting in futex\w*, \d+s old: \S*node .*vitest\/dist\/workers\/forks\.js\n/);
    expect(r.junit).toMatch(/<testcase classname="b-pass\.test\.ts" name="passes" time="[\d.]+">\s*<\/testcase>/);
    // The case that never finished is an error with the stall's reason, not an empty (passed-looking) case.
    expect(r.junit).toMatch(
      /<testcase classname="a-block\.test\.ts" name="blocks" time="0">\s*<error message="not finished: stalled: a-block\.test\.ts made no progress for \d+s while between its tests and hooks" type="Unfinished">/,
    );
    // In the JSON too: failed with the reason, not pending (which counts as skipped); the run's two problems are cases of their own.
    expect(r.json).toMatchObject({ numFailedTests: 3, numPendingTests: 0, success: false });
    const files = (r.json as { testResults: Array<{ name: string; assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }> }).testResults;
    expect(files.find((f) => f.name.endsWith('a-block.test.ts'))?.assertionResults).toEqual([
      expect.objectContaining({ title: 'blocks', status: 'failed', failureMessages: [expect.stringMatching(/^not finished: stalled: a-block\.test\.ts made no progress/)] }),
    ]);
  }, 60_000);

  it('in a worker thread (no process to stop): the run is stopped as by Ctrl-C, its teardown runs, exit 1', async () => {
    const r = await run({ 'a-hang.test.ts': `await new Promise(() => {});\nit('never collected', () => {});` }, 'threads');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stalled: a-hang\.test\.ts made no progress for \d+s while loading \(imports and collection\); stopping the run \(`multus-conformance cleanup` removes what it left\)\n/);
    expect(r.stdout).toContain('teardown ran');
    expect(r.junit).toContain('name="run/stalled: every test file runs to its end"');
  }, 60_000);

  it('a long beforeAll hook (a cluster brought up) is no stall while it runs: vitest reports hooks', async () => {
    const hook = `beforeAll(async () => { await new Promise((r) => setTimeout(r, 4_000)); }, 10_000);\nit('after the hook', () => {});`;
    const r = await run({ 'a-hook.test.ts': hook }, 'forks');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);

  it('a file that is slow but makes progress is no stall (wrong data for the checks above)', async () => {
    const slow = Array.from({ length: 4 }, (_, i) => `it('step ${i}', async () => { await new Promise((r) => setTimeout(r, 1_000)); });`).join('\n');
    const r = await run({ 'a-slow.test.ts': slow }, 'forks');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);
});
