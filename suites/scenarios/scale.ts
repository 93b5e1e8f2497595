import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { scalePods } from '../../helpers/scenario/scale-pods.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';

const cluster = currentCluster();

// Loaded by the conformance group only with --scale N (helpers/scenario/groups.ts,
// helpers/config/selection.ts), so N is set.
scenario('scale/pods', async (env) => {
  if (cluster.scale === undefined) throw new Error('scale/pods runs only with --scale N');
  await scalePods(env, cluster.scale);
});
