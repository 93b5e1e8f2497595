import { inject } from 'vitest';
import { scalePods } from '../helpers/scenario/scale-pods.ts';
import { scenario } from '../helpers/scenario/scenario.ts';

const cluster = inject('cluster');

// Registered only with --scale N (helpers/config/selection.ts), so N is set.
scenario('scale/pods', async (env) => {
  if (cluster.scale === undefined) throw new Error('scale/pods runs only with --scale N');
  await scalePods(env, cluster.scale);
});
