import type * as k8s from '@kubernetes/client-node';
import type { PodEvent } from '../../helpers/k8s/events.ts';
import { payload } from './recorded.ts';

interface RecordedEvent {
  object: string;
  type: string;
  reason: string;
  count: number;
  message: string;
}

/** The events recorded for one pod (test/payloads/events/README.md), oldest first. */
export function recordedEvents(file: string, object?: string): PodEvent[] {
  const all = JSON.parse(payload(`events/${file}.json`)) as RecordedEvent[];
  return all
    .filter((e) => object === undefined || e.object === object)
    .map((e) => ({ reason: e.reason, type: e.type, message: e.message, count: e.count, lastSeen: '' }));
}

/** The message of the first event with this reason. */
export function recordedMessage(file: string, reason: string, object?: string): string {
  const e = recordedEvents(file, object).find((x) => x.reason === reason);
  if (!e) throw new Error(`no ${reason} event in events/${file}.json${object ? ` for ${object}` : ''}`);
  return e.message;
}

/** A pod object recorded on the testbed (test/payloads/pods/). */
export function recordedPod(name: string): k8s.V1Pod {
  return JSON.parse(payload(`pods/${name}.json`)) as k8s.V1Pod;
}
