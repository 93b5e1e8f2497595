import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/multus-conformance.js');

// From another directory on purpose: the CLI must find its repository from its own location.
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('node', [BIN, ...args], { reject: false, cwd: tmpdir(), env: { NO_COLOR: '1' } });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const MACVLAN = `apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: macvlan-conf
spec:
  config: '{"cniVersion":"0.3.1","type":"macvlan","master":"eth1","mode":"bridge","ipam":{"type":"host-local","subnet":"192.168.1.0/24","rangeStart":"192.168.1.200","rangeEnd":"192.168.1.216","gateway":"192.168.1.1"}}'
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mc-cli-'));
  writeFileSync(join(dir, 'good.yaml'), MACVLAN);
  writeFileSync(join(dir, 'bad.yaml'), MACVLAN.replace('"rangeEnd":"192.168.1.216"', '"rangeEnd":"192.168.2.216"'));
  writeFileSync(join(dir, 'mc.yaml'), 'concurrency: 64\n');
});

describe.concurrent('CLI usage errors: exit 2 and one line', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown flag', ['run', '--bogus'], /^multus-conformance: unknown option '--bogus'/],
    ['unknown command', ['frobnicate'], /^multus-conformance: unknown command 'frobnicate'/],
    ['bad choice', ['run', '--provider', 'gke'], /^multus-conformance: option '--provider <name>' argument 'gke' is invalid/],
    ['bad number', ['run', '--concurrency', 'many'], /argument 'many' is invalid/],
    ['out of range', ['run', '--concurrency', '64'], /^multus-conformance: --concurrency: Too big: expected number to be <=32$/],
    ['bad duration', ['run', '--timeout', '5x'], /invalid duration "5x"/],
    ['bad --min-passed', ['run', '--min-passed', 'most'], /option '--min-passed <n>' argument 'most' is invalid/],
    ['bad regex', ['list', '-t', '!(x'], /^multus-conformance: --test: invalid regular expression "!\(x"/],
    ['missing config', ['run', '--config', '/nonexistent/mc.yaml'], /^multus-conformance: config \/nonexistent\/mc.yaml: file not found$/],
    ['unreadable NAD file', ['validate', '/nonexistent/nad.yaml'], /^multus-conformance: validate: cannot read \/nonexistent\/nad.yaml: file not found$/],
    ['bad run id', ['cleanup', '--run-id', 'Nope!'], /^multus-conformance: --run-id: "Nope!" is not a run id$/],
    // Refused before any cluster is reached (the default provider local would bring the testbed up).
    ['bad canary id', ['upgrade', 'prepare', '--canary-id', 'Nope!'], /^multus-conformance: --canary-id: "Nope!" must be 1-8 lowercase/],
    ['unbounded probe', ['upgrade', 'prepare', '--probe-max', '48h'], /^multus-conformance: --probe-max: 172800s is outside 10s\.\.24h$/],
    ['peer off the segment', ['upgrade', 'prepare', '--external-peer', '8.8.8.8'], /^multus-conformance: --external-peer: 8\.8\.8\.8 is not on the segment 192\.168\.1\.0\/24/],
    ['bad upgrade provider', ['upgrade', 'verify', '--provider', 'kind'], /argument 'kind' is invalid/],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('names the config file and field for a bad config value', async () => {
    const r = await cli('run', '--config', join(dir, 'mc.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`multus-conformance: config ${join(dir, 'mc.yaml')}: concurrency: Too big: expected number to be <=32`);
  });
});

describe.concurrent('CLI help', () => {
  it('lists the commands', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const command of ['run', 'list', 'validate', 'audit', 'cleanup', 'selftest']) expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('shows flags with their defaults', async () => {
    const r = await cli('run', '--help');
    expect(r.code).toBe(0);
    // Commander wraps descriptions by the widest flag: compare the words, not the layout.
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('(1-32; default: 4 per schedulable node, at least 12)');
    expect(text).toMatch(/--provider <name>.*default: "local"/);
    expect(text).toContain('-t, --test <regex>');
  });

  it('states the exit codes, in the program help and in run --help', async () => {
    for (const args of [['--help'], ['run', '--help']]) {
      const r = await cli(...args);
      expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}every scenario that ran passed \(skips and --known-failures allowed\)\n {2}1 {2}a scenario failed;[\s\S]*\n {2}2 {2}bad flag/);
      expect(r.stdout).toContain('A failed scenario outranks a later usage or cluster-access error');
    }
  });
});

describe.concurrent('validate', () => {
  it('exits 0 on a valid NAD', async () => {
    const r = await cli('validate', join(dir, 'good.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1 file checked: 0 errors, 0 warnings');
  });

  it('exits 1 and names file and field on an invalid one', async () => {
    const r = await cli('validate', join(dir, 'good.yaml'), join(dir, 'bad.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'bad.yaml')}: spec.config.ipam.rangeEnd: `);
    expect(r.stdout).toMatch(/2 files checked: 1 error, 0 warnings$/);
  });
});
