import { relative } from 'node:path';

/**
 * How long each silence may last before a test file is called stalled.
 *
 * vitest times tests and hooks, but not a file's loading (its imports and
 * collection), not the gaps between its tests, and not a worker that never
 * picks up the next file: a worker waiting there for an answer that never
 * comes waits for ever, and the run with it (a CI run of this project sat 85
 * minutes on one file's loading). A test's own timeout cannot fire either
 * while its worker is blocked.
 */
export interface StallBounds {
  /** A file loading, between its tests and hooks, or no file started while files remain. */
  idleMs: number;
  /** Past a test's own timeout, which vitest enforces unless its worker is blocked. */
  graceMs: number;
  /** A hook: vitest does not report its timeout (the longest this project sets is 25 minutes). */
  hookMs: number;
}

/**
 * idleMs: a conformance file's loading waits for the node probe, up to the
 * profile's probe timeout (5 minutes on real clusters) plus one minute
 * (helpers/scenario/cluster-context.ts); 10 minutes is well past that.
 */
export const DEFAULT_STALL_BOUNDS: StallBounds = { idleMs: 10 * 60_000, graceMs: 2 * 60_000, hookMs: 30 * 60_000 };

/** A file that made no progress for longer than its bound. */
export interface Stall {
  /** The test file's path (absolute, as vitest names it). */
  moduleId: string;
  /** What it was doing, for the message. */
  doing: string;
  forMs: number;
}

// The parts of vitest's reported entities the watch reads (vitest's own
// TestModule, TestCase and hook contexts have them).
interface ModuleLike {
  moduleId: string;
}
interface CaseLike {
  id: string;
  fullName: string;
  module: ModuleLike;
  options: { timeout: number | undefined };
}
interface HookLike {
  name: string;
  entity: { id: string; type: string; moduleId?: string; module?: ModuleLike };
}

interface FileState {
  /** The last thing that happened in the file. */
  since: number;
  collected: boolean;
  tests: Map<string, { name: string; since: number; timeoutMs: number | undefined }>;
  hooks: Map<string, { name: string; since: number }>;
}

/**
 * A reporter that keeps, per running test file, what it is doing and since
 * when; `check` names the files whose silence is longer than its bound.
 * The clock is given, so the rules are tested without waiting.
 */
export class StallWatch {
  private readonly files = new Map<string, FileState>();
  private readonly remaining = new Set<string>();
  /** Set by the first file a worker picks up: before that the global setup runs, which has its own bounds. */
  private lastEnd: number | undefined;

  constructor(
    private readonly bounds: StallBounds,
    private readonly clock: () => number = Date.now,
  ) {}

  onTestRunStart(specifications: ReadonlyArray<{ moduleId: string }>): void {
    for (const s of specifications) this.remaining.add(s.moduleId);
  }

  onTestModuleQueued(module: ModuleLike): void {
    const now = this.clock();
    this.files.set(module.moduleId, { since: now, collected: false, tests: new Map(), hooks: new Map() });
    this.lastEnd ??= now;
  }

  onTestModuleCollected(module: ModuleLike): void {
    const f = this.touch(module.moduleId);
    if (f) f.collected = true;
  }

  onTestCaseReady(test: CaseLike): void {
    const f = this.touch(test.module.moduleId);
    // 0 turns vitest's timeout off: the hook bound applies instead.
    const timeoutMs = test.options.timeout === 0 ? undefined : test.options.timeout;
    f?.tests.set(test.id, { name: test.fullName, since: this.clock(), timeoutMs });
  }

  onTestCaseResult(test: CaseLike): void {
    this.touch(test.module.moduleId)?.tests.delete(test.id);
  }

  onHookStart(hook: HookLike): void {
    const f = this.touch(moduleOf(hook));
    f?.hooks.set(hookKey(hook), { name: hook.name, since: this.clock() });
  }

  onHookEnd(hook: HookLike): void {
    this.touch(moduleOf(hook))?.hooks.delete(hookKey(hook));
  }

  onTestModuleEnd(module: ModuleLike): void {
    this.forget(module.moduleId);
  }

  /** A file that will not report again (its worker was stopped). */
  forget(moduleId: string): void {
    this.files.delete(moduleId);
    this.remaining.delete(moduleId);
    this.lastEnd = this.clock();
  }

  /** A worker that never picked up its file was stopped: the gap starts again. */
  resetIdle(): void {
    this.lastEnd = this.clock();
  }

  /** The files running in a worker now. */
  running(): string[] {
    return [...this.files.keys()];
  }

  /** Every file silent for longer than its bound; the run-level gap as a stall of the next file. */
  check(): Stall[] {
    const now = this.clock();
    const stalls: Stall[] = [];
    for (const [moduleId, f] of this.files) {
      for (const t of f.tests.values()) {
        const bound = (t.timeoutMs ?? this.bounds.hookMs) + this.bounds.graceMs;
        if (now - t.since > bound) {
          const timeout = t.timeoutMs === undefined ? '' : `, its timeout ${Math.round(t.timeoutMs / 1000)}s`;
          stalls.push({ moduleId, doing: `running "${t.name}"${timeout}`, forMs: now - t.since });
        }
      }
      for (const h of f.hooks.values()) {
        if (now - h.since > this.bounds.hookMs) stalls.push({ moduleId, doing: `in a ${h.name} hook`, forMs: now - h.since });
      }
      if (f.tests.size === 0 && f.hooks.size === 0 && now - f.since > this.bounds.idleMs) {
        stalls.push({ moduleId, doing: f.collected ? 'between its tests and hooks' : 'loading (imports and collection)', forMs: now - f.since });
      }
    }
    if (this.files.size === 0 && this.lastEnd !== undefined && now - this.lastEnd > this.bounds.idleMs) {
      const next = [...this.remaining][0];
      if (next !== undefined) stalls.push({ moduleId: next, doing: `waiting for a worker to start it (${this.remaining.size} file(s) not run)`, forMs: now - this.lastEnd });
    }
    return stalls;
  }

  private touch(moduleId: string | undefined): FileState | undefined {
    const f = moduleId === undefined ? undefined : this.files.get(moduleId);
    if (f) f.since = this.clock();
    return f;
  }
}

function moduleOf(hook: HookLike): string | undefined {
  return hook.entity.type === 'module' ? hook.entity.moduleId : hook.entity.module?.moduleId;
}

function hookKey(hook: HookLike): string {
  return `${hook.name}:${hook.entity.id}`;
}

/** One line: the file, relative to the root, what it was doing and for how long. */
export function describeStall(stall: Stall, root: string): string {
  return `${relative(root, stall.moduleId)} made no progress for ${formatMinutes(stall.forMs)} while ${stall.doing}`;
}

function formatMinutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
