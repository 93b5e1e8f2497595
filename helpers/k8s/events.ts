import * as k8s from '@kubernetes/client-node';

export interface PodEvent {
  reason: string;
  type: string;
  message: string;
  count: number;
  lastSeen: string;
}

/** Events about one object, oldest first. */
export async function eventsFor(kc: k8s.KubeConfig, namespace: string, name: string): Promise<PodEvent[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items
    .map((e) => ({
      reason: e.reason ?? '',
      type: e.type ?? '',
      message: (e.message ?? '').trim(),
      count: e.count ?? 1,
      lastSeen: timeOf(e),
    }))
    .sort((a, b) => a.lastSeen.localeCompare(b.lastSeen));
}

function timeOf(e: k8s.CoreV1Event): string {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  return t ? new Date(t).toISOString() : '';
}

export function formatEvents(events: PodEvent[]): string {
  if (events.length === 0) return '(no events)';
  return events.map((e) => `${e.lastSeen} ${e.type} ${e.reason}: ${e.message}${e.count > 1 ? ` (x${e.count})` : ''}`).join('\n');
}
