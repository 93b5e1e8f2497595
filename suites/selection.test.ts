import { inject } from 'vitest';
import { ConformanceFailure } from '../helpers/errors.ts';
import { serializeNetworkSelection } from '../helpers/parse/network-selection.ts';
import { assignedIps, verifyAttachments } from '../helpers/scenario/checks.ts';
import { scenario } from '../helpers/scenario/scenario.ts';
import { assertInterfacePresent } from '../helpers/assert/interfaces.ts';

const cluster = inject('cluster');

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

scenario('selection/json-form', async (env) => {
  const nad = await env.nad('macvlan-static', { name: 'macvlan-static' });
  const [ip] = env.profile.staticIp.split('/');
  const networks = serializeNetworkSelection(
    [{ name: 'macvlan-static', interface: 'mcjson0', ips: [env.profile.staticIp], mac: env.profile.staticMac, cniArgs: { mcScenario: 'json-form' } }],
    'json',
  );
  const pod = await env.pod('json-form', { networks });
  await verifyAttachments(pod, [{ iface: 'mcjson0', nad, kind: 'macvlan', mac: env.profile.staticMac, ips: [ip!] }], cluster);
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
  const entries = status.filter((e) => e.name === `${env.ns}/macvlan-conf`);
  if (entries.length !== 2) {
    throw new ConformanceFailure({ pod: pod.id, check: 'status entries for the network listed twice', expected: '2', actual: String(entries.length) });
  }
  const ip1 = assignedIps(assertInterfacePresent(pod.id, live, 'net1')).join(',');
  const ip2 = assignedIps(assertInterfacePresent(pod.id, live, 'net2')).join(',');
  if (ip1 === ip2) {
    throw new ConformanceFailure({ pod: pod.id, iface: 'net1, net2', check: 'distinct IPs', expected: 'two different addresses', actual: `${ip1} twice` });
  }
});
