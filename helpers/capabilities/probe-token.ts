import type { ProbeStep } from './probe-output.ts';

/**
 * What the probe read from the thin plugin's kubeconfig
 * (`/etc/cni/net.d/multus.d/multus.kubeconfig`): how it authenticates and,
 * for a token, the claims the health checks need. The token itself is
 * decoded inside the probe pod and never printed (fixtures/pods/probe-pod.yaml).
 */
export type KubeconfigToken =
  | { kind: 'absent' }
  /** tokenFile, a client certificate, or no credentials at all. */
  | { kind: 'other-auth'; auth: string }
  /** A token the probe could not decode: not a JWT, or its payload is not JSON. */
  | { kind: 'undecodable'; why: string }
  | ({ kind: 'token' } & TokenClaims);

export interface TokenClaims {
  /** `exp`, seconds since the epoch; absent: the token never expires (a legacy Secret-based token). */
  expiresAt?: number;
  issuedAt?: number;
  /**
   * `kubernetes.io.warnafter`: a token the API server issued for longer than
   * asked (--service-account-extend-token-expiration); after this time it
   * still works, but the API server counts its use as a stale token.
   */
  warnAfter?: number;
  /** The pod a bound token belongs to: the API server rejects the token once that pod is gone. */
  boundPod?: { name: string; uid: string };
  /** The service account's namespace. */
  namespace?: string;
  /** A legacy token: the Secret it comes from. */
  secret?: string;
}

export const KUBECONFIG_IN_PROBE = '/host/cni-conf/multus.d/multus.kubeconfig';
/** The same file as the node sees it. */
export const MULTUS_KUBECONFIG = '/etc/cni/net.d/multus.d/multus.kubeconfig';

const NUMERIC = new Set(['exp', 'iat', 'nbf', 'warnafter']);

/** The `token` section of the probe output; throws on anything it does not expect. */
export function parseTokenSection(step: ProbeStep): KubeconfigToken {
  if (step.rc !== 0) throw new Error(`step exited ${step.rc}: ${step.output.join(' ').trim() || 'no output'}`);
  const [first, ...rest] = step.output.map((l) => l.trimEnd());
  if (first === 'kubeconfig absent' && rest.length === 0) return { kind: 'absent' };
  const auth = /^auth (.+)$/.exec(first ?? '')?.[1];
  if (!auth) throw new Error(`expected "auth …" or "kubeconfig absent", got ${JSON.stringify(first ?? '')}`);
  if (auth.startsWith('token, ')) return { kind: 'undecodable', why: auth.slice('token, '.length) };
  if (auth !== 'token') return { kind: 'other-auth', auth };
  const claims: TokenClaims = {};
  for (const line of rest) {
    const m = /^(\w+) ?(.*)$/.exec(line);
    if (!m) throw new Error(`unexpected line ${JSON.stringify(line)}`);
    const [, key, value] = m as unknown as [string, string, string];
    if (value === '') continue;
    if (NUMERIC.has(key)) {
      if (!/^\d+$/.test(value)) throw new Error(`claim ${key}: not a number: ${JSON.stringify(value)}`);
      const n = Number(value);
      if (key === 'exp') claims.expiresAt = n;
      else if (key === 'iat') claims.issuedAt = n;
      else if (key === 'warnafter') claims.warnAfter = n;
      continue;
    }
    if (key === 'pod') claims.boundPod = boundPod(value);
    else if (key === 'namespace') claims.namespace = value;
    else if (key === 'secret') claims.secret = value;
    else throw new Error(`unknown claim line ${JSON.stringify(key)}`);
  }
  return { kind: 'token', ...claims };
}

function boundPod(fragment: string): { name: string; uid: string } {
  let data: unknown;
  try {
    data = JSON.parse(fragment);
  } catch {
    throw new Error(`claim pod: not JSON: ${JSON.stringify(fragment.slice(0, 120))}`);
  }
  const o = data as { name?: unknown; uid?: unknown };
  if (typeof o.name !== 'string' || typeof o.uid !== 'string') throw new Error(`claim pod: expected {"name","uid"}, got ${JSON.stringify(fragment.slice(0, 120))}`);
  return { name: o.name, uid: o.uid };
}
