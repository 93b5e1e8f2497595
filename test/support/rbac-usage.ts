import { parseAllDocuments } from 'yaml';

/**
 * What a ClusterRole grants and what a user really did, both as
 * `group/resource[/subresource]:verb` keys ("" is the core group), so the
 * least-privilege e2e can say which grants were never used and which
 * requests were refused.
 */
export interface RbacRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

export interface AuditUse {
  key: string;
  code: number;
  /** namespace/name or the resource, for the report. */
  target: string;
}

// A websocket exec is an HTTP GET that the API server authorizes as `get`
// and, since the websocket-upgrade check, also as `create` on pods/exec:
// either in the log uses both grants.
const SAME_GRANT: Record<string, string[]> = {
  '/pods/exec:get': ['/pods/exec:create'],
  '/pods/exec:create': ['/pods/exec:get'],
};

export function grantsOf(manifest: string, clusterRole: string): Set<string> {
  const keys = new Set<string>();
  for (const doc of parseAllDocuments(manifest)) {
    const obj = doc.toJS() as { kind?: string; metadata?: { name?: string }; rules?: RbacRule[] } | null;
    if (obj?.kind !== 'ClusterRole' || obj.metadata?.name !== clusterRole) continue;
    for (const rule of obj.rules ?? []) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) for (const verb of rule.verbs ?? []) keys.add(`${group}/${resource}:${verb}`);
      }
    }
  }
  return keys;
}

interface AuditEvent {
  stage?: string;
  verb?: string;
  user?: { username?: string };
  objectRef?: { apiGroup?: string; resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

/** Resource requests of one user in an audit log (JSON lines), one entry per completed request. */
export function usesOf(auditLog: string, username: string): AuditUse[] {
  const uses: AuditUse[] = [];
  for (const line of auditLog.split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line) as AuditEvent;
    // A watch logs ResponseStarted and ResponseComplete: count it once.
    if (e.user?.username !== username || !e.objectRef?.resource || e.stage === 'ResponseStarted') continue;
    const ref = e.objectRef;
    const resource = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
    uses.push({
      key: `${ref.apiGroup ?? ''}/${resource}:${e.verb ?? ''}`,
      code: e.responseStatus?.code ?? 0,
      target: [ref.namespace, ref.name].filter(Boolean).join('/') || resource!,
    });
  }
  return uses;
}

/** Grants never exercised by an allowed request, and requests the API server refused (403). */
export function compareUsage(grants: Set<string>, uses: readonly AuditUse[]): { unused: string[]; forbidden: AuditUse[] } {
  const used = new Set<string>();
  for (const u of uses) {
    if (u.code === 403) continue;
    used.add(u.key);
    for (const alias of SAME_GRANT[u.key] ?? []) used.add(alias);
  }
  return {
    unused: [...grants].filter((g) => !used.has(g)).sort(),
    forbidden: uses.filter((u) => u.code === 403),
  };
}
