import { describe, expect, it } from 'vitest';
import { assertPingReplied, assertReachedBy } from '../../helpers/assert/traffic.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';

// busybox ping from a testbed pod over its macvlan (test/payloads/README.md).
const replies = { ok: true, output: payload('ping/replies.txt') };
const noReplies = { ok: false, output: payload('ping/no-replies.txt') };
const PEER = 'mc-unit/ping-b';

describe('assertPingReplied', () => {
  it('passes on the recorded replies', () => {
    expect(() => assertPingReplied(POD, 'net1', { name: PEER, address: '192.168.1.1' }, replies)).not.toThrow();
  });

  it('fails naming both pods, the interface and ping\'s statistics', () => {
    const f = expectFailure(() => assertPingReplied(POD, 'net1', { name: PEER, address: '192.168.1.98' }, noReplies), {
      iface: 'net1',
      expected: 'replies',
      actual: '3 packets transmitted, 0 packets received, 100% packet loss',
    });
    expect(f.message).toContain(`ping ${PEER} at 192.168.1.98 over net1`);
    expect(f.message).toContain(`pod ${POD}`);
  });

  it('fails with "no output" when ping printed nothing (exec failed)', () => {
    expectFailure(() => assertPingReplied(POD, 'net1', { name: PEER, address: '192.168.1.98' }, { ok: false, output: '' }), {
      iface: 'net1',
      expected: 'replies',
      actual: 'no output',
    });
  });
});

describe('assertReachedBy', () => {
  it('passes on the recorded replies', () => {
    expect(() => assertReachedBy(POD, 'net1', '192.168.1.251', 'netns mc-ext', replies)).not.toThrow();
  });
  it('fails naming the pod, its interface and the external host', () => {
    const f = expectFailure(() => assertReachedBy(POD, 'net1', '192.168.1.251', 'netns mc-ext', noReplies), {
      iface: 'net1',
      expected: 'replies',
      actual: '100% packet loss',
    });
    expect(f.mismatch.check).toBe(`netns mc-ext pings ${POD} at 192.168.1.251 (net1)`);
  });
});
