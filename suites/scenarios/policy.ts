import { startExternalPeer } from '../../helpers/traffic/external-peer.ts';
import { scenario } from '../../helpers/scenario/scenario.ts';
import type { AttachedPod } from '../../helpers/scenario/attached-pod.ts';
import type { ScenarioEnv } from '../../helpers/scenario/env.ts';
import {
  POLICY_NET,
  applyPolicy,
  expectAllowed,
  expectBaseline,
  expectDropped,
  flow,
  peerSender,
  podSender,
  policyAddress,
  policyNetwork,
  policyNode,
  policyRangeCidr,
  startServers,
  waitUntilEnforced,
} from '../../helpers/scenario/policy-flows.ts';

// Every scenario: pods on the policy network, the traffic checked to flow
// before any policy, the policy applied, a denied flow polled until it is
// dropped (bounded: a served API that nothing enforces fails here), then the
// allowed flows must pass and the denied ones be dropped. Probes go over
// net1, each bounded (2 s TCP connect, 3 s ping).

const TCP = { proto: 'tcp', port: 8080 } as const;
const OTHER_TCP = { proto: 'tcp', port: 9090 } as const;
const ICMP = { proto: 'icmp' } as const;

/** The label policies select their target pods by (`mc-policy-role`) and the one peers are selected by. */
const role = (r: string): Record<string, string> => ({ 'mc-policy-role': r });
const peerLabel = (p: string): Record<string, string> => ({ 'mc-policy-peer': p });

interface PodSpec {
  name: string;
  labels?: Record<string, string>;
  namespace?: string;
  /** The NAD reference when the pod is not in the policy's namespace (`ns/policy-net`). */
  networks?: string;
  /** TCP ports this pod serves. */
  serve?: number[];
}

/** Starts the pods together on the policy node, with their servers; returns them with their net1 addresses. */
async function pods(env: ScenarioEnv, specs: PodSpec[]): Promise<Array<{ pod: AttachedPod; address: string; target: { name: string; address: string } }>> {
  const node = policyNode(env);
  const started = await Promise.all(
    specs.map((s) =>
      env.pod(s.name, { networks: s.networks ?? POLICY_NET, node, ...(s.namespace ? { namespace: s.namespace } : {}), ...(s.labels ? { labels: s.labels } : {}) }),
    ),
  );
  return await Promise.all(
    started.map(async (pod, i) => {
      const serve = specs[i]!.serve ?? [];
      if (serve.length > 0) await startServers(pod, serve);
      const address = await policyAddress(pod);
      return { pod, address, target: { name: pod.id, address } };
    }),
  );
}

scenario('policy/ingress-deny-all', async (env) => {
  await policyNetwork(env);
  const [target, client] = await pods(env, [
    { name: 'target', labels: role('target'), serve: [TCP.port] },
    { name: 'client', serve: [TCP.port] },
  ]);
  const policy = { name: `${env.ns}/deny-all`, pod: target!.pod.id };
  const inTcp = flow(podSender(client!.pod), target!.target, TCP, policy);
  const inPing = flow(podSender(client!.pod), target!.target, ICMP, policy);
  // The policy isolates the target for ingress only: what it sends still goes out, and the replies come back.
  const outTcp = flow(podSender(target!.pod), client!.target, TCP, policy);
  await expectBaseline([inTcp, inPing, outTcp]);
  await applyPolicy(env, 'ingress-deny-all', { name: 'deny-all', target: 'target' });
  await waitUntilEnforced(env, inTcp);
  await expectDropped(inPing);
  await expectAllowed(outTcp);
  await expectDropped(inTcp);
});

scenario('policy/allow-from-pod', async (env) => {
  await policyNetwork(env);
  const [target, allowed, other] = await pods(env, [
    { name: 'target', labels: role('target'), serve: [TCP.port] },
    { name: 'allowed', labels: peerLabel('client') },
    { name: 'other' },
  ]);
  const policy = { name: `${env.ns}/allow-from-pod`, pod: target!.pod.id };
  const denied = flow(podSender(other!.pod), target!.target, TCP, policy);
  const passes = [flow(podSender(allowed!.pod), target!.target, TCP, policy), flow(podSender(allowed!.pod), target!.target, ICMP, policy)];
  await expectBaseline([denied, ...passes]);
  await applyPolicy(env, 'ingress-from-pod', { name: 'allow-from-pod', target: 'target', peer: 'client' });
  await waitUntilEnforced(env, denied);
  for (const f of passes) await expectAllowed(f);
  await expectDropped(flow(podSender(other!.pod), target!.target, ICMP, policy));
  await expectDropped(denied);
});

/**
 * NetworkPolicy's peer semantics, which MultiNetworkPolicy takes over: a
 * podSelector without a namespaceSelector selects pods in the policy's own
 * namespace. A pod elsewhere with the same label, attached to the same
 * network (by `ns/name`), must not get in.
 */
scenario('policy/pod-selector-namespace', async (env) => {
  await policyNetwork(env);
  const elsewhere = await env.newNamespace(`${env.slug}-other`);
  const [target, local, unlabelled, foreign] = await pods(env, [
    { name: 'target', labels: role('target'), serve: [TCP.port] },
    { name: 'local', labels: peerLabel('client') },
    { name: 'unlabelled' },
    { name: 'foreign', labels: peerLabel('client'), namespace: elsewhere, networks: `${env.ns}/${POLICY_NET}` },
  ]);
  const policy = { name: `${env.ns}/allow-from-pod`, pod: target!.pod.id };
  const fromLocal = flow(podSender(local!.pod), target!.target, TCP, policy);
  const fromUnlabelled = flow(podSender(unlabelled!.pod), target!.target, TCP, policy);
  const fromForeign = flow(podSender(foreign!.pod), target!.target, TCP, policy);
  await expectBaseline([fromLocal, fromUnlabelled, fromForeign]);
  await applyPolicy(env, 'ingress-from-pod', { name: 'allow-from-pod', target: 'target', peer: 'client' });
  await waitUntilEnforced(env, fromUnlabelled);
  await expectAllowed(fromLocal);
  await expectDropped(fromForeign, `the podSelector peer selects pods of namespace ${env.ns} only, so it is denied by`);
});

scenario('policy/namespace-selector', async (env) => {
  await policyNetwork(env);
  const selected = await env.newNamespace(`${env.slug}-selected`);
  const other = await env.newNamespace(`${env.slug}-other`);
  const shared = `${env.ns}/${POLICY_NET}`;
  const [target, neighbour, fromSelected, fromOther] = await pods(env, [
    { name: 'target', labels: role('target'), serve: [TCP.port] },
    // In the policy's own namespace, which the namespaceSelector does not select.
    { name: 'neighbour' },
    { name: 'client', namespace: selected, networks: shared },
    { name: 'client', namespace: other, networks: shared },
  ]);
  const policy = { name: `${env.ns}/allow-from-namespace`, pod: target!.pod.id };
  const allowed = [flow(podSender(fromSelected!.pod), target!.target, TCP, policy), flow(podSender(fromSelected!.pod), target!.target, ICMP, policy)];
  const denied = [flow(podSender(fromOther!.pod), target!.target, TCP, policy), flow(podSender(neighbour!.pod), target!.target, TCP, policy)];
  await expectBaseline([...allowed, ...denied]);
  await applyPolicy(env, 'ingress-from-namespace', { name: 'allow-from-namespace', target: 'target', peerNamespace: selected });
  await waitUntilEnforced(env, denied[0]!);
  for (const f of allowed) await expectAllowed(f);
  for (const f of denied) await expectDropped(f);
});

scenario('policy/egress', async (env) => {
  await policyNetwork(env);
  const [source, allowedDst, otherDst] = await pods(env, [
    { name: 'source', labels: role('source'), serve: [TCP.port] },
    { name: 'allowed', labels: peerLabel('server'), serve: [TCP.port] },
    { name: 'other', serve: [TCP.port] },
  ]);
  const policy = { name: `${env.ns}/egress-to-pod`, pod: source!.pod.id };
  const denied = flow(podSender(source!.pod), otherDst!.target, TCP, policy);
  const allowed = [flow(podSender(source!.pod), allowedDst!.target, TCP, policy), flow(podSender(source!.pod), allowedDst!.target, ICMP, policy)];
  // Egress only: connections to the source are not restricted, and its replies leave.
  const inbound = flow(podSender(otherDst!.pod), source!.target, TCP, policy);
  await expectBaseline([denied, ...allowed, inbound]);
  await applyPolicy(env, 'egress-to-pod', { name: 'egress-to-pod', target: 'source', peer: 'server' });
  await waitUntilEnforced(env, denied);
  for (const f of allowed) await expectAllowed(f);
  await expectDropped(flow(podSender(source!.pod), otherDst!.target, ICMP, policy));
  await expectAllowed(inbound);
  await expectDropped(denied);
});

scenario('policy/ip-block', async (env) => {
  await policyNetwork(env);
  const [target, client] = await pods(env, [{ name: 'target', labels: role('target') }, { name: 'client' }]);
  const prefix = Number(env.profile.subnet.split('/')[1]);
  const peer = await startExternalPeer(env.profile.externalPeer!, prefix);
  try {
    const policy = { name: `${env.ns}/allow-from-block`, pod: target!.pod.id };
    // The block is the whole subnet except the policy range, where every policy pod's address comes from.
    const except = policyRangeCidr(env.profile);
    const fromPeer = flow(peerSender(peer), target!.target, ICMP, policy);
    const fromClient = flow(podSender(client!.pod), target!.target, ICMP, policy);
    await expectBaseline([fromPeer, fromClient]);
    await applyPolicy(env, 'ingress-from-ip-block', { name: 'allow-from-block', target: 'target', cidr: env.profile.subnet, except });
    await waitUntilEnforced(env, fromClient);
    await expectAllowed(fromPeer);
    await expectDropped(fromClient, `${client!.address} is in the ipBlock's except ${except}, so it is denied by`);
  } finally {
    await peer.stop();
  }
});

scenario('policy/port-protocol', async (env) => {
  await policyNetwork(env);
  const [target, client] = await pods(env, [{ name: 'target', labels: role('target'), serve: [TCP.port, OTHER_TCP.port] }, { name: 'client' }]);
  const policy = { name: `${env.ns}/allow-tcp-${TCP.port}`, pod: target!.pod.id };
  const allowed = flow(podSender(client!.pod), target!.target, TCP, policy);
  const otherPort = flow(podSender(client!.pod), target!.target, OTHER_TCP, policy);
  const icmp = flow(podSender(client!.pod), target!.target, ICMP, policy);
  await expectBaseline([allowed, otherPort, icmp]);
  await applyPolicy(env, 'ingress-tcp-port', { name: `allow-tcp-${TCP.port}`, target: 'target', port: TCP.port });
  await waitUntilEnforced(env, otherPort);
  await expectAllowed(allowed);
  await expectDropped(icmp, `only TCP port ${TCP.port} is allowed by`);
  await expectDropped(otherPort);
});
