import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so the CLI works from any directory. */
export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const VITEST_CONFIG = join(REPO_ROOT, 'vitest.config.ts');
