#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so there is no build step.
import { register } from 'tsx/esm/api';

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
