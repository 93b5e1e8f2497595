import { describe, expect, it } from 'vitest';
import { assertNadPresent } from '../../helpers/assert/nad-present.ts';
import { POD, expectFailure } from './expect-failure.ts';

describe('assertNadPresent', () => {
  it('passes when the NAD is there', () => {
    expect(() => assertNadPresent(POD, { nad: 'default/macvlan-conf', ifaces: ['net1'] }, true)).not.toThrow();
  });

  it('fails on a NAD that is gone, naming the pod, its interfaces, the NAD and "not found"', () => {
    const f = expectFailure(() => assertNadPresent(POD, { nad: 'default/macvlan-conf', ifaces: ['net1', 'net2'] }, false), {
      iface: 'net1, net2',
      expected: 'NAD default/macvlan-conf',
      actual: 'not found',
    });
    expect(f.mismatch.check).toBe('NetworkAttachmentDefinition the pod uses exists');
  });

  it('without interfaces, names the pod and the NAD only', () => {
    const f = expectFailure(() => assertNadPresent(POD, { nad: 'other/gone', ifaces: [] }, false), { expected: 'NAD other/gone', actual: 'not found' });
    expect(f.mismatch.iface).toBeUndefined();
  });
});
