import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

/**
 * A TCP proxy in front of the testbed's API server, run by the test itself,
 * so "the cluster went away" can be played for one run without touching the
 * shared kube-apiserver: `stop()` closes the listener and cuts every
 * connection (new ones are refused, like a dead server's port), `start()`
 * listens again on the same port.
 */
export class ApiProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address === 'object' && address) this.port = address.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A copy of `kubeconfig` whose server is this proxy (the API server's certificate names 127.0.0.1). */
  writeKubeconfig(kubeconfig: string, dir: string): string {
    const text = readFileSync(kubeconfig, 'utf8');
    const server = `https://${this.target.host}:${this.target.port}`;
    if (!text.includes(`server: ${server}`)) throw new Error(`${kubeconfig} does not point at ${server}`);
    const file = join(dir, 'kubeconfig-via-proxy');
    writeFileSync(file, text.replaceAll(`server: ${server}`, `server: https://127.0.0.1:${this.port}`), { mode: 0o600 });
    return file;
  }
}
