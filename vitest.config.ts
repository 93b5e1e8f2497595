import { homedir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Transformed modules kept between runs, keyed by content (vitest's
// experimental fsModuleCache): a warm run's start falls from about 2.6 s to
// 1.3 s on this project's 2-core machine (vitest start + workers and
// collection, `run --timings`). Outside the package: a global install may
// not be writable.
const moduleCache = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'multus-conformance', 'vitest-modules');


export default defineConfig({
  test: {
    experimental: { fsModuleCache: true, fsModuleCachePath: moduleCache },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Some unit tests spawn the CLI (node + tsx); on 2 busy cores, while
          // the e2e project drives the testbed, that alone can take seconds.
          testTimeout: 60_000,
        },
      },
      {
        // The conformance scenarios: they need a cluster, brought up or selected
        // once by the global setup (shared by both conformance projects). Run by
        // `multus-conformance run`.
        test: {
          name: 'conformance',
          include: ['suites/conformance.test.ts'],
          // A worker thread starts faster than a forked process (measured with
          // --timings: "workers and collection"); each group is one file anyway.
          pool: 'threads',
          globalSetup: ['suites/global-setup.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The disruptive scenarios (Multus restarts) in a group of their own,
        // after every other scenario has finished: nothing ever waits behind a
        // restart, and no pod of another scenario is created during one.
        test: {
          name: 'conformance-disruptive',
          include: ['suites/disruptive.test.ts'],
          pool: 'threads',
          globalSetup: ['suites/global-setup.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Drives the CLI against the live testbed; serial because it changes the
        // testbed (sets the secondary link down) and would break parallel runs.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 900_000,
        },
      },
    ],
  },
});
