import { afterAll, describe, expect, inject, it } from 'vitest';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { namespaceName } from '../../helpers/k8s/labels.ts';
import { ipv6Vars } from '../../helpers/scenario/ipv6-ranges.ts';
import { wrapPlugin, type BrokenPlugin } from './broken-plugin.ts';
import { cli, kubeClient, newRunId, readReport, reportDir, namespacesLeft } from './cli.ts';

// An address outside the range, during a real run of ipv6/macvlan: the
// testbed node's host-local is wrapped by a script that, on ADD only, moves
// the IPv6 range of the config it is handed (fd00:6d63::100-::13f, the
// scenario's quarter) to the quarter no scenario uses (fd00:6d63::1c0-::1ff,
// ipv6-ranges.ts) before running the real plugin. So the pods get addresses
// outside the range the scenario's NAD names, as from an IPAM that ignores
// its config, while Multus, the NAD and the status annotation all agree with
// each other. The range check must fail naming the pod, net1, the expected
// range and the address it got. DEL is handed to the real plugin untouched
// (host-local releases by container id). Restored byte for byte in afterAll
// (sha256 checked); the run deletes its namespace, which the test checks.
// (Local testbed only: it replaces a file in the node's /opt/cni/bin.)
const MOVE = (from: [string, string], to: [string, string]) => (original: string): string =>
  [
    '#!/bin/sh',
    '# multus-conformance e2e (test/e2e/ipv6-sabotage.test.ts): host-local handed another IPv6 range on ADD.',
    'if [ "$CNI_COMMAND" = ADD ]; then',
    `  sed -e 's/"${from[0]}"/"${to[0]}"/g' -e 's/"${from[1]}"/"${to[1]}"/g' | ${original} "$@"`,
    '  exit $?',
    'fi',
    `exec ${original} "$@"`,
    '',
  ].join('\n');

describe('IPv6 sabotage: an address outside the range the scenario applied', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { core } = kubeClient(kubeconfig);
  const profile = loadProfile(RunSettingsSchema.parse({ provider: 'local' }));
  const applied = ipv6Vars(profile, 'macvlan');
  const moved = ipv6Vars(profile, 'sabotage');
  let plugin: BrokenPlugin | undefined;
  afterAll(() => {
    plugin?.restore();
  });

  it('fails ipv6/macvlan with the range check naming pod, net1, the expected range and the address, and leaves nothing', async () => {
    expect([applied.v6RangeStart, applied.v6RangeEnd, moved.v6RangeStart, moved.v6RangeEnd]).toEqual([
      'fd00:6d63::100',
      'fd00:6d63::13f',
      'fd00:6d63::1c0',
      'fd00:6d63::1ff',
    ]);
    const runId = newRunId('v6s');
    const ns = namespaceName(runId, 'ipv6-macvlan');
    const dir = reportDir('ipv6-sabotage');
    plugin = wrapPlugin('host-local', 'ipv6-sabotage', MOVE([applied.v6RangeStart, applied.v6RangeEnd], [moved.v6RangeStart, moved.v6RangeEnd]));
    let r: Awaited<ReturnType<typeof cli>>;
    try {
      r = await cli(['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', '^ipv6/macvlan$', '--run-id', runId, '--report-dir', dir]);
    } finally {
      expect(plugin.restore()).toBe(plugin.originalSha256);
    }
    expect(r.exitCode, r.stderr.slice(-1500)).toBe(1);
    const c = readReport(dir).get('ipv6/macvlan');
    expect(c?.status).toBe('failed');
    expect(c?.failure).toMatch(
      new RegExp(
        `pod ${ns}/v6-[ab], interface net1: IP in range fd00:6d63::100-fd00:6d63::13f in fd00:6d63::/64 \\(gateway fd00:6d63::1\\): expected an address in fd00:6d63::100-fd00:6d63::13f in fd00:6d63::/64 \\(gateway fd00:6d63::1\\), got fd00:6d63::1[c-f][0-9a-f]\\b`,
      ),
    );
    // The run's namespace, with the pods, is gone (their CNI DEL went to the real host-local).
    expect(await namespacesLeft(core, runId)).toEqual([]);
  }, 300_000);
});
