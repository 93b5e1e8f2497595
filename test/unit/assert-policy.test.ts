import { describe, expect, it } from 'vitest';
import {
  assertAllowed,
  assertBaselinePassed,
  assertDropped,
  enforcementNeverCame,
  judgeProbe,
  type Flow,
  type ProbeKind,
  type ProbeResult,
} from '../../helpers/assert/policy.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// Probes recorded on the testbed under multi-networkpolicy-iptables (test/payloads/README.md, `policy/`).
const exitCodes = new Map(
  payload('policy/exit-codes.txt')
    .trim()
    .split('\n')
    .map((l) => l.split(' ') as [string, string]),
);
function recorded(name: string): ProbeResult {
  return { exitCode: Number(exitCodes.get(`${name}.txt`)), output: payload(`policy/${name}.txt`) };
}

const TCP: ProbeKind = { proto: 'tcp', port: 8080 };
const ICMP: ProbeKind = { proto: 'icmp' };
const flowOf = (probe: ProbeKind): Flow => ({
  policy: 'mc-unit/deny-all',
  pod: POD,
  iface: 'net1',
  from: 'mc-unit/client',
  to: POD,
  address: '192.168.1.90',
  probe,
});

describe('judgeProbe on recorded probes', () => {
  it.each([
    ['nc-passed', TCP, 'passed'],
    ['nc-refused', { proto: 'tcp', port: 8081 }, 'refused'],
    ['nc-ingress-dropped', TCP, 'dropped'],
    ['nc-egress-denied', TCP, 'dropped'],
    ['ping-passed', ICMP, 'passed'],
    ['ping-ingress-dropped', ICMP, 'dropped'],
    ['ping-egress-denied', ICMP, 'dropped'],
  ] as const)('%s → %s', (name, probe, kind) => {
    expect(judgeProbe(probe, recorded(name)).kind).toBe(kind);
  });

  it('does not take a banner of another port, or a zero exit without it, as passed', () => {
    expect(judgeProbe({ proto: 'tcp', port: 9090 }, recorded('nc-passed')).kind).toBe('unclear');
    expect(judgeProbe(TCP, { exitCode: 0, output: '' }).kind).toBe('unclear');
  });

  it('calls a probe that could not run unclear, never dropped', () => {
    const notFound = { exitCode: undefined, output: 'exec: "nc": executable file not found in $PATH' };
    expect(judgeProbe(TCP, notFound).kind).toBe('unclear');
    expect(judgeProbe(ICMP, { exitCode: 1, output: 'ping: sendto: Network is unreachable' }).kind).toBe('unclear');
  });
});

describe('assertBaselinePassed', () => {
  it('passes on traffic that flows', () => {
    expect(() => assertBaselinePassed(flowOf(TCP), recorded('nc-passed'))).not.toThrow();
  });
  it('fails naming the flow when the network itself does not carry it', () => {
    const f = expectFailure(() => assertBaselinePassed(flowOf(ICMP), recorded('ping-ingress-dropped')), {
      iface: 'net1',
      expected: 'passed',
      actual: 'dropped: 2 packets transmitted, 0 packets received, 100% packet loss',
    });
    expect(f.mismatch.check).toContain('ICMP echo from mc-unit/client to mc-unit/sample-pod at 192.168.1.90 over net1 before any policy applies');
  });
});

describe('assertAllowed', () => {
  it('passes on the server banner', () => {
    expect(() => assertAllowed(flowOf(TCP), recorded('nc-passed'))).not.toThrow();
  });
  it('fails naming the policy, pods, interface and what the probe saw when allowed traffic is dropped', () => {
    const f = expectFailure(() => assertAllowed(flowOf(TCP), recorded('nc-ingress-dropped')), {
      iface: 'net1',
      expected: 'passed',
      actual: 'dropped: nc: timed out (exit 1)',
    });
    expect(f.message).toContain('TCP port 8080 from mc-unit/client to mc-unit/sample-pod at 192.168.1.90 over net1, allowed by MultiNetworkPolicy mc-unit/deny-all');
  });
  it('fails when the connection was refused (the server is not there)', () => {
    expectFailure(() => assertAllowed({ ...flowOf({ proto: 'tcp', port: 8081 }) }, recorded('nc-refused')), {
      iface: 'net1',
      expected: 'passed',
      actual: 'refused (a TCP reset came back',
    });
  });
});

describe('assertDropped', () => {
  it('passes when the probe timed out, lost every ping, or could not send (egress)', () => {
    expect(() => assertDropped(flowOf(TCP), recorded('nc-ingress-dropped'))).not.toThrow();
    expect(() => assertDropped(flowOf(ICMP), recorded('ping-ingress-dropped'))).not.toThrow();
    expect(() => assertDropped(flowOf(ICMP), recorded('ping-egress-denied'))).not.toThrow();
  });
  it('fails naming the policy and the traffic that passed', () => {
    const f = expectFailure(() => assertDropped(flowOf(TCP), recorded('nc-passed'), 'the podSelector selects mc-unit only, so it is denied by'), {
      iface: 'net1',
      expected: 'dropped',
      actual: 'passed: mc-policy-8080 (exit 0)',
    });
    expect(f.message).toContain('the podSelector selects mc-unit only, so it is denied by MultiNetworkPolicy mc-unit/deny-all');
    expect(() => assertDropped(flowOf(ICMP), recorded('ping-passed'))).toThrow(/got passed: 2 packets transmitted, 2 packets received/);
  });
  it('fails on a reset: the packet reached the pod, it was not dropped', () => {
    expectFailure(() => assertDropped(flowOf({ proto: 'tcp', port: 8081 }), recorded('nc-refused')), {
      iface: 'net1',
      expected: 'dropped',
      actual: 'refused',
    });
  });
  it('fails when the probe gave no verdict', () => {
    expectFailure(() => assertDropped(flowOf(TCP), { exitCode: 126, output: 'sh: nc: not found' }), {
      iface: 'net1',
      expected: 'dropped',
      actual: 'no verdict from the probe: sh: nc: not found (exit 126)',
    });
  });
});

describe('enforcementNeverCame', () => {
  it('names the policy, the flow, the wait and what every probe saw', () => {
    const seen = [judgeProbe(TCP, recorded('nc-passed')), judgeProbe(TCP, recorded('nc-passed'))];
    const f = expectFailure(() => {
      throw enforcementNeverCame(flowOf(TCP), seen, 60_400);
    }, { iface: 'net1', expected: 'dropped (the policy enforced)', actual: 'never dropped in 2 probe(s) (2 passed); last passed: mc-policy-8080' });
    expect(f.message).toContain('MultiNetworkPolicy mc-unit/deny-all enforced within 60s: TCP port 8080 from mc-unit/client to mc-unit/sample-pod');
    expect(f.message).toContain('nothing enforced it');
  });
});
