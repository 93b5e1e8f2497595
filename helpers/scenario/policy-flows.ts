import type * as k8s from '@kubernetes/client-node';
import { applyObjects } from '../k8s/apply.ts';
import { WaitTimeout, waitFor } from '../k8s/wait.ts';
import { renderPolicy } from '../fixtures/policy.ts';
import type { TemplateVars } from '../fixtures/render.ts';
import type { ProfileValues } from '../fixtures/profile.ts';
import { coveringCidr } from '../nad/ipam-range.ts';
import {
  assertAllowed,
  assertBaselinePassed,
  assertDropped,
  describeFlow,
  enforced,
  enforcementNeverCame,
  judgeProbe,
  serverBanner,
  type Flow,
  type FlowVerdict,
  type ProbeKind,
  type ProbeResult,
} from '../assert/policy.ts';
import { assertHasAddress } from '../assert/addresses.ts';
import { assertInterfacePresent } from '../assert/interfaces.ts';
import type { ExternalPeer } from '../traffic/external-peer.ts';
import type { AttachedPod } from './attached-pod.ts';
import type { ScenarioEnv } from './env.ts';
import { nodesFor } from './requirements.ts';

/** The NAD every policy scenario attaches and polices (fixtures/nads/macvlan-policy.yaml). */
export const POLICY_NET = 'policy-net';
/** The policed interface: the pods' only attachment. */
export const POLICY_IFACE = 'net1';

/**
 * The policy scenarios' address range (profile policyRangeStart..End, else
 * the main range). Every policy NAD has the same name, so on a node they
 * share one host-local pool, and their pods all go to one node: no two of
 * them ever hold the same address.
 */
export function policyRange(p: ProfileValues): { rangeStart: string; rangeEnd: string } {
  return { rangeStart: p.policyRangeStart ?? p.rangeStart, rangeEnd: p.policyRangeEnd ?? p.rangeEnd };
}

/** The smallest CIDR holding the policy range (the ipBlock scenario's `except`). */
export function policyRangeCidr(p: ProfileValues): string {
  const r = policyRange(p);
  return coveringCidr(r.rangeStart, r.rangeEnd);
}

/** The node every policy pod runs on (see policyRange). */
export function policyNode(env: ScenarioEnv): string {
  const node = nodesFor(env.cluster, 'macvlan').nodes[0];
  if (!node) throw new Error('no node can attach macvlan (the requirement gate should have skipped this scenario)');
  return node;
}

/** Applies the policy network's NAD in a namespace (the scenario's own by default). */
export async function policyNetwork(env: ScenarioEnv, namespace = env.ns): Promise<void> {
  await env.nad('macvlan-policy', { name: POLICY_NET, namespace, vars: policyRange(env.profile) });
}

/**
 * Renders a policy fixture (fixtures/multi-networkpolicy/policies/) for the
 * policy network and applies it; returns its `namespace/name`.
 */
export async function applyPolicy(env: ScenarioEnv, fixture: string, vars: TemplateVars & { name: string }, namespace = env.ns): Promise<string> {
  const policy = renderPolicy(fixture, { network: POLICY_NET, ...vars });
  policy.metadata.namespace = namespace;
  await applyObjects(env.kc, [policy as unknown as k8s.KubernetesObject]);
  return `${namespace}/${policy.metadata.name}`;
}

/** The pod's address on the policed interface. */
export async function policyAddress(pod: AttachedPod): Promise<string> {
  return assertHasAddress(pod.id, assertInterfacePresent(pod.id, await pod.interfaces(), POLICY_IFACE));
}

/**
 * Starts a TCP server on each port inside the pod (busybox `nc -ll`, which
 * keeps listening): every connection gets `serverBanner(port)`, so a probe
 * that reads it reached this server and no other.
 */
export async function startServers(pod: AttachedPod, ports: number[]): Promise<void> {
  const script = ports.map((p) => `nc -ll -p ${p} -e /bin/echo ${serverBanner(p)} </dev/null >/dev/null 2>&1 &`).join(' ');
  await pod.run(['sh', '-c', script]);
}

/** Something that sends probes: a pod, or the external host. */
export interface Sender {
  readonly name: string;
  send(probe: ProbeKind, address: string): Promise<ProbeResult>;
}

/**
 * A pod as sender. Each probe is bounded: a ping of 2 packets within 3 s out
 * of the policed interface, or a TCP connect that gives up after 2 s.
 */
export function podSender(pod: AttachedPod): Sender {
  return {
    name: pod.id,
    async send(probe, address) {
      const cmd =
        probe.proto === 'icmp'
          ? ['ping', '-c', '2', '-i', '1', '-W', '1', '-w', '3', '-I', POLICY_IFACE, address]
          : ['sh', '-c', `nc -w 2 ${address} ${probe.port} </dev/null`];
      const r = await pod.exec(cmd);
      return { exitCode: r.exitCode, output: [r.stdout, r.stderr, r.message ?? ''].filter((s) => s !== '').join('\n') };
    },
  };
}

/** The external host as sender (ICMP only: its bounded ping, 3 packets within 5 s). */
export function peerSender(peer: ExternalPeer): Sender {
  return {
    name: peer.description,
    async send(probe, address) {
      if (probe.proto !== 'icmp') throw new Error(`the external host sends ICMP probes only, not ${probe.proto}`);
      const r = await peer.ping(address);
      return { exitCode: r.ok ? 0 : 1, output: r.output };
    },
  };
}

/** One flow with the sender that can produce it. */
export interface LiveFlow {
  flow: Flow;
  sender: Sender;
}

export function flow(sender: Sender, to: { name: string; address: string }, probe: ProbeKind, policy: { name: string; pod: string }): LiveFlow {
  return {
    sender,
    flow: { policy: policy.name, pod: policy.pod, iface: POLICY_IFACE, from: sender.name, to: to.name, address: to.address, probe },
  };
}

const send = async (f: LiveFlow): Promise<ProbeResult> => await f.sender.send(f.flow.probe, f.flow.address);

/** Each flow passes while no policy applies (checked together). */
export async function expectBaseline(flows: LiveFlow[]): Promise<void> {
  const results = await Promise.all(flows.map(send));
  flows.forEach((f, i) => assertBaselinePassed(f.flow, results[i]!));
}

export async function expectAllowed(f: LiveFlow): Promise<void> {
  assertAllowed(f.flow, await send(f));
}

export async function expectDropped(f: LiveFlow, why?: string): Promise<void> {
  assertDropped(f.flow, await send(f), why);
}

/**
 * Polls a flow the new policy denies until it is dropped, bounded by
 * `policyEnforced`. When it never is, the failure names the policy, the
 * pods, the interface and what the probes saw: the API took the policy and
 * nothing enforced it.
 */
export async function waitUntilEnforced(env: ScenarioEnv, f: LiveFlow): Promise<void> {
  const seen: FlowVerdict[] = [];
  const started = Date.now();
  try {
    await waitFor(
      `MultiNetworkPolicy ${f.flow.policy}: waiting until ${describeFlow(f.flow)} is dropped`,
      async () => {
        const v = judgeProbe(f.flow.probe, await send(f));
        seen.push(v);
        return enforced(v) ? { done: true, value: undefined, state: 'dropped' } : { done: false, state: `${v.kind}: ${v.detail}` };
      },
      { timeoutMs: env.timeouts.policyEnforced, intervalMs: 1000 },
    );
  } catch (e) {
    if (e instanceof WaitTimeout) throw enforcementNeverCame(f.flow, seen, Date.now() - started);
    throw e;
  }
}
