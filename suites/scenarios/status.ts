import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { assertStatusMatchesLive, assertStatusShape } from '../../helpers/assert/network-status.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';

const cluster = currentCluster();

scenario('status/shape', async (env) => {
  await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const pod = await env.pod('status-shape', { networks: 'macvlan-conf' });
  // Parsing validates presence, JSON and schema; the shape check counts defaults and names.
  assertStatusShape(pod.id, pod.status(), cluster);
});

scenario('status/matches-live', async (env) => {
  await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  await env.nad('macvlan-mtu', { name: 'macvlan-mtu' });
  const pod = await env.pod('status-live', { networks: 'macvlan-conf,macvlan-mtu' });
  assertStatusMatchesLive(pod.id, pod.status(), await pod.interfaces());
});
