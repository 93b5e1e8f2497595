import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cli, failureDigest, readJunit, readReport, reportDir } from './cli.ts';

// What the node probe decides, on the testbed as an "existing" cluster. The
// down master is a veth pair this test owns (never mc-seg0, which others use).
const DOWN_MASTER = 'mce2e-mdown0';
const DOWN_PEER = 'mce2e-mdown1';

describe('node probe: a wrong master or node selector never gives a green run', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const dir = reportDir('node-probe');
  let context: string;

  /** A config file for `--provider existing` on the testbed with these network settings. */
  function config(name: string, network: Record<string, string>): string {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, JSON.stringify({ provider: 'existing', kubeconfig, context, profile: 'local', network }));
    return file;
  }

  beforeAll(async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    context = kc.getCurrentContext();
    await execa('ip', ['link', 'del', DOWN_MASTER]).catch(() => undefined);
    await execa('ip', ['link', 'add', DOWN_MASTER, 'type', 'veth', 'peer', 'name', DOWN_PEER]);
  });

  afterAll(async () => {
    await execa('ip', ['link', 'del', DOWN_MASTER]).catch(() => undefined);
  });

  it('profile tkg against nodes without ens5 exits 2 with one line naming network.master and the interfaces the nodes have', async () => {
    const r = await cli(['run', '--provider', 'existing', '--kubeconfig', kubeconfig, '--context', context, '--profile', 'tkg', '--report-dir', join(dir, 'tkg')]);
    expect(r.exitCode, failureDigest(r)).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('multus-conformance:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^multus-conformance: network\.master "ens5" exists on no node: mc-node has .*\bmc-seg0\b.* \(set network\.master to /);
  }, 300_000);

  it('a node selector that matches no node is an error, in run and in list', async () => {
    const file = config('no-node', { master: 'mc-seg0', nodeSelector: 'pool=multus' });
    const expected = /^multus-conformance: network\.nodeSelector "pool=multus" matches none of the cluster's 1 node\(s\): mc-node$/m;
    const run = await cli(['run', '--config', file, '-t', '^in-pod/macvlan$', '--report-dir', join(dir, 'no-node')]);
    expect(run.exitCode, failureDigest(run)).toBe(2);
    expect(run.stderr).toMatch(expected);
    const list = await cli(['list', '--config', file]);
    expect(list.exitCode).toBe(2);
    expect(list.stderr).toMatch(expected);
  }, 300_000);

  it('a node selector that matches the node runs there', async () => {
    const file = config('node', { master: 'mc-seg0', nodeSelector: 'kubernetes.io/hostname in (mc-node, other)' });
    const out = join(dir, 'node');
    const r = await cli(['run', '--config', file, '-t', '^in-pod/macvlan$', '--report-dir', out]);
    expect(r.exitCode, failureDigest(r)).toBe(0);
    expect(readReport(out).get('in-pod/macvlan')?.status).toBe('passed');
  }, 300_000);

  it('a master that is down fails the node\'s case, naming node, setting and state', async () => {
    const file = config('down', { master: DOWN_MASTER });
    const out = join(dir, 'down');
    const r = await cli(['run', '--config', file, '-t', '^in-pod/macvlan$', '--report-dir', out]);
    expect(r.exitCode, failureDigest(r)).toBe(1);
    const got = readReport(out).get('in-pod/macvlan');
    expect(got?.status).toBe('failed');
    expect(got?.failure).toMatch(new RegExp(`node mc-node: master interface ${DOWN_MASTER} \\(network\\.master\\) is down: administratively down: operstate \\S+, flags <`));
    expect(readJunit(out)).toMatch(/name="in-pod\/macvlan:[^"]*\[node=mc-node\]"/);
  }, 300_000);
});
