import * as k8s from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { namespaceName } from '../../helpers/k8s/labels.ts';
import { waitFor } from '../../helpers/k8s/wait.ts';
import { listWhereabouts, replaceIpPool } from '../../helpers/k8s/whereabouts.ts';
import { ipPoolName, parseIpPool, parseIpReservation } from '../../helpers/parse/whereabouts.ts';
import { kubeClient, namespacesLeft, newRunId, readReport, reportDir, spawnCli } from './cli.ts';

// A duplicate address forced into whereabouts' pool, during a real run of
// ipam/whereabouts-exhausted (its /30 holds two addresses: small-a and
// small-b take them, small-c is refused). While small-c is refused, the test
// swaps the two allocations in the scenario's IPPool: the pool now says
// small-a holds small-b's address. whereabouts frees by container ID on CNI
// DEL, so deleting small-a frees the address small-b still holds, and the
// waiting small-c gets it. The scenario's uniqueness check must fail naming
// small-c and small-b. Nothing is restored by hand: the scenario removes its
// pool, and every reservation is freed by the pods' own DELs; the test checks
// both. (Local testbed only: it edits whereabouts' state.)
interface RawPool {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec: { range: string; allocations: Record<string, { id: string; podref: string; ifname?: string }> };
}

describe('whereabouts sabotage: a duplicate address forced into its IPPool', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc } = kubeClient(kubeconfig);
  const profile = loadProfile(RunSettingsSchema.parse({ provider: 'local' }));

  it('fails ipam/whereabouts-exhausted with the uniqueness check naming both pods, and leaves no whereabouts state', async () => {
    const runId = newRunId('wbs');
    const ns = namespaceName(runId, 'ipam-whereabouts-exhausted');
    const pool = ipPoolName(profile.whereaboutsSmallRange, ns);
    const dir = reportDir('wb-sabotage');
    const run = spawnCli(['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', '^ipam/whereabouts-exhausted$', '--run-id', runId, '--report-dir', dir]);
    let swapped = '';
    let exitCode: number;
    try {
      // As soon as small-a and small-b are both recorded (small-a is deleted
      // only after small-c was refused and held down for 5 s).
      const raw = await waitFor(
        `IPPool ${pool}: waiting for the allocations of small-a and small-b`,
        async () => {
          const found = (await listWhereabouts(kc, 'ippools')).find((p) => (p as RawPool).metadata.name === pool) as RawPool | undefined;
          const refs = Object.values(found?.spec.allocations ?? {}).map((a) => a.podref).sort();
          const both = refs.includes(`${ns}/small-a`) && refs.includes(`${ns}/small-b`);
          return found && both ? { done: true, value: found, state: '' } : { done: false, state: refs.join(', ') || 'no pool yet' };
        },
        { timeoutMs: 300_000, intervalMs: 200 },
      );
      const entries = Object.entries(raw.spec.allocations);
      const [a, b] = [entries.find(([, x]) => x.podref === `${ns}/small-a`)!, entries.find(([, x]) => x.podref === `${ns}/small-b`)!];
      raw.spec.allocations = { ...raw.spec.allocations, [a[0]]: b[1], [b[0]]: a[1] };
      await replaceIpPool(kc, raw);
      swapped = parseIpPool(raw).allocations.map((x) => `${x.ip} → ${x.podRef}`).join(', ');
    } finally {
      // The run ends by itself either way; its verdict is checked below.
      exitCode = await run.done;
    }
    expect(swapped, 'the pool was edited').toMatch(/small-a.*small-b|small-b.*small-a/);
    expect(exitCode).toBe(1);
    const c = readReport(dir).get('ipam/whereabouts-exhausted');
    expect(c?.status).toBe('failed');
    expect(c?.failure).toMatch(
      new RegExp(
        `pod ${ns}/small-c, interface net1: IP unique across pods: expected an address no other attachment holds \\((\\S+) is held by pod ${ns}/small-b, interface net1\\), got \\1 here too`,
      ),
    );

    // Nothing of the run's network is left in whereabouts' records.
    const left = [
      ...(await listWhereabouts(kc, 'ippools')).map(parseIpPool).filter((p) => p.name.startsWith(`${ns}-`)).map((p) => `IPPool ${p.name}`),
      ...(await listWhereabouts(kc, 'overlappingrangeipreservations'))
        .map(parseIpReservation)
        .filter((r) => r.name.startsWith(`${ns}-`))
        .map((r) => `reservation ${r.name} (${r.podRef})`),
    ];
    expect(left).toEqual([]);
    expect(await namespacesLeft(kc.makeApiClient(k8s.CoreV1Api), runId)).toEqual([]);
  }, 600_000);
});
