import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, readJunit, readReport, reportDir, type CliResult } from './cli.ts';

// The testbed's secondary segment master (scripts/testbed/lib.sh). Setting it
// down turns every macvlan child to operstate DOWN with NO-CARRIER: real bad data
// for the link-state check, made without touching anything but the testbed.
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
    expect(result.exitCode, result.stderr.slice(-2000)).toBe(1);
  });

  it('fails in-pod/macvlan on the link state, naming pod, interface, expected and actual', () => {
    const got = readReport(dir).get('in-pod/macvlan');
    expect(got?.status).toBe('failed');
    expect(got?.failure).toMatch(/pod mc-\S+\/macvlan, interface net1: link state: expected operstate UP \(or UNKNOWN with LOWER_UP\), got operstate (DOWN|LOWERLAYERDOWN), flags <NO-CARRIER/);
    expect(readJunit(dir)).toMatch(/<failure message="pod mc-\S+\/macvlan, interface net1: link state/);
  });

  it('attaches a diagnostics bundle to the failing test case', () => {
    const junit = readJunit(dir);
    const bundle = /<property name="diagnostics" value="diagnostics bundle: ([^"]+)"/.exec(junit)?.[1];
    expect(bundle).toBeDefined();
  });
});
