import { describe, expect, it } from 'vitest';
import { assertCniArgsMtu } from '../../helpers/assert/cni-args.ts';
import { assertInterfacePresent } from '../../helpers/assert/interfaces.ts';
import { parseNetworkSelection } from '../../helpers/parse/network-selection.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { payload } from './recorded.ts';
import { jsonForm, twice } from './recorded-pods.ts';

describe('assertCniArgsMtu on pods recorded on the testbed', () => {
  const mcjson0 = assertInterfacePresent(POD, jsonForm.live, 'mcjson0');

  it('the recorded pod asked for MTU 1280 only in cni-args', () => {
    const [sel] = parseNetworkSelection(payload('json-form/networks-annotation.json'));
    expect(sel?.cniArgs).toEqual({ mtu: 1280 });
  });

  it('passes: tuning applied args.cni.mtu', () => {
    expect(() => assertCniArgsMtu(POD, mcjson0, 1280)).not.toThrow();
  });

  it('fails on an interface that kept the master\'s MTU (cni-args dropped)', () => {
    expectFailure(() => assertCniArgsMtu(POD, assertInterfacePresent(POD, twice.live, 'net1'), 1280), {
      iface: 'net1',
      expected: 'MTU 1280 (passed only in cni-args)',
      actual: 'MTU 1500',
    });
  });
});
