import { describe, expect, it } from 'vitest';
import { describeErrors, networkErrors, occurrences, type EventLike } from '../../helpers/scale/network-errors.ts';
import { payload } from './recorded.ts';

interface Recorded {
  object: string;
  type: string;
  reason: string;
  count: number;
  message: string;
}

/** Recorded events (test/payloads/events/) in the shape the API lists them. */
function events(file: string): EventLike[] {
  return (JSON.parse(payload(`events/${file}.json`)) as Recorded[]).map((e) => ({
    type: e.type,
    reason: e.reason,
    message: e.message,
    count: e.count,
    involvedObject: { kind: 'Pod', name: e.object },
  }));
}

describe('networkErrors', () => {
  it('counts host-local running out of addresses as an IPAM error (recorded: negative/ipam-exhausted)', () => {
    const { ipam, other } = networkErrors(events('negative-ipam-exhausted'));
    expect(ipam.length).toBeGreaterThan(0);
    expect(other).toEqual([]);
    expect(ipam[0]).toMatchObject({ pod: 'small-c', reason: 'FailedCreatePodSandBox' });
    expect(ipam[0]!.error).toBe('failed to allocate for range 0: no IP addresses available in range set: 192.168.1.230-192.168.1.231');
  });

  it('counts other network failures apart (recorded: a broken config, a missing master, a missing plugin)', () => {
    const { ipam, other } = networkErrors(events('other-causes'));
    expect(ipam).toEqual([]);
    expect(other.map((e) => e.error)).toEqual(
      expect.arrayContaining(['Link not found', 'failed to find plugin "mc-no-such-plugin" in path [/opt/cni/bin /opt/cni/bin]']),
    );
  });

  it('ignores events that are no network failure, and failures of objects other than pods', () => {
    expect(networkErrors([{ type: 'Normal', reason: 'AddedInterface', message: 'Add net1 [192.168.4.10/22] from ns/scale-a', involvedObject: { kind: 'Pod', name: 'p' } }])).toEqual({ ipam: [], other: [] });
    expect(networkErrors([{ type: 'Warning', reason: 'FailedCreatePodSandBox', message: 'no IP addresses available', involvedObject: { kind: 'Node', name: 'n' } }])).toEqual({ ipam: [], other: [] });
  });

  it('counts repeats and describes the distinct errors in one line', () => {
    const { ipam } = networkErrors(events('negative-ipam-exhausted'));
    const total = ipam.reduce((n, e) => n + e.count, 0);
    expect(occurrences(ipam)).toBe(total);
    expect(describeErrors('IPAM errors', ipam)).toBe(
      `IPAM errors: ${total} on 1 pod(s): small-c: failed to allocate for range 0: no IP addresses available in range set: 192.168.1.230-192.168.1.231`,
    );
    expect(describeErrors('IPAM errors', [])).toBe('IPAM errors: none');
  });
});
