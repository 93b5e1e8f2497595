import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sweep, waitForNamespacesGone, namespaceSelector } from '../../cli/sweep.ts';

/**
 * A minimal API server: discovery for core/v1 and rbac/v1, list with label
 * selectors, delete, and a namespace watch. Deleted namespaces stay
 * Terminating for a moment before the DELETED event, like the real thing.
 */
interface Obj {
  kind: string;
  name: string;
  labels: Record<string, string>;
}

const CORE_RESOURCES = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['list', 'delete', 'watch'] },
    { name: 'namespaces/status', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['get'] },
    { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['list', 'delete'] },
    { name: 'persistentvolumes', singularName: 'persistentvolume', namespaced: false, kind: 'PersistentVolume', verbs: ['list', 'delete'] },
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['list', 'delete'] },
  ],
};
const RBAC_RESOURCES = {
  kind: 'APIResourceList',
  groupVersion: 'rbac.authorization.k8s.io/v1',
  resources: [
    { name: 'clusterroles', singularName: 'clusterrole', namespaced: false, kind: 'ClusterRole', verbs: ['list', 'delete'] },
    { name: 'roles', singularName: 'role', namespaced: true, kind: 'Role', verbs: ['list', 'delete'] },
  ],
};
const GROUPS = {
  kind: 'APIGroupList',
  groups: [
    {
      name: 'rbac.authorization.k8s.io',
      versions: [{ groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' },
    },
  ],
};
const PATHS: Record<string, { kind: string; apiVersion: string }> = {
  '/api/v1/namespaces': { kind: 'Namespace', apiVersion: 'v1' },
  '/api/v1/nodes': { kind: 'Node', apiVersion: 'v1' },
  '/api/v1/persistentvolumes': { kind: 'PersistentVolume', apiVersion: 'v1' },
  '/apis/rbac.authorization.k8s.io/v1/clusterroles': { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1' },
};

let objects: Obj[] = [];
const watchers = new Set<ServerResponse>();
// Events since the last list, replayed to a watch that starts from it (as resourceVersion does).
const deletedLog: string[] = [];
const deletes: string[] = [];

function matches(o: Obj, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return v === undefined ? k! in o.labels : o.labels[k!] === v;
  });
}

function toJson(o: Obj, apiVersion: string): object {
  return { apiVersion, kind: o.kind, metadata: { name: o.name, labels: o.labels } };
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const send = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/api/v1') return send(200, CORE_RESOURCES);
  if (url.pathname === '/apis') return send(200, GROUPS);
  if (url.pathname === '/apis/rbac.authorization.k8s.io/v1') return send(200, RBAC_RESOURCES);
  const collection = Object.keys(PATHS).find((p) => url.pathname === p || url.pathname.startsWith(`${p}/`));
  if (!collection) return send(404, { kind: 'Status', code: 404, message: `no route ${url.pathname}` });
  const { kind, apiVersion } = PATHS[collection]!;
  if (req.method === 'GET' && url.searchParams.get('watch') === 'true') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    for (const event of deletedLog) res.write(event);
    watchers.add(res);
    req.on('close', () => watchers.delete(res));
    return;
  }
  if (req.method === 'GET') {
    const items = objects.filter((o) => o.kind === kind && matches(o, url.searchParams.get('labelSelector')));
    return send(200, { apiVersion, kind: `${kind}List`, metadata: { resourceVersion: '42' }, items: items.map((o) => toJson(o, apiVersion)) });
  }
  if (req.method === 'DELETE') {
    const name = decodeURIComponent(url.pathname.slice(collection.length + 1));
    const obj = objects.find((o) => o.kind === kind && o.name === name);
    if (!obj) return send(404, { kind: 'Status', code: 404, message: 'not found' });
    deletes.push(`${kind}/${name}`);
    if (kind === 'Namespace') {
      setTimeout(() => {
        objects = objects.filter((o) => o !== obj);
        const event = `${JSON.stringify({ type: 'DELETED', object: toJson(obj, apiVersion) })}\n`;
        deletedLog.push(event);
        for (const w of watchers) w.write(event);
      }, 100);
    } else {
      objects = objects.filter((o) => o !== obj);
    }
    return send(200, { kind: 'Status', status: 'Success' });
  }
  send(405, { kind: 'Status', code: 405 });
}

let server: Server;
let kc: k8s.KubeConfig;
let kubeconfigFile: string;

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    // Plain HTTP is only accepted with skipTLSVerify.
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'u' }],
    currentContext: 'fake',
  });
  kubeconfigFile = join(mkdtempSync(join(tmpdir(), 'mc-cleanup-')), 'kubeconfig');
  writeFileSync(kubeconfigFile, kc.exportConfig());
});

afterAll(async () => {
  for (const w of watchers) w.end();
  await new Promise((r) => server.close(r));
});

const OWNED = 'multus-conformance.io/owned';
const RUN = 'multus-conformance.io/run-id';

beforeEach(() => {
  deletes.length = 0;
  deletedLog.length = 0;
  objects = [
    { kind: 'Namespace', name: 'mc-run1-macvlan', labels: { [OWNED]: 'true', [RUN]: 'run1' } },
    { kind: 'Namespace', name: 'mc-run2-ipvlan', labels: { [OWNED]: 'true', [RUN]: 'run2' } },
    // Carries a run id but is not owned: somebody else's namespace, kept.
    { kind: 'Namespace', name: 'team-a', labels: { [RUN]: 'run1' } },
    { kind: 'Namespace', name: 'kube-system', labels: {} },
    // Never deleted, whatever its labels.
    { kind: 'Node', name: 'worker-1', labels: { [RUN]: 'run1' } },
    { kind: 'ClusterRole', name: 'mc-run1-probe', labels: { [RUN]: 'run1' } },
    { kind: 'ClusterRole', name: 'mc-run2-probe', labels: { [RUN]: 'run2' } },
    { kind: 'ClusterRole', name: 'admin', labels: {} },
    { kind: 'PersistentVolume', name: 'pv-run2', labels: { [RUN]: 'run2' } },
  ];
});

describe('cleanup sweep', () => {
  it('deletes every run-owned namespace and run-labelled cluster object, nothing else', async () => {
    const r = await sweep(kc, undefined);
    expect(r.namespaces.sort()).toEqual(['mc-run1-macvlan', 'mc-run2-ipvlan']);
    expect(deletes.sort()).toEqual([
      'ClusterRole/mc-run1-probe',
      'ClusterRole/mc-run2-probe',
      'Namespace/mc-run1-macvlan',
      'Namespace/mc-run2-ipvlan',
      'PersistentVolume/pv-run2',
    ]);
    expect(r.deleted).toContain('clusterroles.rbac.authorization.k8s.io/mc-run1-probe');
    expect(r.deleted).toContain('persistentvolumes/pv-run2');
  });

  it('with a run id, only that run', async () => {
    await sweep(kc, 'run1');
    expect(deletes.sort()).toEqual(['ClusterRole/mc-run1-probe', 'Namespace/mc-run1-macvlan']);
  });

  it('deletes nothing when nothing is left over', async () => {
    const r = await sweep(kc, 'run9');
    expect(r.deleted).toEqual([]);
    expect(deletes).toEqual([]);
  });

  it('waits, by watch, until the namespaces are gone', async () => {
    const r = await sweep(kc, undefined);
    const started = Date.now();
    expect(await waitForNamespacesGone(kc, r.namespaces, namespaceSelector(undefined), 5_000)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('reports what is still there when the time is up', async () => {
    objects.push({ kind: 'Namespace', name: 'mc-run3-stuck', labels: { [OWNED]: 'true', [RUN]: 'run3' } });
    expect(await waitForNamespacesGone(kc, ['mc-run3-stuck'], namespaceSelector('run3'), 300)).toEqual(['mc-run3-stuck']);
  });
});

describe('cleanup command', () => {
  it('prints what it deleted, waits for the namespaces, exits 0', async () => {
    const bin = join(import.meta.dirname, '../../bin/multus-conformance.js');
    const r = await execa('node', [bin, 'cleanup', '--kubeconfig', kubeconfigFile, '--run-id', 'run2'], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').sort()).toEqual([
      '1 namespace(s) gone',
      'clusterroles.rbac.authorization.k8s.io/mc-run2-probe deleted',
      'namespace/mc-run2-ipvlan deleted',
      'persistentvolumes/pv-run2 deleted',
    ]);
    expect(r.exitCode).toBe(0);
  }, 30_000);

  it('exits 2 with one line when the API server refuses', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'mc-cleanup-')), 'kubeconfig');
    writeFileSync(bad, kc.exportConfig().replace(/http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:9'));
    const bin = join(import.meta.dirname, '../../bin/multus-conformance.js');
    const r = await execa('node', [bin, 'cleanup', '--kubeconfig', bad], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^multus-conformance: list namespaces: [^\n]+$/);
  }, 30_000);
});
