import { describe, expect, it } from 'vitest';
import { isTransientApiError, parseEventError } from '../../helpers/assert/event-error.ts';
import { invalidMac, interfaceNameTooLong, missingNad } from '../../helpers/assert/negative-cause.ts';
import { failureErrors, judgeExpectedFailure, judgeHold, podHasRun, stuckDeletion, type ExpectedFailure } from '../../helpers/assert/pod-failure.ts';
import { ConformanceFailure } from '../../helpers/errors.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { recordedEvents, recordedMessage, recordedPod } from './recorded-events.ts';

const pending = recordedPod('pending-sandbox-failed');
const running = recordedPod('running');
const terminating = recordedPod('pending-terminating');

const badMac: ExpectedFailure = { pod: POD, iface: 'net1', cause: invalidMac('02:23:45:67:89') };
const badMacEvents = recordedEvents('negative-bad-mac');
const badIpEvents = recordedEvents('negative-bad-ip');
const noPluginEvents = recordedEvents('other-causes', 'no-such-plugin');

function violation(v: ReturnType<typeof judgeExpectedFailure>): () => never {
  return () => {
    if (v.kind !== 'violation') throw new Error(`expected a violation, got ${v.kind}`);
    throw v.failure;
  };
}

describe('podHasRun on recorded pods', () => {
  it.each([
    ['a pod whose sandbox fails (Pending, ContainerCreating)', pending, false],
    ['a failed pod being deleted', terminating, false],
    ['a running pod', running, true],
  ])('%s', (_name, pod, ran) => {
    expect(podHasRun(pod)).toBe(ran);
  });
});

describe('judgeExpectedFailure', () => {
  it('waits while no failure event has come (only Scheduled)', () => {
    const v = judgeExpectedFailure(badMac, pending, badMacEvents.filter((e) => e.reason === 'Scheduled'));
    expect(v.kind).toBe('waiting');
    expect(v.kind === 'waiting' && v.state).toContain('failure events: 0');
  });

  it('is done when a failure event shows the provoked cause', () => {
    const v = judgeExpectedFailure(badMac, pending, badMacEvents);
    expect(v.kind).toBe('failed');
    expect(v.kind === 'failed' && v.event.error).toBe('failed to mac: address 02:23:45:67:89: invalid MAC address');
  });

  it('missing NAD: either of its two events will do', () => {
    const want: ExpectedFailure = { pod: POD, iface: 'net1', cause: missingNad('mc-no-such-network') };
    for (const reason of ['NoNetworkFound', 'FailedCreatePodSandBox']) {
      const v = judgeExpectedFailure(want, pending, recordedEvents('negative-missing-nad').filter((e) => e.reason === reason || e.reason === 'Scheduled'));
      expect(v.kind, reason).toBe('failed');
    }
  });

  it('fails when the pod failed for another cause (bad-mac expected, bad-ip happened)', () => {
    expectFailure(violation(judgeExpectedFailure(badMac, pending, badIpEvents)), {
      iface: 'net1',
      expected: 'rejecting "02:23:45:67:89" as a MAC address',
      actual: 'FailedCreatePodSandBox: failed to parse CIDR "10.1.2.300/24": invalid CIDR address',
    });
  });

  it('fails when the pod failed because a plugin is missing', () => {
    const f = expectFailure(violation(judgeExpectedFailure(badMac, pending, noPluginEvents)), {
      iface: 'net1',
      expected: 'invalid MAC address',
      actual: 'failed to find plugin "mc-no-such-plugin"',
    });
    expect(f.mismatch.check).toContain('failure cause (invalid MAC "02:23:45:67:89")');
    // Repeated identical errors are listed once.
    expect(f.mismatch.actual.split(' | ')).toHaveLength(1);
  });

  it('fails when the pod runs, even after the right failure event', () => {
    const f = expectFailure(violation(judgeExpectedFailure(badMac, running, badMacEvents)), {
      iface: 'net1',
      expected: 'never Running',
      actual: 'phase Running',
    });
    expect(f.mismatch.actual).toContain('invalid MAC address');
  });

  it('fails when the pod runs without any failure event', () => {
    expectFailure(violation(judgeExpectedFailure(badMac, running, [])), { iface: 'net1', expected: 'never Running', actual: 'no failure events' });
  });

  describe('a transient API error (Multus\' pod lookup timed out on a loaded kind cluster, recorded)', () => {
    const timeout = recordedEvents('transient-api-timeout');

    it('is recognised from the recorded event, and a real cause is not', () => {
      expect(failureErrors(timeout).map(isTransientApiError)).toEqual([true]);
      expect(failureErrors(badMacEvents).map(isTransientApiError)).not.toContain(true);
      expect(failureErrors(noPluginEvents).map(isTransientApiError)).not.toContain(true);
    });

    it('alone: keeps waiting (the kubelet retries), saying so in the state', () => {
      const v = judgeExpectedFailure(badMac, pending, timeout);
      expect(v.kind).toBe('waiting');
      expect(v.kind === 'waiting' && v.state).toMatch(/failure events: 0 \(and 1 transient API error\(s\): FailedCreatePodSandBox: error waiting for pod: .*context deadline exceeded\)/);
      // Counted, so the wait grants one more window (helpers/scenario/env.ts).
      expect(v.kind === 'waiting' && v.transient).toBe(1);
      const none = judgeExpectedFailure(badMac, pending, []);
      expect(none.kind === 'waiting' && none.transient).toBe(0);
    });

    it('then the provoked cause: done, on the provoked cause', () => {
      const v = judgeExpectedFailure(badMac, pending, [...timeout, ...badMacEvents]);
      expect(v.kind).toBe('failed');
      expect(v.kind === 'failed' && v.event.error).toBe('failed to mac: address 02:23:45:67:89: invalid MAC address');
    });

    it('then another cause: fails on that cause alone', () => {
      const f = expectFailure(violation(judgeExpectedFailure(badMac, pending, [...timeout, ...badIpEvents])), {
        iface: 'net1',
        expected: 'rejecting "02:23:45:67:89" as a MAC address',
        actual: 'FailedCreatePodSandBox: failed to parse CIDR "10.1.2.300/24": invalid CIDR address',
      });
      expect(f.mismatch.actual).not.toContain('error waiting for pod');
    });

    it('still fails when the pod runs', () => {
      expectFailure(violation(judgeExpectedFailure(badMac, running, timeout)), { iface: 'net1', expected: 'never Running', actual: 'phase Running' });
    });
  });

  it('reads only failure reasons: AddedInterface and Scheduled are not failures', () => {
    expect(failureErrors(recordedEvents('negative-duplicate-ifname')).map((e) => e.reason)).toEqual(['FailedCreatePodSandBox']);
  });
});

describe('judgeHold', () => {
  const failedWith = parseEventError('FailedCreatePodSandBox', recordedMessage('negative-bad-mac', 'FailedCreatePodSandBox'));

  it('holds while the pod stays down', () => {
    expect(judgeHold(badMac, pending, failedWith, 5000, 5000)).toBeUndefined();
    expect(judgeHold(badMac, terminating, failedWith, 1000, 5000)).toBeUndefined();
  });

  it('fails when the pod runs after its failure event', () => {
    const f = judgeHold(badMac, running, failedWith, 2500, 5000);
    expect(f).toBeInstanceOf(ConformanceFailure);
    expectFailure(
      () => {
        throw f;
      },
      { iface: 'net1', expected: 'not Running for 5s after "failed to mac: address 02:23:45:67:89: invalid MAC address"', actual: 'phase Running' },
    );
    expect(f!.mismatch.actual).toContain('2.5s after it');
  });
});

describe('stuckDeletion', () => {
  const longEvents = recordedEvents('negative-long-ifname', 'negative');

  it('names the pod, the attachment and the kubelet\'s last warning, as expected-local.ts pins it', () => {
    const f = stuckDeletion('mc-x-negative-long-ifname/negative', terminating, longEvents, 15_000, 'averyveryverylongname0');
    expect(f.message).toMatch(
      /pod mc-\S+\/negative: delete after a failed attachment .*expected pod gone within \d+s, got still present, Terminating.*interface name is too long/,
    );
    expect(f.message).toContain('averyveryverylongname0');
    expect(f.mismatch.actual).toContain('last warning FailedKillPod');
  });

  it('says when the pod is not even being deleted', () => {
    const f = stuckDeletion(POD, pending, [], 15_000);
    expect(f.mismatch.actual).toBe('still present, not being deleted (phase Pending, PodReadyToStartContainers=False Initialized=True Ready=False(ContainersNotReady) ContainersReady=False(ContainersNotReady) PodScheduled=True, waiting: ContainerCreating)');
  });
});
