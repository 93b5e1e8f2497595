import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { assertRoute } from '../../helpers/assert/routes.ts';
import { verifyAttachments } from '../../helpers/scenario/checks.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';

const cluster = currentCluster();

scenario('in-pod/macvlan', async (env, node) => {
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const pod = await env.pod('macvlan', { networks: 'macvlan-conf', ...(node ? { node } : {}) });
  await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge' }], cluster);
  // The seed's NAD routes 0.0.0.0/0 through its gateway on net1.
  const routes = await pod.routes();
  assertRoute(pod.id, routes, { dst: env.profile.subnet, dev: 'net1' });
  assertRoute(pod.id, routes, { dst: 'default', gateway: env.profile.gateway, dev: 'net1' });
});

scenario('in-pod/macvlan-mtu', async (env) => {
  const nad = await env.nad('macvlan-mtu', { name: 'macvlan-mtu' });
  const pod = await env.pod('macvlan-mtu', { networks: 'macvlan-mtu' });
  await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge', mtu: env.profile.mtu }], cluster);
});

scenario('in-pod/ipvlan', async (env, node) => {
  const nad = await env.nad('ipvlan-l2', { name: 'ipvlan-conf' });
  const pod = await env.pod('ipvlan', { networks: 'ipvlan-conf', ...(node ? { node } : {}) });
  await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'ipvlan', mode: 'l2' }], cluster);
});

scenario('in-pod/whereabouts', async (env) => {
  // Shares the ipvlan range: the two never run on one node (no ipvlan here, and whereabouts elsewhere).
  const nad = await env.nad('macvlan-whereabouts', { name: 'macvlan-whereabouts' });
  const pod = await env.pod('whereabouts', { networks: 'macvlan-whereabouts' });
  await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge' }], cluster);
});
