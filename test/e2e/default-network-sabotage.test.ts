import * as k8s from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_NETWORK_ANNOTATION } from '../../helpers/assert/default-network.ts';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadProfile } from '../../helpers/fixtures/profile.ts';
import { namespaceName } from '../../helpers/k8s/labels.ts';
import { kubeClient, namespacesLeft, newRunId, readReport, reportDir, spawnCli } from './cli.ts';

// eth0 from the cluster network instead, during a real run of
// annotations/default-network: the test plays a hook that drops the pod's
// v1.multus-cni.io/default-network annotation before the kubelet's CNI ADD,
// where Multus reads the pod's annotations. Multus then gives eth0 to the
// cluster network (the testbed's mc-bridge, 10.244.0.0/16), and the
// scenario's first check must fail naming the pod, eth0, the NAD's range and
// that address.
//
// So that the hook always comes first, the node carries a NoSchedule taint
// of the test's own while the run starts (the node probe tolerates every
// taint; the scenario's pod none): the pod waits unscheduled, the hook drops
// the annotation, then lifts the taint. afterAll lifts it in any case; the
// run deletes its namespace, and the test checks that.
const TAINT: k8s.V1Taint = { key: 'multus-conformance.io/default-network-sabotage', effect: 'NoSchedule' };

describe('default-network sabotage: the annotation dropped before Multus reads it', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const { kc, core } = kubeClient(kubeconfig);
  const profile = loadProfile(RunSettingsSchema.parse({ provider: 'local' }));
  const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
  let stopWatch: (() => void) | undefined;

  /** The node's taints with ours added or taken out (a JSON patch that fails if someone changed them meanwhile). */
  async function setTaint(name: string, on: boolean): Promise<void> {
    const node = await core.readNode({ name });
    const taints = node.spec?.taints ?? [];
    const others = taints.filter((t) => t.key !== TAINT.key);
    if (!on && others.length === taints.length) return;
    await core.patchNode(
      {
        name,
        body: [
          { op: 'test', path: '/metadata/resourceVersion', value: node.metadata!.resourceVersion },
          { op: 'add', path: '/spec/taints', value: on ? [...others, TAINT] : others },
        ],
      },
      jsonPatch,
    );
  }

  const nodes = async (): Promise<string[]> => (await core.listNode()).items.map((n) => n.metadata!.name!);
  afterAll(async () => {
    stopWatch?.();
    for (const n of await nodes()) await setTaint(n, false);
  });

  it('fails annotations/default-network naming the pod, eth0, the range and the cluster network address', async () => {
    const runId = newRunId('dns');
    const ns = namespaceName(runId, 'annotations-default-network');
    const dir = reportDir('default-network-sabotage');
    // The path in a JSON patch: "/" in the key is "~1" (RFC 6901).
    const path = `/metadata/annotations/${DEFAULT_NETWORK_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const nodeNames = await nodes();
    for (const n of nodeNames) await setTaint(n, true);
    let hook: Promise<{ nodeAtPatch: string }> | undefined;
    const ctl = await new k8s.Watch(kc).watch(
      '/api/v1/pods',
      { fieldSelector: `metadata.namespace=${ns},metadata.name=default-net` },
      (type: string) => {
        if (type !== 'ADDED' || hook) return;
        hook = (async () => {
          const patched = await core.patchNamespacedPod(
            {
              namespace: ns,
              name: 'default-net',
              body: [
                { op: 'test', path, value: `${ns}/default-net` },
                { op: 'remove', path },
              ],
            },
            jsonPatch,
          );
          for (const n of nodeNames) await setTaint(n, false);
          return { nodeAtPatch: patched.spec?.nodeName ?? '' };
        })();
      },
      () => undefined,
    );
    stopWatch = () => ctl.abort();
    const run = spawnCli(['run', '--provider', 'local', '--mode', 'non-disruptive', '-t', '^annotations/default-network$', '--run-id', runId, '--report-dir', dir]);
    const exitCode = await run.done;
    stopWatch();
    // The hook ran while the pod was on no node yet (so before any CNI ADD).
    expect(hook, 'the pod was seen and patched').toBeDefined();
    expect((await hook!).nodeAtPatch).toBe('');

    expect(exitCode).toBe(1);
    const c = readReport(dir).get('annotations/default-network');
    expect(c?.status).toBe('failed');
    expect(profile.defaultNetworkSubnet, 'the range the message below names').toBe('192.168.8.128/27');
    expect(c?.failure).toMatch(
      new RegExp(
        `pod ${ns}/default-net, interface eth0: eth0 from the network v1\\.multus-cni\\.io/default-network names \\(${ns}/default-net\\): ` +
          `expected every address in 192\\.168\\.8\\.129-192\\.168\\.8\\.158 in 192\\.168\\.8\\.128/27 \\(gateway 192\\.168\\.8\\.129\\), got 10\\.244\\.\\d+\\.\\d+`,
      ),
    );
    // The run removed what it made; the taint is gone.
    expect(await namespacesLeft(core, runId)).toEqual([]);
    for (const n of nodeNames) expect((await core.readNode({ name: n })).spec?.taints?.map((t) => t.key) ?? []).not.toContain(TAINT.key);
  }, 300_000);
});
