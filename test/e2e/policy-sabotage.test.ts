import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/k8s/wait.ts';
import { cli, readJunit, readReport, reportDir, type CliResult } from './cli.ts';
import { TESTBED_HAS_MNP } from './expected-local.ts';

// MultiNetworkPolicy served but not enforced: the testbed's policy daemon
// (scripts/testbed/multi-networkpolicy.sh) is sent to no node, by a
// nodeSelector no node matches, so its pod goes; the DaemonSet's spec is put
// back exactly afterwards. The policy API still takes the scenario's policy,
// nothing enforces it, and the scenario must fail naming the policy, the
// pods, the interface and the traffic that passed, never skip.
// Only where the testbed has MultiNetworkPolicy (it does when
// multi-networkpolicy-iptables could be built: expected-local.ts).

const KUBECONFIG = '/var/lib/multus-conformance/admin.conf';
const NAMESPACE = 'kube-system';
const NAME = 'multi-networkpolicy';
const NOWHERE = { 'multus-conformance.io/policy-sabotage': 'no-such-node' };

function apps(): k8s.AppsV1Api {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(KUBECONFIG);
  return kc.makeApiClient(k8s.AppsV1Api);
}

async function daemonPods(): Promise<number> {
  const ds = await apps().readNamespacedDaemonSet({ namespace: NAMESPACE, name: NAME });
  return (ds.status?.currentNumberScheduled ?? 0) + (ds.status?.numberMisscheduled ?? 0);
}

/** Puts `spec` back (on the current resourceVersion) and waits until the daemon runs on every node again. */
async function restore(spec: k8s.V1DaemonSetSpec): Promise<void> {
  const api = apps();
  const now = await api.readNamespacedDaemonSet({ namespace: NAMESPACE, name: NAME });
  await api.replaceNamespacedDaemonSet({ namespace: NAMESPACE, name: NAME, body: { ...now, spec } });
  await waitFor(
    `DaemonSet ${NAMESPACE}/${NAME}: back on every node`,
    async () => {
      const ds = await api.readNamespacedDaemonSet({ namespace: NAMESPACE, name: NAME });
      const s = ds.status;
      const state = `desired ${s?.desiredNumberScheduled}, ready ${s?.numberReady}, updated ${s?.updatedNumberScheduled}`;
      return s && s.desiredNumberScheduled > 0 && s.numberReady === s.desiredNumberScheduled && s.updatedNumberScheduled === s.desiredNumberScheduled
        ? { done: true, value: undefined, state }
        : { done: false, state };
    },
    { timeoutMs: 120_000 },
  );
}

describe.skipIf(!TESTBED_HAS_MNP)('a MultiNetworkPolicy that nothing enforces', () => {
  const dir = reportDir('policy-sabotage');
  const after = reportDir('policy-restored');
  let saved: k8s.V1DaemonSetSpec;
  let sabotaged: CliResult;
  let restored: CliResult;

  beforeAll(async () => {
    const api = apps();
    const ds = await api.readNamespacedDaemonSet({ namespace: NAMESPACE, name: NAME });
    saved = structuredClone(ds.spec!);
    try {
      const off = structuredClone(ds);
      off.spec!.template.spec!.nodeSelector = { ...off.spec!.template.spec!.nodeSelector, ...NOWHERE };
      await api.replaceNamespacedDaemonSet({ namespace: NAMESPACE, name: NAME, body: off });
      await waitFor(
        `DaemonSet ${NAMESPACE}/${NAME}: its pods gone`,
        async () => {
          const n = await daemonPods();
          return n === 0 ? { done: true, value: undefined, state: 'no pod' } : { done: false, state: `${n} pod(s)` };
        },
        { timeoutMs: 120_000 },
      );
      sabotaged = await cli(['run', '--provider', 'local', '--mode', 'non-disruptive', '--report-dir', dir, '-t', '^policy/ingress-deny-all$']);
    } finally {
      await restore(saved);
    }
    restored = await cli(['run', '--provider', 'local', '--mode', 'non-disruptive', '--report-dir', after, '-t', '^policy/ingress-deny-all$']);
  }, 900_000);

  afterAll(async () => {
    // Whatever happened above, the daemon goes back as it was.
    if (saved) await restore(saved);
  }, 180_000);

  it('exits 1', () => {
    expect(sabotaged.exitCode, sabotaged.stderr.slice(-2000)).toBe(1);
  });

  it('fails the scenario (not a skip), naming the policy, the pods, the interface and the traffic that passed', () => {
    const got = readReport(dir).get('policy/ingress-deny-all');
    expect(got?.status).toBe('failed');
    expect(got?.failure).toMatch(
      /pod (mc-\S+)\/target, interface net1: MultiNetworkPolicy \1\/deny-all enforced within 60s: TCP port 8080 from \1\/client to \1\/target at 192\.168\.1\.\d+ over net1 denied: expected dropped \(the policy enforced\), got never dropped in \d+ probe\(s\) \(\d+ passed\); last passed: mc-policy-8080 \(exit 0\)\. The API accepted the policy, but nothing enforced it/,
    );
    expect(readJunit(dir)).toMatch(/<testcase [^>]*name="policy\/ingress-deny-all:[^"]*"[^>]*>(?:(?!<\/testcase>)[\s\S])*<failure message="pod mc-\S+\/target, interface net1: MultiNetworkPolicy /);
  });

  it('puts the daemon back exactly, and the scenario passes again', async () => {
    const ds = await apps().readNamespacedDaemonSet({ namespace: NAMESPACE, name: NAME });
    expect(ds.spec).toEqual(saved);
    expect(restored.exitCode, restored.stderr.slice(-2000)).toBe(0);
    expect(readReport(after).get('policy/ingress-deny-all')?.status).toBe('passed');
  });
});
