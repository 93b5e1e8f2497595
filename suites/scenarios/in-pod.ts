import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { assertRoute } from '../../helpers/assert/routes.ts';
import { ipsOn, verifyAttachments } from '../../helpers/scenario/checks.ts';
import { assertPoolRecordsPod } from '../../helpers/assert/ip-pool-records.ts';
import { WhereaboutsState } from '../../helpers/scenario/whereabouts-state.ts';
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
  // A range of its own; the IPPool it causes is removed afterwards (WhereaboutsState).
  const wb = new WhereaboutsState(env);
  await wb.confined(async () => {
    const range = env.profile.whereaboutsRange;
    const nad = await env.nad('whereabouts-macvlan', { name: 'whereabouts-conf', vars: wb.vars(range) });
    const pod = await env.pod('whereabouts', { networks: 'whereabouts-conf' });
    const { live } = await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan', mode: 'bridge' }], cluster);
    const [ip] = ipsOn(pod.id, live, 'net1');
    assertPoolRecordsPod(pod.id, 'net1', ip!, await wb.readPool(range, pod.id, 'net1'));
  });
});
