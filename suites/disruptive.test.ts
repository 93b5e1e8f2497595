import { prepareCluster } from '../helpers/scenario/cluster-context.ts';
import { areasToLoad } from '../helpers/scenario/groups.ts';
import { registerScenarios } from '../helpers/scenario/scenario.ts';

// The disruptive scenarios (Multus restarts), run by vitest after the
// conformance group has finished (vitest.config.ts, sequence.groupOrder).
// The node probe's result first (it ran while this worker started).
const cluster = await prepareCluster();
for (const area of areasToLoad(cluster, 'disruptive')) await import(`./scenarios/${area}.ts`);
registerScenarios();
