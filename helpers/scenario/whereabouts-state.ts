import * as k8s from '@kubernetes/client-node';
import { ConformanceFailure } from '../errors.ts';
import { deleteWhereaboutsExactly, listWhereabouts } from '../k8s/whereabouts.ts';
import { waitFor, WaitTimeout } from '../k8s/wait.ts';
import { parseIp } from '../parse/ip-address.ts';
import { ipPoolName, parseIpPool, parseIpReservation, type IpPool, type IpReservation } from '../parse/whereabouts.ts';
import type { ScenarioEnv } from './env.ts';

/**
 * The whereabouts state one scenario causes, and its removal.
 *
 * whereabouts keeps an IPPool per range in its own namespace (kube-system),
 * outside the suite's namespaces, and keeps it after the last pod is gone.
 * The suite's whereabouts NADs set `network_name` to the scenario's namespace
 * (unique to the run), so every pool and reservation they cause is named
 * after it and can be told from anyone else's. `confined()` runs a scenario
 * body, then deletes the scenario's pods gracefully (whereabouts frees their
 * addresses on CNI DEL), deletes each pool of that name only if it is still
 * the object read (UID and resourceVersion preconditions), and reads again to
 * prove nothing of that name is left. A reservation left behind is a failure
 * (whereabouts frees them on DEL; the suite may not delete them).
 */
export class WhereaboutsState {
  readonly networkName: string;
  private readonly ranges = new Set<string>();

  constructor(private readonly env: ScenarioEnv) {
    this.networkName = env.ns;
  }

  /** Template values for a whereabouts NAD fixture: its range, and the scenario's network name. */
  vars(range: string, extra: Record<string, string> = {}): Record<string, string> {
    this.ranges.add(range);
    return { range, networkName: this.networkName, ...extra };
  }

  /** The pool of `range` this scenario's NADs use, or undefined when whereabouts has not made it (yet). */
  async pool(range: string): Promise<IpPool | undefined> {
    const name = ipPoolName(range, this.networkName);
    return (await this.pools()).find((p) => p.name === name);
  }

  /** The pool of `range`, which must exist once a pod got an address from it. */
  async readPool(range: string, pod: string, iface: string): Promise<IpPool> {
    const pool = await this.pool(range);
    if (pool) return pool;
    throw new ConformanceFailure({
      pod,
      iface,
      check: 'whereabouts recorded the allocation',
      expected: `IPPool ${ipPoolName(range, this.networkName)} (in whereabouts' namespace)`,
      actual: 'no such IPPool in any namespace',
    });
  }

  /**
   * The pool of `range` once the deleted pods no longer hold anything in it,
   * or, when that does not happen in time, the pool as last read, for the
   * check to name what is left.
   */
  async poolAfterRelease(range: string, podRefs: readonly string[]): Promise<IpPool | undefined> {
    const gone = new Set(podRefs);
    try {
      return await this.waitPool(`IPPool of ${range}: waiting for the allocations of ${podRefs.join(', ')} to be freed`, range, (p) => !p.allocations.some((a) => gone.has(a.podRef)));
    } catch (e) {
      if (!(e instanceof WaitTimeout)) throw e;
      return await this.pool(range);
    }
  }

  /** Waits until the pool of `range` satisfies `ok` (bounded); the timeout names what the pool held. */
  async waitPool(description: string, range: string, ok: (pool: IpPool) => boolean, timeoutMs = this.env.timeouts.podDeleted): Promise<IpPool> {
    return await waitFor(
      description,
      async () => {
        const pool = await this.pool(range);
        if (pool && ok(pool)) return { done: true, value: pool, state: '' };
        const held = pool ? pool.allocations.map((a) => `${a.ip} → ${a.podRef}`).join(', ') || 'empty' : 'no such IPPool';
        return { done: false, state: `IPPool ${ipPoolName(range, this.networkName)}: ${held}` };
      },
      { timeoutMs, intervalMs: 1000 },
    );
  }

  /** The reservations (enable_overlapping_ranges) named for this scenario's network. */
  async reservations(): Promise<IpReservation[]> {
    return (await listWhereabouts(this.env.kc, 'overlappingrangeipreservations')).map(parseIpReservation).filter((r) => this.ownsReservation(r.name));
  }

  /** The reservations once none is held by `podRefs` (deleted), or as last read when that does not happen in time. */
  async reservationsAfterRelease(podRefs: readonly string[]): Promise<IpReservation[]> {
    const gone = new Set(podRefs);
    try {
      return await waitFor(
        `reservations of network ${this.networkName}: waiting for the deleted pods' to be freed`,
        async () => {
          const left = await this.reservations();
          const held = left.filter((r) => gone.has(r.podRef));
          return held.length === 0 ? { done: true, value: left, state: '' } : { done: false, state: held.map((r) => `${r.name} → ${r.podRef}`).join(', ') };
        },
        { timeoutMs: this.env.timeouts.podDeleted, intervalMs: 1000 },
      );
    } catch (e) {
      if (!(e instanceof WaitTimeout)) throw e;
      return await this.reservations();
    }
  }

  private async pools(): Promise<IpPool[]> {
    return (await listWhereabouts(this.env.kc, 'ippools')).map(parseIpPool);
  }

  private ownsPool(name: string): boolean {
    return [...this.ranges].some((r) => ipPoolName(r, this.networkName) === name);
  }

  /** `<network>-<address>` (IPv6 with `-` for `:`): ours only when the rest is an address. */
  private ownsReservation(name: string): boolean {
    const prefix = `${this.networkName}-`;
    if (!name.startsWith(prefix)) return false;
    const rest = name.slice(prefix.length);
    return parseIp(rest) !== undefined || parseIp(rest.replaceAll('-', ':')) !== undefined;
  }

  /** Runs the body, then removes and proves removed what it caused (also when the body failed). */
  async confined(body: () => Promise<void>): Promise<void> {
    let failed = false;
    try {
      await body();
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      try {
        await this.remove();
      } catch (e) {
        // The body's own failure says more; the leftover is recorded beside it.
        if (!failed) throw e;
        this.env.note(`whereabouts state not removed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private async remove(): Promise<void> {
    if (this.env.cluster.keep) {
      // --keep leaves the pods for debugging, and so the records that go with them.
      const pools = (await this.pools()).filter((p) => this.ownsPool(p.name)).map((p) => `${p.namespace}/${p.name}`);
      if (pools.length > 0) this.env.note(`whereabouts: --keep leaves IPPool ${pools.join(', ')} (delete it after the namespace)`);
      return;
    }
    await this.deletePods();
    const removed: string[] = [];
    for (const pool of (await this.pools()).filter((p) => this.ownsPool(p.name))) {
      // The last DEL can still be on its way: give it a moment, then remove the pool regardless.
      const settled = await this.waitPool(`IPPool ${pool.namespace}/${pool.name}: waiting for the last allocations to be freed`, pool.range, (p) => p.allocations.length === 0).catch(
        (e: unknown) => {
          if (e instanceof WaitTimeout) return undefined;
          throw e;
        },
      );
      const current = settled ?? (await this.pool(pool.range)) ?? pool;
      if (await deleteWhereaboutsExactly(this.env.kc, 'ippools', current)) removed.push(`${current.namespace}/${current.name} (uid ${current.uid})`);
    }
    // The proof: read again, nothing of this network's name is left.
    const pools = (await this.pools()).filter((p) => this.ownsPool(p.name));
    const reservations = await this.reservations();
    if (pools.length > 0 || reservations.length > 0) {
      const left = [...pools.map((p) => `IPPool ${p.namespace}/${p.name}`), ...reservations.map((r) => `OverlappingRangeIPReservation ${r.namespace}/${r.name} (${r.podRef})`)];
      throw new ConformanceFailure({
        pod: `${this.env.ns}/*`,
        check: `whereabouts state of network ${this.networkName} removed after the scenario`,
        expected: 'no IPPool or reservation of that network left',
        actual: `${left.join(', ')} (remove with kubectl delete -n <namespace> ippools.whereabouts.cni.cncf.io/<name> or overlappingrangeipreservations.whereabouts.cni.cncf.io/<name>)`,
      });
    }
    if (removed.length > 0) this.env.note(`whereabouts: removed IPPool ${removed.join(', ')}; read again: none of network ${this.networkName} left`);
  }

  /**
   * Every pod of the scenario's namespaces, deleted gracefully: CNI DEL runs
   * before the object is gone. StatefulSets go first, orphaning their pods,
   * so nothing re-creates a pod behind this.
   */
  private async deletePods(): Promise<void> {
    const apps = this.env.kc.makeApiClient(k8s.AppsV1Api);
    await Promise.all(
      this.env.namespaces.map(async (namespace) => {
        for (const sts of (await apps.listNamespacedStatefulSet({ namespace })).items) {
          await apps.deleteNamespacedStatefulSet({ namespace, name: sts.metadata!.name!, propagationPolicy: 'Orphan' }).catch((e: unknown) => {
            if (!(e instanceof k8s.ApiException && e.code === 404)) throw e;
          });
        }
        const pods = await this.env.core.listNamespacedPod({ namespace });
        await Promise.all(
          pods.items.map(async (p) => {
            const name = p.metadata!.name!;
            try {
              await this.env.expectDeleted(name, namespace);
            } catch (e) {
              if (e instanceof k8s.ApiException && e.code === 404) return;
              throw e;
            }
          }),
        );
      }),
    );
  }
}
