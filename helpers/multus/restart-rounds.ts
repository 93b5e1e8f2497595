import type { RestartResult } from './restart.ts';

/** Runs one Multus restart; `during` (when given) goes into its window (restartMultus). */
export type RestartRunner = (during: ((node: string) => Promise<void>) | undefined) => Promise<RestartResult>;

/** One scenario's place in the rounds: it joins a restart, or leaves without one. */
export interface RestartTicket {
  /**
   * Waits for the round's restart, which the first to join runs with `run`
   * (every scenario's runner restarts the same DaemonSet); `during` creates
   * this scenario's pods in its window.
   */
  join(run: RestartRunner, during?: (node: string) => Promise<void>): Promise<RestartResult>;
  /** No restart wanted after all (failed or skipped before it): the others stop waiting for this one. */
  leave(): void;
}

interface Joined {
  run: RestartRunner;
  during: ((node: string) => Promise<void>) | undefined;
  resolve: (r: RestartResult) => void;
  reject: (e: unknown) => void;
}

/**
 * One Multus restart shared by every disruptive scenario that wants one.
 *
 * Why: each restart costs 6-7 s on the testbed (old pods deleted, the
 * replacement Ready), and lifecycle/multus-restart and
 * lifecycle/pod-during-restart each made their own, one after the other.
 * Both check what a restart does, to pods that were running (the first) and
 * to pods created in its window (the second); one restart serves both.
 *
 * Every scenario that will ask is enrolled when it is registered. A round
 * starts when each enrolled scenario has joined or left; a scenario that fails
 * before its restart leaves (the wrapper's finally), so no one waits for it.
 * `gatherMs` bounds the wait after the first join: past it, the round goes
 * with those who joined, and latecomers get a round of their own.
 */
export class RestartRounds {
  private pending = 0;
  private joined: Joined[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly gatherMs: number) {}

  /** A ticket for one scenario that will ask for a restart. */
  enrol(): RestartTicket {
    this.pending++;
    let settled = false;
    const settle = (): void => {
      if (settled) throw new Error('a restart ticket is used once');
      settled = true;
      this.pending--;
    };
    return {
      join: (run, during) =>
        new Promise<RestartResult>((resolve, reject) => {
          settle();
          this.joined.push({ run, during, resolve, reject });
          this.timer ??= setTimeout(() => this.start(), this.gatherMs);
          if (this.pending === 0) this.start();
        }),
      leave: () => {
        if (settled) return;
        settle();
        if (this.pending === 0) this.start();
      },
    };
  }

  private start(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const round = this.joined.splice(0);
    const first = round[0];
    if (first === undefined) return;
    // A scenario whose own pods could not be created fails alone; the restart and the others go on.
    const failed = new Map<Joined, unknown>();
    const creators = round.flatMap((j) => (j.during ? [{ j, during: j.during }] : []));
    const during =
      creators.length === 0
        ? undefined
        : async (node: string): Promise<void> => {
            await Promise.all(creators.map(({ j, during }) => during(node).catch((e: unknown) => void failed.set(j, e))));
          };
    first.run(during).then(
      (result) => {
        for (const j of round) {
          if (failed.has(j)) j.reject(failed.get(j));
          else j.resolve(result);
        }
      },
      (e: unknown) => {
        for (const j of round) j.reject(e);
      },
    );
  }
}
