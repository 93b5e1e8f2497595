import { currentCluster } from '../../helpers/scenario/cluster-context.ts';
import { serializeNetworkSelection } from '../../helpers/parse/network-selection.ts';
import { verifyAttachments } from '../../helpers/scenario/checks.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import { assertInterfacePresent } from '../../helpers/assert/interfaces.ts';
import { assertCniArgsMtu } from '../../helpers/assert/cni-args.ts';
import { assertSameNetworkTwice } from '../../helpers/assert/same-network-twice.ts';

const cluster = currentCluster();

scenario('selection/comma-list', async (env) => {
  const a = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const b = await env.nad('macvlan-mtu', { name: 'macvlan-mtu' });
  const pod = await env.pod('comma', { networks: 'macvlan-conf,macvlan-mtu' });
  await verifyAttachments(
    pod,
    [
      { iface: 'net1', nad: a, kind: 'macvlan' },
      { iface: 'net2', nad: b, kind: 'macvlan', mtu: env.profile.mtu },
    ],
    cluster,
  );
});

scenario('selection/cross-namespace', async (env) => {
  const other = await env.newNamespace(`${env.slug}-nets`);
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf', namespace: other });
  const pod = await env.pod('cross-ns', { networks: `${other}/macvlan-conf` });
  await verifyAttachments(pod, [{ iface: 'net1', nad, kind: 'macvlan' }], cluster);
});

scenario('selection/ifname-suffix', async (env) => {
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const pod = await env.pod('ifname', { networks: 'macvlan-conf@mcdata0' });
  await verifyAttachments(pod, [{ iface: 'mcdata0', nad, kind: 'macvlan' }], cluster);
});

/**
 * An MTU passed only in cni-args: the NAD (macvlan + static IPAM + tuning)
 * sets none, and tuning applies args.cni.mtu, so seeing it inside the pod
 * proves cni-args reached the plugin. 1280 (IPv6's minimum) fits under any
 * master's MTU and differs from the usual 1500 or 9000.
 */
const CNI_ARGS_MTU = 1280;

scenario('selection/json-form', async (env) => {
  const nad = await env.nad('macvlan-static', { name: 'macvlan-static' });
  const networks = serializeNetworkSelection(
    [{ name: 'macvlan-static', interface: 'mcjson0', ips: [env.profile.staticIp], mac: env.profile.staticMac, cniArgs: { mtu: CNI_ARGS_MTU } }],
    'json',
  );
  const pod = await env.pod('json-form', { networks });
  const { live } = await verifyAttachments(
    pod,
    [{ iface: 'mcjson0', nad, kind: 'macvlan', mac: env.profile.staticMac, ips: [env.profile.staticIp] }],
    cluster,
  );
  assertCniArgsMtu(pod.id, assertInterfacePresent(pod.id, live, 'mcjson0'), CNI_ARGS_MTU);
});

scenario('selection/same-network-twice', async (env) => {
  const nad = await env.nad('macvlan-bridge', { name: 'macvlan-conf' });
  const pod = await env.pod('twice', { networks: 'macvlan-conf,macvlan-conf' });
  const { live, status } = await verifyAttachments(
    pod,
    [
      { iface: 'net1', nad, kind: 'macvlan' },
      { iface: 'net2', nad, kind: 'macvlan' },
    ],
    cluster,
  );
  assertSameNetworkTwice(pod.id, `${env.ns}/macvlan-conf`, ['net1', 'net2'], status, live);
});
