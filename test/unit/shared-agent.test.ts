import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { optionsKey, sharedAgent, SharedConnectionsKubeConfig } from '../../helpers/k8s/shared-agent.ts';

const dir = join(import.meta.dirname, '..', 'payloads', 'kubeconfig');
const b64 = (f: string): string => readFileSync(join(dir, f)).toString('base64');

/** A kubeconfig trusting CA `ca` and authenticating with certificate `id`; optionally through a proxy. */
function kubeconfig(ca: 'a' | 'b', id: 'a' | 'b', proxy?: string): SharedConnectionsKubeConfig {
  const kc = new SharedConnectionsKubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: b64(`${ca}.crt`), ...(proxy ? { proxyUrl: proxy } : {}) }],
    users: [{ name: 'u', certData: b64(`${id}.crt`), keyData: b64(`${id}.key`) }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function apiAgent(kc: k8s.KubeConfig): Promise<unknown> {
  const context = new k8s.RequestContext('https://127.0.0.1:6443/api', k8s.HttpMethod.GET);
  await kc.applySecurityAuthentication(context);
  return context.getAgent();
}

async function watchAgent(kc: k8s.KubeConfig): Promise<unknown> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return opts.agent;
}

describe('shared connections (helpers/k8s/shared-agent.ts)', () => {
  it('gives every API call of a kubeconfig one keep-alive agent with its TLS context parsed once', async () => {
    const kc = kubeconfig('a', 'a');
    const first = await apiAgent(kc);
    expect(await apiAgent(kc)).toBe(first);
    expect(first).toBeInstanceOf(https.Agent);
    const agent = first as https.Agent & { keepAlive?: boolean };
    expect(agent.keepAlive).toBe(true);
    expect(agent.options.secureContext).toBeDefined();
  });

  it('gives watches and execs (applyToHTTPSOptions) the same agent as API calls', async () => {
    const kc = kubeconfig('a', 'a');
    expect(await watchAgent(kc)).toBe(await apiAgent(kc));
  });

  it('shares the agent between kubeconfig objects with the same credentials', async () => {
    expect(await apiAgent(kubeconfig('a', 'a'))).toBe(await apiAgent(kubeconfig('a', 'a')));
  });

  it('gives another agent for another CA or another client certificate', async () => {
    const base = await apiAgent(kubeconfig('a', 'a'));
    expect(await apiAgent(kubeconfig('b', 'a'))).not.toBe(base);
    expect(await apiAgent(kubeconfig('a', 'b'))).not.toBe(base);
  });

  it('leaves a proxy agent as client-node built it', async () => {
    const kc = kubeconfig('a', 'a', 'http://127.0.0.1:3128');
    const first = await apiAgent(kc);
    expect(first).not.toBe(await apiAgent(kc));
    expect((first as { constructor: unknown }).constructor).not.toBe(https.Agent);
  });

  it('keeps an agent whose options Node cannot parse, without a TLS context, for the connection to refuse', () => {
    const built = new https.Agent({ cert: readFileSync(join(dir, 'a.crt')), key: Buffer.from('not a key') });
    const agent = sharedAgent(built) as https.Agent;
    expect(agent).not.toBe(built);
    expect(agent.options.secureContext).toBeUndefined();
    expect(agent.options.key).toEqual(Buffer.from('not a key'));
  });
  it('leaves an agent alone whose options cannot be compared by value (a function)', () => {
    const built = new https.Agent({ ca: Buffer.from('x'), checkServerIdentity: () => undefined });
    expect(sharedAgent(built)).toBe(built);
  });
});

describe('optionsKey', () => {
  it('compares buffers by content, in any key order', () => {
    expect(optionsKey({ ca: Buffer.from('x'), servername: 's' })).toBe(optionsKey({ servername: 's', ca: Buffer.from('x') }));
  });

  it('differs when a buffer, a flag or a name differs', () => {
    const base = optionsKey({ ca: Buffer.from('x'), rejectUnauthorized: true, servername: 's' });
    expect(optionsKey({ ca: Buffer.from('y'), rejectUnauthorized: true, servername: 's' })).not.toBe(base);
    expect(optionsKey({ ca: Buffer.from('x'), rejectUnauthorized: false, servername: 's' })).not.toBe(base);
    expect(optionsKey({ ca: Buffer.from('x'), rejectUnauthorized: true, servername: 't' })).not.toBe(base);
  });

  it('gives no digest for an option it cannot compare by value', () => {
    expect(optionsKey({ ca: Buffer.from('x'), checkServerIdentity: () => undefined })).toBeUndefined();
    expect(optionsKey({ ca: [Buffer.from('x'), { pem: 'y' }] })).toBeUndefined();
  });

  it('ignores options left unset', () => {
    expect(optionsKey({ ca: Buffer.from('x'), key: undefined, cert: null })).toBe(optionsKey({ ca: Buffer.from('x') }));
  });
});
