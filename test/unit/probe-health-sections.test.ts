import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import { parseTokenSection } from '../../helpers/capabilities/probe-token.ts';
import { FIXTURES_DIR } from '../../helpers/fixtures/paths.ts';
import { payload } from './recorded.ts';

// The probe pod's log on the thin testbed, with the `confs` and `token` sections (test/payloads/README.md).
const THIN = 'probe/testbed-thin.txt';

/** Replaces one section of a recorded output (header line to the next header). */
function withSection(text: string, name: string, body: string): string {
  return text.replace(new RegExp(`== ${name}\\n[\\s\\S]*?(?=\\n== )`), `== ${name}\n${body}`);
}

describe('probe output: the CNI config files and the thin token', () => {
  const p = parseProbeOutput(payload(THIN));

  it('reads the facts of each config file: Multus thin with its delegate, the primary bridge', () => {
    expect(p.cniConfigs).toEqual({
      ok: true,
      value: [
        {
          file: '00-multus.conflist',
          network: 'multus-cni-network',
          types: ['multus'],
          multus: { type: 'multus', kubeconfig: '/etc/cni/net.d/multus.d/multus.kubeconfig', delegates: [{ network: 'mc-bridge', types: ['bridge'] }] },
        },
        { file: '10-mc-bridge.conflist', network: 'mc-bridge', types: ['bridge'] },
      ],
    });
  });

  it('reads the claims of the token: expiry, extended life, the pod it is bound to; never the token', () => {
    expect(p.multusKubeconfig).toEqual({
      ok: true,
      value: {
        kind: 'token',
        expiresAt: 1827553635,
        issuedAt: 1796017635,
        warnAfter: 1796021242,
        boundPod: { name: 'kube-multus-ds-5482x', uid: 'd4557ef7-3b59-4fcb-9d3e-67ec7807ee3e' },
        namespace: 'kube-system',
      },
    });
    // No JWT (header.payload.signature), no `token:` line: the probe prints claims only.
    expect(payload(THIN)).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
    expect(payload(THIN)).not.toMatch(/token:/);
  });

  it('output recorded before these sections existed still parses, without them', () => {
    const old = parseProbeOutput(payload('testbed-probe-output.txt'));
    expect(old.cniConfigs).toBeUndefined();
    expect(old.multusKubeconfig).toBeUndefined();
  });

  it.each([
    ['a failed listing', 'confs', '$ conf_contents /host/cni-conf\nsh: cd: can\'t cd to /host/cni-conf\nrc 1', /step exited 1: sh: cd: can't cd/],
    ['a line that is not base64 and a name', 'confs', '$ conf_contents /host/cni-conf\n%%% 00-multus.conf\nrc 0', /expected "<base64> <file>"/],
    ['an unknown first line', 'token', '$ token_claims /host/cni-conf/multus.d/multus.kubeconfig\nhello\nrc 0', /expected "auth …" or "kubeconfig absent"/],
    ['a claim that is not a number', 'token', '$ token_claims x\nauth token\nexp soon\nrc 0', /claim exp: not a number/],
    ['a bound pod that is not JSON', 'token', '$ token_claims x\nauth token\npod {name\nrc 0', /claim pod: not JSON/],
    ['an unknown claim line', 'token', '$ token_claims x\nauth token\naud everyone\nrc 0', /unknown claim line "aud"/],
  ])('%s fails that section only, naming the command', (_what, section, body, problem) => {
    const q = parseProbeOutput(withSection(payload(THIN), section, body));
    const read = section === 'confs' ? q.cniConfigs : q.multusKubeconfig;
    expect(read).toMatchObject({ ok: false, problem: expect.stringMatching(problem) });
    expect(read?.ok === false && read.problem).toMatch(/^probe command `(conf_contents|token_claims) /);
    // Everything else is still read.
    expect(q.links.ok).toBe(true);
  });

  it('keeps a file that does not parse as a config, with why', () => {
    const line = `${Buffer.from('{"cniVersion":"0.3.1",').toString('base64')} 00-multus.conf`;
    const q = parseProbeOutput(withSection(payload(THIN), 'confs', `$ conf_contents /host/cni-conf\n${line}\nrc 0`));
    expect(q.cniConfigs).toMatchObject({ ok: true, value: [{ file: '00-multus.conf', types: [], problem: expect.stringMatching(/^not JSON/) }] });
  });
});

// The probe's own shell function, run here on kubeconfigs written for the test: what it prints of each.
const script = (parse(readFileSync(join(FIXTURES_DIR, 'pods', 'probe-pod.yaml'), 'utf8').replace(/\$\{(\w+)\}/g, 'x')) as {
  spec: { containers: { args: string[] }[] };
}).spec.containers[0]!.args[0]!;
const tokenClaims = /token_claims\(\) \{[\s\S]*?\n {0}\}\n/.exec(script)?.[0];

const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: object): string => `${b64url({ alg: 'RS256', kid: 'unit' })}.${b64url(claims)}.${Buffer.from('not a real signature, but long enough').toString('base64url')}`;

// The test image's shell is busybox; other images (netshoot) bring their own: run both this machine has.
const SHELLS: string[][] = [['sh'], ...(['/bin/busybox', '/usr/bin/busybox'].some((b) => existsSync(b)) ? [['busybox', 'sh']] : [])];

async function claimsOf(shell: string[], kubeconfig: string | undefined): Promise<{ stdout: string; rc: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-unit-token-'));
  const file = join(dir, 'multus.kubeconfig');
  if (kubeconfig !== undefined) writeFileSync(file, kubeconfig);
  const r = await execa(shell[0]!, [...shell.slice(1), '-c', `${tokenClaims}\ntoken_claims "$1"`, 'sh', file], { reject: false });
  return { stdout: r.stdout, rc: r.exitCode ?? -1 };
}

const kubeconfigWith = (user: string): string =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: https://10.96.0.1:443\nusers:\n- name: multus\n  user:\n${user}\ncontexts: []\n`;

describe.each(SHELLS)('the probe decodes the token inside the pod and prints only its claims (%s)', (...shell) => {
  it('finds the function in the fixture', () => {
    expect(tokenClaims).toMatch(/^token_claims\(\) \{/);
  });

  it('a bound service account token: expiry, warnafter, the pod; not one segment of the token', async () => {
    const claims = {
      aud: ['https://kubernetes.default.svc.cluster.local'],
      exp: 1827553635,
      iat: 1796017635,
      nbf: 1796017635,
      iss: 'https://kubernetes.default.svc.cluster.local',
      'kubernetes.io': {
        namespace: 'kube-system',
        node: { name: 'mc-node', uid: '8596ff58-e411-495e-9d56-7d88c5682771' },
        pod: { name: 'kube-multus-ds-5482x', uid: 'd4557ef7-3b59-4fcb-9d3e-67ec7807ee3e' },
        serviceaccount: { name: 'multus', uid: '60a0f879-b891-4408-91a5-b0b8e9e23365' },
        warnafter: 1796021242,
      },
      sub: 'system:serviceaccount:kube-system:multus',
    };
    const token = jwt(claims);
    const { stdout, rc } = await claimsOf(shell, kubeconfigWith(`    token: ${token}`));
    expect(rc).toBe(0);
    expect(stdout).toBe(
      'auth token\nexp 1827553635\niat 1796017635\nnbf 1796017635\nwarnafter 1796021242\n' +
        'pod {"name":"kube-multus-ds-5482x","uid":"d4557ef7-3b59-4fcb-9d3e-67ec7807ee3e"}\nnamespace kube-system\nsecret ',
    );
    for (const part of [token, ...token.split('.')]) expect(stdout).not.toContain(part);
    expect(parseTokenSection({ command: 'token_claims', output: stdout.split('\n'), rc })).toMatchObject({ kind: 'token', expiresAt: 1827553635 });
  });

  it('a quoted legacy Secret-based token: no expiry, the Secret named', async () => {
    const token = jwt({
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'kube-system',
      'kubernetes.io/serviceaccount/secret.name': 'multus-token-x7k2p',
      'kubernetes.io/serviceaccount/service-account.name': 'multus',
      sub: 'system:serviceaccount:kube-system:multus',
    });
    const { stdout } = await claimsOf(shell, kubeconfigWith(`    token: "${token}"`));
    expect(stdout).toBe('auth token\nexp \niat \nnbf \nwarnafter \npod \nnamespace kube-system\nsecret multus-token-x7k2p');
    expect(stdout).not.toContain(token.split('.')[1]);
    expect(parseTokenSection({ command: 'token_claims', output: stdout.split('\n'), rc: 0 })).toEqual({
      kind: 'token',
      namespace: 'kube-system',
      secret: 'multus-token-x7k2p',
    });
  });

  it.each([
    ['no kubeconfig', undefined, 'kubeconfig absent'],
    ['a tokenFile', kubeconfigWith('    tokenFile: /var/run/secrets/token'), 'auth tokenFile'],
    ['a client certificate', kubeconfigWith('    client-certificate-data: LS0tLS1CRUdJTg=='), 'auth client-certificate'],
    ['no credentials', kubeconfigWith('    username: multus'), 'auth none'],
    ['a static token (not a JWT)', kubeconfigWith('    token: 31ada4fd-adec-460c-809a-9e56ceb75269'), 'auth token, not a JWT'],
    ['a JWT whose payload is not JSON', kubeconfigWith(`    token: aGVhZGVy.${Buffer.from('not json').toString('base64url')}.c2ln`), 'auth token, payload not JSON'],
  ])('%s', async (_what, kubeconfig, out) => {
    const { stdout, rc } = await claimsOf(shell, kubeconfig);
    expect(rc).toBe(0);
    expect(stdout).toBe(out);
    expect(stdout).not.toMatch(/31ada4fd|aGVhZGVy/);
  });
});
