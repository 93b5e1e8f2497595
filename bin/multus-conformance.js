#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so there is no build step.
import { register } from 'tsx/esm/api';

// The big dependencies are loaded before tsx hooks into module loading:
// through its resolve and load hooks, @kubernetes/client-node's ~1000 files
// take twice as long (1.4 s against 0.7 s on this project's 2-core machine).
// Every later import of them is a cache hit.
// Vitest only for the commands that start it.
const runsVitest = ['run', 'selftest'].includes(process.argv[2] ?? '');
await Promise.all(['@kubernetes/client-node', 'execa', 'zod', 'yaml', 'commander', ...(runsVitest ? ['vitest/node'] : [])].map((m) => import(m)));
register();
const { main } = await import('../cli/main.ts');
let code;
try {
  code = await main(process.argv);
} catch (e) {
  const { redact } = await import('../helpers/report/redact.ts');
  process.stderr.write(`${redact(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
  code = 1;
}
// Explicit: open handles (watches, sockets) must not keep a finished run alive.
process.exit(code);
