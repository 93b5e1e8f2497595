// Times what bench.sh calls "create to Ready + Multus ready" with the suite's
// own code: the provider brings the toolchain up (warm), creates the cluster,
// writes the primary network and waits for every node Ready; then Multus is
// installed and waited for. Prints one JSON line. Not a test.
import { performance } from 'node:perf_hooks';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { loadKubeConfig } from '../../helpers/k8s/client.ts';
import { ensureMultus } from '../../helpers/multus/install.ts';
import { kindProvider } from '../../helpers/providers/kind.ts';

const clusterName = process.argv[2] ?? 'mc-bench';
const settings = RunSettingsSchema.parse({ provider: 'kind', kind: { clusterName } });
const t0 = performance.now();
const handle = await kindProvider.ensureCluster(settings);
const t1 = performance.now();
if (!handle.created || !handle.multusImage) throw new Error(`cluster ${clusterName} is not one the suite made offline`);
const kc = loadKubeConfig({ kubeconfig: handle.kubeconfig, context: handle.context });
const multus = await ensureMultus(kc, settings, true, { image: handle.multusImage, timeoutMs: 300_000 });
const t2 = performance.now();
const s = (ms: number): number => Math.round(ms / 100) / 10;
console.log(JSON.stringify({ nodesReadySec: s(t1 - t0), multusReadySec: s(t2 - t1), totalSec: s(t2 - t0), multus: `${multus.ready}/${multus.desired}` }));
