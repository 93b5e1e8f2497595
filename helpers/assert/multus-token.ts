import type { KubeconfigToken } from '../capabilities/probe-token.ts';
import { ConformanceFailure } from '../errors.ts';

/**
 * The thin plugin authenticates to the API server with the token
 * thin_entrypoint copied into its kubeconfig when the Multus pod started.
 * When that token stops working, every new pod on the node fails with
 * "Unauthorized" (multus-cni#852, #1263): it expired (thin_entrypoint
 * refreshes the copy only with --cleanup-config-on-exit, which the upstream
 * manifest does not set), or the pod it is bound to is gone.
 */

/** Whether the pod a bound token names still exists as that pod (same UID). */
export type BoundPodState = { state: 'alive' } | { state: 'gone' } | { state: 'replaced'; uid: string };

export interface TokenCheck {
  node: string;
  /** The kubeconfig the node's thin config names (its `kubeconfig` key). */
  kubeconfig: string;
  read: KubeconfigToken;
  /** Seconds since the epoch: one instant for the run. */
  now: number;
  /** The token must stay valid at least this long (multus.tokenMargin). */
  marginSeconds: number;
  /** For a token bound to a pod: what the API says of that pod now. */
  boundPod?: BoundPodState;
}

export type TokenVerdict = { verdict: 'pass'; note: string } | { verdict: 'skip'; reason: string };

const ISSUES = 'multus-cni#852, #1263';

export function iso(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `3d 4h`, `5h 12m`, `40m`, `12s`. */
export function span(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h ? ` ${h}h` : ''}`;
  if (h > 0) return `${h}h${m ? ` ${m}m` : ''}`;
  return m > 0 ? `${m}m` : `${s}s`;
}

/**
 * The token in the thin kubeconfig works now and for at least the margin:
 * it is there, it is not expired nor expiring within the margin, and the
 * pod it is bound to still exists. A token without `exp` (a legacy
 * Secret-based token) passes with a note saying so: it has no expiry to fall
 * short of, it works until its Secret is deleted. A kubeconfig that uses no
 * token (tokenFile, a client certificate) or a token that is not a JWT has
 * no expiry this check can read: skipped with that reason.
 */
export function assertThinToken(c: TokenCheck): TokenVerdict {
  const where = `token in ${c.kubeconfig}`;
  const fail = (expected: string, actual: string): never => {
    throw new ConformanceFailure({ pod: `(node ${c.node})`, check: where, expected, actual });
  };
  const r = c.read;
  switch (r.kind) {
    case 'absent':
      return fail('the kubeconfig the thin Multus config names', `no such file: the thin plugin cannot reach the API server, every new pod on ${c.node} fails`);
    case 'other-auth':
      if (r.auth === 'none') return fail('a token or client certificate', 'a kubeconfig without credentials: the API server rejects the thin plugin ("Unauthorized")');
      return { verdict: 'skip', reason: `node ${c.node}: ${c.kubeconfig} authenticates with ${r.auth}, not an inline token: no expiry to read` };
    case 'undecodable':
      return { verdict: 'skip', reason: `node ${c.node}: the token in ${c.kubeconfig} is no service account token this check can read (${r.why}): its expiry is unknown` };
    case 'token':
      break;
  }
  const margin = `${span(c.marginSeconds)} (multus.tokenMargin)`;
  const notes: string[] = [];
  if (r.expiresAt === undefined) {
    notes.push(`never expires (a legacy Secret-based token${r.secret ? ` from Secret ${r.namespace ? `${r.namespace}/` : ''}${r.secret}` : ''}: it works until that Secret is deleted)`);
  } else {
    const left = r.expiresAt - c.now;
    const expected = `valid until at least ${iso(c.now + c.marginSeconds)} (now + ${margin})`;
    if (left <= 0) fail(expected, `expired ${iso(r.expiresAt)}, ${span(left)} ago: every new pod on ${c.node} fails with "Unauthorized" (${ISSUES})`);
    if (left < c.marginSeconds) fail(expected, `expires ${iso(r.expiresAt)}, in ${span(left)}: then every new pod on ${c.node} fails with "Unauthorized" (${ISSUES})`);
    notes.push(`expires ${iso(r.expiresAt)} (in ${span(left)}, margin ${margin})`);
    if (r.warnAfter !== undefined && r.warnAfter < r.expiresAt) {
      notes.push(`the API server extended its life (warnafter ${iso(r.warnAfter)}): a cluster without --service-account-extend-token-expiration would have expired it then`);
    }
  }
  if (r.boundPod) {
    const pod = `${r.namespace ? `${r.namespace}/` : ''}${r.boundPod.name}`;
    const state = c.boundPod;
    if (state?.state === 'gone') {
      fail(`bound to a pod that exists`, `bound to pod ${pod} (uid ${r.boundPod.uid}), which no longer exists: the API server rejects it ("Unauthorized"), every new pod on ${c.node} fails (${ISSUES})`);
    }
    if (state?.state === 'replaced') {
      fail(
        `bound to a pod that exists`,
        `bound to pod ${pod} uid ${r.boundPod.uid}; a pod of that name now has uid ${state.uid}: the API server rejects the token ("Unauthorized") (${ISSUES})`,
      );
    }
    notes.push(state?.state === 'alive' ? `bound to pod ${pod}, which runs` : `bound to pod ${pod}`);
  }
  return { verdict: 'pass', note: `node ${c.node}: ${where} ${notes.join('; ')}` };
}
