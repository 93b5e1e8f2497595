import { controlledBy, type DaemonSetRef, type PodLike, type OwnedPod } from '../assert/restart-scope.ts';

/** A pod as the observer needs it: identity, node, owner and the Ready condition. */
export type ObservedPod = PodLike & {
  status?: { conditions?: { type: string; status: string }[] };
};

interface Replacement {
  name: string;
  node?: string;
  /** Milliseconds after the restart began when it was first seen Ready. */
  readyAt?: number;
}

/**
 * Follows a Multus restart from watch events (and lists, when the watch
 * drops): when each old pod is gone, and when the DaemonSet's replacement on
 * each node is Ready. Pure state, fed with timestamps, so the restart window
 * can be reasoned about (and tested) without a cluster.
 */
export class RestartObserver {
  private readonly goneAt = new Map<string, number>();
  private readonly fresh = new Map<string, Replacement>();
  private readonly oldUids: Set<string>;

  constructor(
    private readonly target: DaemonSetRef,
    readonly old: readonly OwnedPod[],
  ) {
    this.oldUids = new Set(old.map((p) => p.uid));
  }

  /** One watch event: ADDED, MODIFIED or DELETED, seen at `at` ms. */
  observe(type: string, pod: ObservedPod, at: number): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.oldUids.has(uid)) {
      if (type === 'DELETED' && !this.goneAt.has(uid)) this.goneAt.set(uid, at);
      return;
    }
    if (!controlledBy(this.target, pod)) return;
    if (type === 'DELETED') {
      this.fresh.delete(uid);
      return;
    }
    const known = this.fresh.get(uid) ?? { name: pod.metadata?.name ?? '' };
    const node = pod.spec?.nodeName;
    if (node) known.node = node;
    if (known.readyAt === undefined && isReady(pod)) known.readyAt = at;
    this.fresh.set(uid, known);
  }

  /** A full list of the selected pods at `at` ms: old pods absent from it are gone. */
  observeList(pods: readonly ObservedPod[], at: number): void {
    const present = new Set(pods.map((p) => p.metadata?.uid ?? ''));
    for (const uid of this.oldUids) if (!present.has(uid) && !this.goneAt.has(uid)) this.goneAt.set(uid, at);
    for (const uid of [...this.fresh.keys()]) if (!present.has(uid)) this.fresh.delete(uid);
    for (const p of pods) this.observe('MODIFIED', p, at);
  }

  /** When the old pod on `node` was seen gone. */
  goneOn(node: string): number | undefined {
    const pod = this.old.find((p) => p.node === node);
    return pod ? this.goneAt.get(pod.uid) : undefined;
  }

  /** When a replacement on `node` was first seen Ready. */
  readyOn(node: string): number | undefined {
    const times = [...this.fresh.values()].filter((f) => f.node === node && f.readyAt !== undefined).map((f) => f.readyAt!);
    return times.length ? Math.min(...times) : undefined;
  }

  /** The first node whose old Multus pod is gone and whose replacement is not yet seen Ready. */
  openWindow(): string | undefined {
    const nodes = this.old.map((p) => p.node).filter((n): n is string => n !== undefined);
    return nodes.find((n) => this.goneOn(n) !== undefined && this.readyOn(n) === undefined);
  }

  /** The first node whose old pod is gone (whether or not its replacement is Ready yet). */
  firstGone(): string | undefined {
    return this.old
      .filter((p) => p.node !== undefined && this.goneAt.has(p.uid))
      .sort((a, b) => this.goneAt.get(a.uid)! - this.goneAt.get(b.uid)!)[0]?.node;
  }

  /** Every old pod is gone and every node that had one has a Ready replacement. */
  replaced(): boolean {
    return this.old.every((p) => this.goneAt.has(p.uid) && (p.node === undefined || this.readyOn(p.node) !== undefined));
  }

  /** What was seen so far, for wait errors: `node mc-node: old gone +8.1s, new kube-multus-ds-x Ready +10.2s`. */
  describe(): string {
    const secs = (ms: number | undefined): string => (ms === undefined ? 'not yet' : `+${(ms / 1000).toFixed(1)}s`);
    return this.old
      .map((p) => {
        const repl = [...this.fresh.values()].filter((f) => f.node === p.node);
        const fresh = repl.length ? repl.map((f) => `new ${f.name} Ready ${secs(f.readyAt)}`).join(', ') : 'no replacement yet';
        return `node ${p.node ?? '(unscheduled)'}: old ${p.name} gone ${secs(this.goneAt.get(p.uid))}, ${fresh}`;
      })
      .join('; ');
  }
}

export function isReady(pod: ObservedPod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
