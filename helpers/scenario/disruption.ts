import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** This process's hold on a writer flag, by flag path: how many disruptive scenarios share it. */
const holds = new Map<string, { count: number; taken: Promise<void> }>();

/**
 * Disruptive scenarios (restarting Multus) must run alone: a pod created
 * while Multus restarts tells nothing about the scenario that made it. Test
 * files run in separate worker processes, so the exclusion is a
 * readers-writer lock made of files in the run's directory: every scenario
 * registers a reader file while it runs; a disruptive one raises the writer
 * flag (new scenarios then wait) and waits until no reader is left.
 * Registering before checking the flag, and backing off when it is up,
 * keeps a reader and the writer from both going ahead.
 */
export class DisruptionLock {
  private readonly dir: string;
  private readonly flag: string;

  constructor(runId: string) {
    this.dir = join(tmpdir(), `multus-conformance-${runId}-locks`);
    this.flag = join(this.dir, 'disruptive');
    mkdirSync(this.dir, { recursive: true });
  }

  /** Runs `fn` while no disruptive scenario runs. */
  async shared<T>(slug: string, fn: () => Promise<T>): Promise<T> {
    const mine = join(this.dir, `${slug}.${process.pid}.reader`);
    for (;;) {
      writeFileSync(mine, '');
      if (!this.files().includes('disruptive')) break;
      rmSync(mine, { force: true });
      await sleep(500);
    }
    try {
      return await fn();
    } finally {
      rmSync(mine, { force: true });
    }
  }

  /**
   * Runs `fn` without ordinary scenarios: waits for running ones to end and
   * holds new ones back. Disruptive scenarios of this process hold the lock
   * together: they share one Multus restart (helpers/multus/restart-rounds.ts),
   * so each would otherwise wait for a restart the other is waiting to join.
   * Another process's disruptive scenarios wait (exclusive create).
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    let hold = holds.get(this.flag);
    if (!hold) {
      hold = { count: 0, taken: this.take() };
      holds.set(this.flag, hold);
    }
    hold.count++;
    try {
      await hold.taken;
      return await fn();
    } finally {
      if (--hold.count === 0) {
        holds.delete(this.flag);
        rmSync(this.flag, { force: true });
      }
    }
  }

  private async take(): Promise<void> {
    while (!tryCreate(this.flag)) await sleep(500);
    while (this.files().some((f) => f.endsWith('.reader'))) await sleep(500);
  }

  /** Removes a run's lock directory (global teardown). */
  static remove(runId: string): void {
    rmSync(join(tmpdir(), `multus-conformance-${runId}-locks`), { recursive: true, force: true });
  }

  private files(): string[] {
    return readdirSync(this.dir);
  }
}

function tryCreate(path: string): boolean {
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
