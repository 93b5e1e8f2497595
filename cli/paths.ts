import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so the CLI works from any directory. */
export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const VITEST_CONFIG = join(REPO_ROOT, 'vitest.config.ts');

/** multus-conformance's own version (package.json). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
