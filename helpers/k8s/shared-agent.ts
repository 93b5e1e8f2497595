import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import * as k8s from '@kubernetes/client-node';

/**
 * A KubeConfig whose requests share keep-alive connections.
 *
 * client-node (1.4) builds a new https.Agent for every request, so every API
 * call, watch and exec opened a TCP connection and did a full TLS handshake,
 * its client certificate included: in a `--mode non-disruptive` run on the
 * 2-core testbed that was 6.8 s of the 14.5 s the scenarios' worker spent on
 * CPU (node --cpu-prof: node:internal/tls/secure-context, _tls_wrap,
 * _tls_common), besides the API server's half of each handshake.
 *
 * Here the agent client-node built is swapped for one kept per distinct set
 * of agent options (CA, client certificate and key, TLS server name,
 * verification) with keep-alive on: requests reuse idle connections, and a
 * new connection resumes a cached TLS session. Credentials that live in
 * headers (tokens, exec plugins) do not touch the agent and are applied per
 * request as before; a rotated client certificate gives other options, so a
 * new agent. Idle keep-alive sockets are unref'd by Node and keep no process
 * alive. Agents of other kinds (proxies) are left as client-node built them.
 */
export class SharedConnectionsKubeConfig extends k8s.KubeConfig {
  override async applySecurityAuthentication(context: k8s.RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const built = context.getAgent();
    if (built) context.setAgent(sharedAgent(built));
  }

  // Watches (fetch) and execs (WebSocket upgrades) come through here.
  override async applyToHTTPSOptions(opts: Parameters<k8s.KubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    if (opts.agent instanceof http.Agent) opts.agent = sharedAgent(opts.agent);
  }
}

const agents = new Map<string, http.Agent>();

/**
 * The kept keep-alive agent for the options `built` was made with; `built`
 * itself when it is not a plain HTTP(S) agent, or carries an option that
 * cannot be compared by value (a function, an object).
 */
export function sharedAgent(built: http.Agent): http.Agent {
  const isHttps = built.constructor === https.Agent;
  if (!isHttps && built.constructor !== http.Agent) return built;
  const options = (built as https.Agent).options ?? {};
  const digest = optionsKey(options);
  if (digest === undefined) return built;
  const key = `${isHttps ? 'https' : 'http'}:${digest}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = isHttps ? new https.Agent({ ...options, ...secureContextOf(options), keepAlive: true }) : new http.Agent({ ...options, keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * The TLS context (CA, client certificate and key) parsed once for the
 * agent: Node otherwise parses them again for every new connection, and every
 * exec (a WebSocket upgrade) takes a connection of its own. Options Node
 * cannot parse are left for the connection to refuse, with its own error, as
 * before.
 */
function secureContextOf(options: https.AgentOptions): { secureContext?: tls.SecureContext } {
  try {
    return { secureContext: tls.createSecureContext(options) };
  } catch {
    return {};
  }
}

/**
 * A digest of every option set: buffers (CA, certificate, key) by content.
 * Undefined when an option is neither a buffer nor a plain value (a
 * function, an object): two such options could differ under one digest.
 */
export function optionsKey(options: object): string | undefined {
  const h = createHash('sha256');
  for (const [name, value] of Object.entries(options).sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined || value === null) continue;
    const items: unknown[] = Array.isArray(value) ? value : [value];
    h.update(`${name}=`);
    for (const item of items) {
      if (Buffer.isBuffer(item)) h.update(item);
      else if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') h.update(`${typeof item}:${String(item)}`);
      else return undefined;
      h.update('\0');
    }
    h.update('\n');
  }
  return h.digest('hex');
}
