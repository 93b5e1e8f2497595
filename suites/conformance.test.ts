import { prepareCluster } from '../helpers/scenario/cluster-context.ts';
import { areasToLoad } from '../helpers/scenario/groups.ts';
import { registerScenarios } from '../helpers/scenario/scenario.ts';

// Every selected non-disruptive scenario, in this one file: one worker, all
// of them concurrent (helpers/scenario/groups.ts says why).
// The node probe's result first (it ran while this worker started).
const cluster = await prepareCluster();
for (const area of areasToLoad(cluster, 'conformance')) await import(`./scenarios/${area}.ts`);
registerScenarios();
