import { afterAll, describe, expect, it } from 'vitest';
import { namespaceName } from '../../helpers/k8s/labels.ts';
import { wrapPlugin, type BrokenPlugin } from './broken-plugin.ts';
import { cli, newRunId, readReport, reportDir } from './cli.ts';

// The sysctl reverted after ADD: the testbed node's tuning binary wrapped by
// a script that runs the real plugin and then, on a successful ADD, sets
// arp_ignore of the attachment back to 0 inside the pod's network namespace
// (nsenter into CNI_NETNS). Multus and the plugin both report success, so
// only the scenario's read of the value inside the pod can catch it:
// plugins/tuning must fail naming the pod, net1, the sysctl, expected vs
// actual. Restored byte for byte in afterAll; a run afterwards passes again.
// (Local testbed only: it replaces a file in the node's /opt/cni/bin.)
const REVERT = (original: string): string =>
  [
    '#!/bin/sh',
    '# multus-conformance e2e (test/e2e/tuning-sabotage.test.ts): the real tuning, then arp_ignore set back to 0.',
    `out=$(${original} "$@"); rc=$?`,
    'if [ "$CNI_COMMAND" = ADD ] && [ $rc -eq 0 ]; then',
    `  nsenter --net="$CNI_NETNS" sh -c 'echo 0 >"/proc/sys/net/ipv4/conf/$CNI_IFNAME/arp_ignore"' || exit 1`,
    'fi',
    'printf "%s\\n" "$out"',
    'exit $rc',
    '',
  ].join('\n');

describe('tuning sabotage: the sysctl reverted after ADD', () => {
  let plugin: BrokenPlugin | undefined;
  afterAll(() => {
    plugin?.restore();
  });

  it('fails plugins/tuning naming pod, interface, sysctl, expected and actual; passes again once restored', async () => {
    const runId = newRunId('tus');
    const ns = namespaceName(runId, 'plugins-tuning');
    const dir = reportDir('tuning-sabotage');
    plugin = wrapPlugin('tuning', 'tuning-sabotage', REVERT);
    let r: Awaited<ReturnType<typeof cli>>;
    try {
      r = await cli(['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', '^plugins/tuning$', '--run-id', runId, '--report-dir', dir]);
    } finally {
      expect(plugin.restore()).toBe(plugin.originalSha256);
    }
    expect(r.exitCode, r.stderr.slice(-1500)).toBe(1);
    const c = readReport(dir).get('plugins/tuning');
    expect(c?.status).toBe('failed');
    expect(c?.failure).toMatch(new RegExp(`pod ${ns}/tuned, interface net1: sysctl net\\.ipv4\\.conf\\.net1\\.arp_ignore set by the tuning plugin: expected [123], got 0`));

    // The same scenario against the restored plugin: the check itself is not what broke.
    const again = reportDir('tuning-restored');
    const ok = await cli(['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', '^plugins/tuning$', '--report-dir', again]);
    expect(ok.exitCode, ok.stderr.slice(-1500)).toBe(0);
    expect(readReport(again).get('plugins/tuning')?.status).toBe('passed');
  }, 300_000);
});
