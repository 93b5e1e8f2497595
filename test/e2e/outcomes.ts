import { readJunit } from './cli.ts';
import type { Outcome } from './expected-local.ts';

export interface JunitCase {
  /** Scenario id: the test case name up to the first colon. */
  id: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** The failure message, or the skip message. */
  message: string;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const unescape = (s: string): string =>
  s.replace(/&(?:amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (m, dec?: string, hex?: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (ENTITIES[m] ?? m),
  );

/** Every test case of a run's JUnit report, one per scenario and node. */
export function junitCases(dir: string): JunitCase[] {
  const cases: JunitCase[] = [];
  for (const m of readJunit(dir).matchAll(/<testcase [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>|<testcase [^>]*name="([^"]*)"[^>]*\/>/g)) {
    const name = unescape(m[1] ?? m[3] ?? '');
    const body = m[2] ?? '';
    const failure = /<(?:failure|error) message="([^"]*)"/.exec(body);
    const skip = /<skipped(?: message="([^"]*)")?\s*\/>/.exec(body);
    cases.push({
      id: name.split(':')[0]!,
      name,
      status: failure ? 'failed' : skip ? 'skipped' : 'passed',
      message: unescape(failure?.[1] ?? skip?.[1] ?? ''),
    });
  }
  return cases;
}

/** Why one case does not have one expected outcome; undefined when it does. */
function mismatch(got: JunitCase, want: Outcome): string | undefined {
  if (want.status === 'either') {
    const problems = want.options.map((w) => mismatch(got, w));
    return problems.includes(undefined) ? undefined : problems.join('; or ');
  }
  if (got.status !== want.status) return `${got.name}: expected ${want.status}, got ${got.status} ${got.message.split('\n')[0] ?? ''}`;
  const pattern = want.status === 'failed' ? want.message : want.status === 'skipped' ? want.reason : undefined;
  if (pattern && !pattern.test(got.message)) return `${got.name}: ${JSON.stringify(got.message.slice(0, 300))} does not match ${pattern}`;
  return undefined;
}

/**
 * Every case of the report against the expected table: each scenario id of
 * the table is present, every case of it (one per node for per-node
 * scenarios) has the expected status, and its skip reason or failure message
 * matches. One line per mismatch; empty when the run is as pinned.
 */
export function outcomeMismatches(dir: string, expected: Record<string, Outcome>): string[] {
  const cases = junitCases(dir);
  const wrong: string[] = [];
  for (const [id, want] of Object.entries(expected)) {
    const mine = cases.filter((c) => c.id === id);
    if (mine.length === 0) wrong.push(`${id}: missing from the report`);
    for (const got of mine) {
      const problems = (want.status === 'either' ? want.options : [want]).map((w) => mismatch(got, w));
      if (!problems.includes(undefined)) wrong.push(problems.join('; or '));
    }
  }
  for (const c of cases) if (!(c.id in expected) && !c.id.startsWith('run/')) wrong.push(`${c.name}: not in the expected table`);
  for (const c of cases) if (c.id.startsWith('run/')) wrong.push(`${c.name}: run-level problem: ${c.message}`);
  return wrong;
}
