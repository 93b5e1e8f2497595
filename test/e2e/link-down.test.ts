import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type CliResult, failureDigest, readJunit, readReport, reportDir } from './cli.ts';

// The testbed's secondary segment master (scripts/testbed/lib.sh). Setting it
// down is a real broken node, made without touching anything but the testbed:
// the node probe sees the master down and the node's case fails before any pod
// is made (the in-pod link-state check on a down master's children is unit-tested
// on recorded payloads: test/payloads/*master-down*).
const MASTER = 'mc-seg0';

describe('run with the testbed segment down', () => {
  const dir = reportDir('link-down');
  let result: CliResult;

  beforeAll(async () => {
    await execa('ip', ['link', 'set', MASTER, 'down']);
    try {
      result = await cli(['run', '--provider', 'local', '--report-dir', dir, '-t', '^in-pod/macvlan$']);
    } finally {
      await execa('ip', ['link', 'set', MASTER, 'up']);
    }
  }, 600_000);

  afterAll(async () => {
    await execa('ip', ['link', 'set', MASTER, 'up']);
  });

  it('exits 1', () => {
    expect(result.exitCode, failureDigest(result)).toBe(1);
  });

  it('fails in-pod/macvlan on the node, naming the node, the setting and the master\'s state', () => {
    const got = readReport(dir).get('in-pod/macvlan');
    expect(got?.status).toBe('failed');
    expect(got?.failure).toMatch(/node mc-node: master interface mc-seg0 \(network\.master\) is down: administratively down: operstate \S+, flags <[^>]*>/);
    expect(readJunit(dir)).toMatch(/<testcase [^>]*name="in-pod\/macvlan:[^"]*\[node=mc-node\]"[^>]*>\s*<failure message="node mc-node: master interface mc-seg0/);
  });
});
