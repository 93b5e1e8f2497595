import { describe, expect, it } from 'vitest';
import { assertThinToken, span, type TokenCheck } from '../../helpers/assert/multus-token.ts';
import { parseProbeOutput } from '../../helpers/capabilities/probe-output.ts';
import type { KubeconfigToken } from '../../helpers/capabilities/probe-token.ts';
import { expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// The token claims the node probe read on the thin testbed (test/payloads/probe/testbed-thin.txt):
// a pod-bound token issued 2026-11-30 05:47 UTC, extended to a year, warnafter one hour.
const read = parseProbeOutput(payload('probe/testbed-thin.txt')).multusKubeconfig;
if (!read?.ok || read.value.kind !== 'token') throw new Error('recorded probe output without token claims');
const TOKEN = read.value;
const KUBECONFIG = '/etc/cni/net.d/multus.d/multus.kubeconfig';
const NODE = '(node mc-node)';
const DAY = 86400;

const check = (over: Partial<TokenCheck> = {}): TokenCheck => ({
  node: 'mc-node',
  kubeconfig: KUBECONFIG,
  read: TOKEN,
  now: TOKEN.issuedAt! + 60,
  marginSeconds: DAY,
  boundPod: { state: 'alive' },
  ...over,
});

describe('assertThinToken', () => {
  it('passes on the testbed token a minute after it was issued, saying when it expires and whose it is', () => {
    const v = assertThinToken(check());
    expect(v).toEqual({
      verdict: 'pass',
      note:
        `node mc-node: token in ${KUBECONFIG} expires 2027-11-30 05:47 UTC (in 364d 23h, margin 1d (multus.tokenMargin)); ` +
        'the API server extended its life (warnafter 2026-11-30 06:47 UTC): a cluster without --service-account-extend-token-expiration would have expired it then; ' +
        'bound to pod kube-system/kube-multus-ds-5482x, which runs',
    });
  });

  it('fails once it has expired: names node, file, the expiry and the consequence', () => {
    const f = expectFailure(
      () => assertThinToken(check({ now: TOKEN.expiresAt! + 3 * 3600 })),
      { expected: 'valid until at least 2027-12-01 08:47 UTC (now + 1d (multus.tokenMargin))', actual: 'expired 2027-11-30 05:47 UTC, 3h ago: every new pod on mc-node fails with "Unauthorized"' },
      NODE,
    );
    expect(f.message).toContain(`token in ${KUBECONFIG}`);
    expect(f.message).toContain('multus-cni#852, #1263');
  });

  it('fails when it expires within the margin, and the margin is a setting', () => {
    expectFailure(() => assertThinToken(check({ now: TOKEN.expiresAt! - 5 * 3600 })), { expected: 'now + 1d', actual: 'expires 2027-11-30 05:47 UTC, in 5h' }, NODE);
    expect(() => assertThinToken(check({ now: TOKEN.expiresAt! - 5 * 3600, marginSeconds: 3600 }))).not.toThrow();
    expectFailure(() => assertThinToken(check({ marginSeconds: 400 * DAY })), { expected: 'now + 400d', actual: 'in 364d 23h' }, NODE);
  });

  it('fails when the pod the token is bound to is gone, or replaced under its name', () => {
    expectFailure(
      () => assertThinToken(check({ boundPod: { state: 'gone' } })),
      { expected: 'bound to a pod that exists', actual: 'bound to pod kube-system/kube-multus-ds-5482x (uid d4557ef7-3b59-4fcb-9d3e-67ec7807ee3e), which no longer exists: the API server rejects it ("Unauthorized")' },
      NODE,
    );
    expectFailure(
      () => assertThinToken(check({ boundPod: { state: 'replaced', uid: '11111111-2222-3333-4444-555555555555' } })),
      { expected: 'bound to a pod that exists', actual: 'a pod of that name now has uid 11111111-2222-3333-4444-555555555555' },
      NODE,
    );
  });

  it('fails when the kubeconfig is missing, or has no credentials', () => {
    expectFailure(() => assertThinToken(check({ read: { kind: 'absent' } })), { expected: 'the kubeconfig the thin Multus config names', actual: 'no such file' }, NODE);
    expectFailure(() => assertThinToken(check({ read: { kind: 'other-auth', auth: 'none' } })), { expected: 'a token or client certificate', actual: 'without credentials' }, NODE);
  });

  it('a legacy token without expiry passes with a note that says so', () => {
    const legacy: KubeconfigToken = { kind: 'token', namespace: 'kube-system', secret: 'multus-token-x7k2p' };
    expect(assertThinToken(check({ read: legacy }))).toEqual({
      verdict: 'pass',
      note: `node mc-node: token in ${KUBECONFIG} never expires (a legacy Secret-based token from Secret kube-system/multus-token-x7k2p: it works until that Secret is deleted)`,
    });
  });

  it('skips, with the reason, what has no expiry to read', () => {
    expect(assertThinToken(check({ read: { kind: 'other-auth', auth: 'client-certificate' } }))).toEqual({
      verdict: 'skip',
      reason: `node mc-node: ${KUBECONFIG} authenticates with client-certificate, not an inline token: no expiry to read`,
    });
    expect(assertThinToken(check({ read: { kind: 'undecodable', why: 'not a JWT' } }))).toMatchObject({ verdict: 'skip', reason: expect.stringMatching(/not a JWT\): its expiry is unknown$/) });
  });

  it('span reads as people write it', () => {
    expect([span(12), span(40 * 60), span(5 * 3600 + 12 * 60), span(3 * DAY + 4 * 3600), span(-7200)]).toEqual(['12s', '40m', '5h 12m', '3d 4h', '2h']);
  });
});
