import * as k8s from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { namespaceName } from '../../helpers/k8s/labels.ts';
import { waitFor } from '../../helpers/k8s/wait.ts';
import { ipv6Vars } from '../../helpers/scenario/ipv6-ranges.ts';
import { kubeClient, newRunId, readReport, reportDir, runNamespaces, spawnCli } from './cli.ts';

// An address outside the range, during a real run of ipv6/macvlan: as soon as
// the scenario has applied its NAD ipv6-net (range fd00:6d63::100-::13f), the
// test moves that NAD's IPv6 range to the quarter no scenario uses
// (fd00:6d63::1c0-::1ff, ipv6-ranges.ts). Multus reads the NAD only when the
// pod's sandbox is set up, after scheduling, so the pods get addresses from
// the moved range while the scenario still expects the one it applied. Its
// range check must fail naming the pod, net1, the expected range and the
// address it got. Nothing is restored by hand: the NAD lives in the run's
// namespace, which the scenario deletes (the pods' CNI DEL frees their
// host-local addresses); the test checks the namespace is gone.
// (Local testbed only.)
interface RawNad {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec: { config: string };
}
interface RangeSet {
  subnet: string;
  rangeStart: string;
  rangeEnd: string;
}

const NAD_API = { group: 'k8s.cni.cncf.io', version: 'v1', plural: 'network-attachment-definitions' } as const;

describe('IPv6 sabotage: an address outside the range the scenario applied', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const profile = loadProfile(RunSettingsSchema.parse({ provider: 'local' }));
  const applied = ipv6Vars(profile, 'macvlan');
  const moved = ipv6Vars(profile, 'sabotage');

  it('fails ipv6/macvlan with the range check naming pod, net1, the expected range and the address, and leaves nothing', async () => {
    const runId = newRunId('v6s');
    const ns = namespaceName(runId, 'ipv6-macvlan');
    const dir = reportDir('ipv6-sabotage');
    const run = spawnCli(['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', '^ipv6/macvlan$', '--run-id', runId, '--report-dir', dir]);
    let edited = '';
    let exitCode: number;
    try {
      // Polled often: the edit must land before the pods' CNI ADD (a second or more after the NAD is created).
      const nad = await waitFor(
        `NAD ${ns}/ipv6-net: waiting for the scenario to apply it`,
        async () => {
          const found = (await custom.getNamespacedCustomObject({ ...NAD_API, namespace: ns, name: 'ipv6-net' })) as RawNad;
          return { done: true, value: found, state: 'applied' };
        },
        { timeoutMs: 300_000, intervalMs: 50 },
      );
      const config = JSON.parse(nad.spec.config) as { ipam: { ranges: RangeSet[][] } };
      const range = config.ipam.ranges[0]![0]!;
      expect([range.rangeStart, range.rangeEnd], 'the NAD as the scenario applied it').toEqual([applied.v6RangeStart, applied.v6RangeEnd]);
      Object.assign(range, { rangeStart: moved.v6RangeStart, rangeEnd: moved.v6RangeEnd });
      nad.spec.config = JSON.stringify(config);
      await custom.replaceNamespacedCustomObject({ ...NAD_API, namespace: ns, name: 'ipv6-net', body: nad });
      edited = `${range.rangeStart}-${range.rangeEnd}`;
    } finally {
      // The run ends by itself either way; its verdict is checked below.
      exitCode = await run.done;
    }
    expect(edited, 'the NAD was edited').toBe('fd00:6d63::1c0-fd00:6d63::1ff');
    expect(exitCode).toBe(1);
    const c = readReport(dir).get('ipv6/macvlan');
    expect(c?.status).toBe('failed');
    expect(c?.failure).toMatch(
      new RegExp(
        `pod ${ns}/v6-[ab], interface net1: IP in range fd00:6d63::100-fd00:6d63::13f in fd00:6d63::/64 \\(gateway fd00:6d63::1\\): expected an address in fd00:6d63::100-fd00:6d63::13f in fd00:6d63::/64 \\(gateway fd00:6d63::1\\), got fd00:6d63::1[c-f][0-9a-f]\\b`,
      ),
    );
    // The run's namespace, with the edited NAD and the pods, is gone (the run's end-of-run sweep waits for it).
    expect(await runNamespaces(core, runId)).toEqual([]);
  }, 600_000);
});
