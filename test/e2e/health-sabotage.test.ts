// WARNING: this file BREAKS MULTUS on the testbed, briefly, five ways:
// it deletes the Multus DaemonSet (its config stays on the node: new pods fail
// until the restore), restarts the Multus container, writes an expired token
// into the thin plugin's kubeconfig, and puts a Cilium-style backup copy of
// the primary config next to it, and last replaces Multus' config with a thick
// one. Each describe restores what it broke in its
// afterAll, also when a test fails: the DaemonSet as scripts/testbed/up.sh
// applies it, the kubeconfig's and the config's original bytes, the backup removed. The
// restart count of the Multus container cannot be undone; nothing reads it
// without a --baseline taken before.
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runProbe } from '../../helpers/capabilities/discover.ts';
import { createRunNamespace, deleteNamespace } from '../../helpers/k8s/namespace.ts';
import { waitFor } from '../../helpers/k8s/wait.ts';
import { cli, type CliResult, failureDigest, kubeClient, newRunId, readReport, reportDir } from './cli.ts';
import { EXPECTED_LOCAL } from './expected-local.ts';
import { outcomeMismatches } from './outcomes.ts';
import { applyUpShMultus, MULTUS_DS, MULTUS_NS, testbedCrictl, testbedImage } from './testbed-multus.ts';

const NODE = 'mc-node';
// The testbed is this machine: its node's /etc/cni/net.d is the host's (scripts/testbed/lib.sh).
const CONF_DIR = '/etc/cni/net.d';
const MULTUS_CONF = `${CONF_DIR}/00-multus.conflist`;
const KUBECONFIG_FILE = `${CONF_DIR}/multus.d/multus.kubeconfig`;
const PRIMARY = '10-mc-bridge.conflist';
// The name Cilium's cni.exclusive gives a config it renames away (multus-cni#972).
const BACKUP = `${CONF_DIR}/${PRIMARY}.cilium_bak`;

const TOKEN_LINE = /^(\s*token:\s*)(\S+)\s*$/m;

/** The token of the thin kubeconfig; it is never printed, not even by a failing expectation. */
function tokenIn(kubeconfig: string): string {
  const t = TOKEN_LINE.exec(kubeconfig)?.[2];
  if (!t) throw new Error(`${KUBECONFIG_FILE}: no "token:" line (the testbed's thin Multus writes one)`);
  return t;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The same token with its claims' times an hour and two in the past: expired, the rest (its pod) unchanged. */
function expiredCopy(token: string, now: number): string {
  const [header, , signature] = token.split('.');
  const claims = { ...claimsOf(token), exp: now - 3600, iat: now - 7200, nbf: now - 7200 };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('health checks against a broken Multus on the testbed', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const context = kc.getCurrentContext();
  const mtime = (file: string): number => (existsSync(file) ? statSync(file).mtimeMs : 0);

  /** The Multus pod on the node (controlled by the DaemonSet), when there is one. */
  const multusPod = async (): Promise<k8s.V1Pod | undefined> => {
    const ds = await apps.readNamespacedDaemonSet({ namespace: MULTUS_NS, name: MULTUS_DS });
    const pods = await core.listNamespacedPod({ namespace: MULTUS_NS, labelSelector: 'name=multus' });
    return pods.items.find((p) => p.spec?.nodeName === NODE && p.metadata?.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata?.uid));
  };
  const mainContainer = (p: k8s.V1Pod | undefined): k8s.V1ContainerStatus | undefined => p?.status?.containerStatuses?.find((c) => c.name === 'kube-multus');

  /** Multus' files rewritten since `since` (thin_entrypoint writes both when it starts) and its container running. */
  const waitMultusWrote = async (what: string, since: number, minRestarts = 0): Promise<k8s.V1Pod> =>
    waitFor(
      `${what}: the Multus container running and ${MULTUS_CONF}, ${KUBECONFIG_FILE} rewritten`,
      async () => {
        const p = await multusPod().catch(() => undefined);
        const c = mainContainer(p);
        const state = `${p?.metadata?.name ?? 'no pod'}: ${c?.state?.running ? 'running' : 'not running'}, ${c?.restartCount ?? '?'} restart(s), config ${mtime(MULTUS_CONF) > since ? 'rewritten' : 'old'}, kubeconfig ${mtime(KUBECONFIG_FILE) > since ? 'rewritten' : 'old'}`;
        const done = !!c?.state?.running && c.restartCount >= minRestarts && mtime(MULTUS_CONF) > since && mtime(KUBECONFIG_FILE) > since;
        return done ? { done: true, value: p!, state } : { done: false, state };
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );

  // Part 2's report: the baseline of part 3.
  const baselineDir = reportDir('health-baseline');
  const run = (dir: string, args: string[]): Promise<CliResult> => cli(['run', '--run-id', newRunId('hs'), '--report-dir', dir, ...args]);

  // 1. The DaemonSet removed, its config left: what `kubectl delete -f multus.yaml` does (multus-cni#592, #1429).
  describe('the Multus DaemonSet removed, its config left on the node', () => {
    const dir = reportDir('health-stale');
    let result: CliResult;
    let configLeft = false;

    beforeAll(async () => {
      // Foreground: the DaemonSet is gone only once its pod is (thin_entrypoint leaves its files: no --cleanup-config-on-exit).
      await apps.deleteNamespacedDaemonSet({ namespace: MULTUS_NS, name: MULTUS_DS, propagationPolicy: 'Foreground' });
      await waitFor(
        `DaemonSet ${MULTUS_NS}/${MULTUS_DS} and its pods gone`,
        async () =>
          apps.readNamespacedDaemonSet({ namespace: MULTUS_NS, name: MULTUS_DS }).then(
            () => ({ done: false as const, state: 'still there' }),
            (e: unknown) => {
              if (e instanceof k8s.ApiException && e.code === 404) return { done: true as const, value: undefined, state: 'gone' };
              throw e;
            },
          ),
        { timeoutMs: 180_000, intervalMs: 500 },
      );
      configLeft = existsSync(MULTUS_CONF);
      // As someone else's cluster: `--provider local` would install Multus again before checking.
      result = await run(dir, ['--provider', 'existing', '--kubeconfig', kubeconfig, '--context', context, '--profile', 'local', '-t', '^health/stale-config$']);
    }, 600_000);

    afterAll(async () => {
      const since = Date.now();
      await applyUpShMultus(kubeconfig);
      await waitMultusWrote('Multus applied again as up.sh does', since);
    }, 300_000);

    it('left 00-multus.conflist on the node (the state the check is for)', () => {
      expect(configLeft).toBe(true);
    });

    it('fails health/stale-config, naming the node, the file, expected vs actual and what it does to new pods', () => {
      expect(result.exitCode, failureDigest(result)).toBe(1);
      const got = readReport(dir).get('health/stale-config');
      expect(got?.status).toBe('failed');
      expect(got?.failure).toMatch(
        /pod \(node mc-node\): \/etc\/cni\/net\.d\/00-multus\.conflist: stale Multus config: expected no 00-multus\.conf\* while Multus is not installed, got \/etc\/cni\/net\.d\/00-multus\.conflist present, but no Multus DaemonSet runs in the cluster.*: the runtime still calls Multus for every new pod on mc-node, which fails it/,
      );
    });
  });

  // 2. The healthy testbed (again): the baseline of part 3, and the probe's token output.
  describe('the healthy testbed', () => {
    const dir = baselineDir;
    let result: CliResult;

    beforeAll(async () => {
      // in-pod/macvlan: the restored Multus attaches secondary networks again.
      result = await run(dir, ['--provider', 'local', '-t', '^health/', '-t', '^in-pod/macvlan$']);
    }, 600_000);

    it('passes every health/ scenario and in-pod/macvlan as test/e2e/expected-local.ts pins them', () => {
      expect(result.exitCode, failureDigest(result)).toBe(0);
      const selected = Object.fromEntries(Object.entries(EXPECTED_LOCAL).filter(([id]) => id.startsWith('health/') || id === 'in-pod/macvlan'));
      expect(outcomeMismatches(dir, selected)).toEqual([]);
    });

    it("the node probe prints the thin token's claims, never the token", async () => {
      const token = tokenIn(readFileSync(KUBECONFIG_FILE, 'utf8'));
      const ns = await createRunNamespace(kc, newRunId('hs'), 'token-probe');
      let output: string;
      try {
        output = await runProbe(kc, ns, 'probe-0', NODE, testbedImage('TESTPOD_IMAGE'), 180_000);
      } finally {
        await deleteNamespace(kc, ns);
      }
      const section = /^== token\n[\s\S]*?^rc 0$/m.exec(output)?.[0] ?? '';
      expect(section).toMatch(new RegExp(`^auth token\\nexp ${String(claimsOf(token)['exp'])}\\n`, 'm'));
      // Not the token, nor any of its three parts (header, claims, signature), in the probe's output
      // nor in the reports of the run before (same pod, same token): toBe, so a failure never prints it.
      const reports = ['report.json', 'junit.xml', 'report.md', 'report.html'].map((f) => readFileSync(join(baselineDir, f), 'utf8'));
      for (const part of [token, ...token.split('.')]) {
        expect(output.includes(part)).toBe(false);
        expect(reports.some((r) => r.includes(part))).toBe(false);
      }
    }, 300_000);
  });

  // 3. Three sabotages at once, each judged by its own check in one run.
  describe('the Multus container restarted since the baseline, an expired token, a backup copy of the primary config', () => {
    const dir = reportDir('health-broken');
    let result: CliResult;
    let original: Buffer | undefined;
    let written: string | undefined;
    let restartsBefore = 0;

    beforeAll(async () => {
      // The container stopped through the runtime: the kubelet starts it again, its restart count one up.
      const before = mainContainer(await multusPod());
      const id = before?.containerID?.replace(/^\w+:\/\//, '');
      if (!before || !id) throw new Error(`no running kube-multus container on ${NODE}`);
      restartsBefore = before.restartCount;
      const since = Date.now();
      await testbedCrictl(['stop', '--timeout', '2', id]);
      await waitMultusWrote('the Multus container restarted', since, restartsBefore + 1);

      // Only after thin_entrypoint has rewritten the kubeconfig: the expired token stays.
      original = readFileSync(KUBECONFIG_FILE);
      const text = original.toString('utf8');
      written = text.replace(TOKEN_LINE, (_m, lead: string) => `${lead}${expiredCopy(tokenIn(text), Math.floor(Date.now() / 1000))}`);
      writeFileSync(KUBECONFIG_FILE, written);
      copyFileSync(`${CONF_DIR}/${PRIMARY}`, BACKUP);

      result = await run(dir, ['--provider', 'local', '--baseline', baselineDir, '-t', '^health/(thin-kubeconfig|delegate-config|multus-pods)$']);
    }, 600_000);

    afterAll(() => {
      // The original bytes back, unless Multus has written a newer kubeconfig since (then that one stays).
      if (original && written !== undefined && readFileSync(KUBECONFIG_FILE, 'utf8') === written) writeFileSync(KUBECONFIG_FILE, original);
      rmSync(BACKUP, { force: true });
      if (original) expect(readFileSync(KUBECONFIG_FILE, 'utf8')).not.toBe(written);
      expect(existsSync(BACKUP)).toBe(false);
    });

    it('exits 1', () => {
      expect(result.exitCode, failureDigest(result)).toBe(1);
    });

    it('health/thin-kubeconfig fails: the node, the kubeconfig, the expiry expected and found', () => {
      const got = readReport(dir).get('health/thin-kubeconfig');
      expect(got?.status).toBe('failed');
      expect(got?.failure).toMatch(
        /pod \(node mc-node\): token in \/etc\/cni\/net\.d\/multus\.d\/multus\.kubeconfig: expected valid until at least \d{4}-\d\d-\d\d \d\d:\d\d UTC \(now \+ 1d \(multus\.tokenMargin\)\), got expired \d{4}-\d\d-\d\d \d\d:\d\d UTC, 1h ago: every new pod on mc-node fails with "Unauthorized" \(multus-cni#852, #1263\)/,
      );
    });

    it('health/delegate-config fails: the node, the primary config and its backup copy', () => {
      const got = readReport(dir).get('health/delegate-config');
      expect(got?.status).toBe('failed');
      expect(got?.failure).toMatch(
        /pod \(node mc-node\): \/etc\/cni\/net\.d: the primary network config Multus delegates to \(delegates\[0\] "mc-bridge" of 00-multus\.conflist\): expected \/etc\/cni\/net\.d\/10-mc-bridge\.conflist and no renamed or backup copy, got 10-mc-bridge\.conflist\.cilium_bak \(a Cilium copy of 10-mc-bridge\.conflist\): Cilium's cni\.exclusive renames/,
      );
    });

    it('health/multus-pods fails: the pod, its container, the restart counts of the baseline and now', () => {
      const got = readReport(dir).get('health/multus-pods');
      expect(got?.status).toBe('failed');
      expect(got?.failure).toMatch(
        new RegExp(
          `pod kube-system/kube-multus-ds-\\w+: container kube-multus on node mc-node: restarts since the baseline run \\(\\S+report\\.json\\): ` +
            `expected ${restartsBefore} restart\\(s\\), as in the baseline, got ${restartsBefore + 1} restart\\(s\\); last ended \\w+ \\(exit code \\d+`,
        ),
      );
    });
  });
  // 4. A config of the other flavor: what a half-done thin → thick switch leaves (multus-cni#1218, #1422).
  describe('a thick (multus-shim) config on the node while thin Multus runs', () => {
    const dir = reportDir('health-flavor');
    let result: CliResult;
    let original: Buffer | undefined;
    // Upstream's thick config (the shim and the daemon's socket directory), as
    // the list the file name asks for: a .conflist without "plugins" would not
    // load at all and take the node's network NotReady.
    const thick = `${JSON.stringify({ cniVersion: '0.3.1', name: 'multus-cni-network', plugins: [{ type: 'multus-shim', socketDir: '/run/multus/' }] })}\n`;

    beforeAll(async () => {
      // thin_entrypoint runs without --cleanup-config-on-exit here, so it has no watch loop that would rewrite the file.
      original = readFileSync(MULTUS_CONF);
      writeFileSync(MULTUS_CONF, thick);
      result = await run(dir, ['--provider', 'local', '-t', '^health/config-flavor$']);
    }, 600_000);

    afterAll(async () => {
      if (original && readFileSync(MULTUS_CONF, 'utf8') === thick) writeFileSync(MULTUS_CONF, original);
      if (original) expect(readFileSync(MULTUS_CONF)).toEqual(original);
      // The next file starts on a Ready node (the runtime reloads the directory; the kubelet reports it).
      await waitFor(
        `node ${NODE} Ready after ${MULTUS_CONF} was put back`,
        async () => {
          const ready = (await core.readNode({ name: NODE })).status?.conditions?.find((c) => c.type === 'Ready');
          const state = `Ready=${ready?.status ?? '?'} (${ready?.reason ?? ''})`;
          return ready?.status === 'True' ? { done: true, value: undefined, state } : { done: false, state };
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
    }, 180_000);

    it('fails health/config-flavor: the node, the file, the thin config expected and the thick one found', () => {
      expect(result.exitCode, failureDigest(result)).toBe(1);
      const got = readReport(dir).get('health/config-flavor');
      expect(got?.status).toBe('failed');
      expect(got?.failure).toMatch(
        /pod \(node mc-node\): \/etc\/cni\/net\.d\/00-multus\.conflist written for the running Multus \(thin, DaemonSet kube-system\/kube-multus-ds\): expected .+, got type "multus-shim", a thick config: the shim finds no multus-daemon \(connection refused on its socket\) and every new pod fails \(multus-cni#1218/,
      );
    });
  });
});
