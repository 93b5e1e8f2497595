import { describe, expect, it } from 'vitest';
import { assertAttachmentKept, assertStatusKept, attachmentFacts } from '../../helpers/assert/nad-change.ts';
import { parseIpJsonAddr } from '../../helpers/parse/ip-output.ts';
import { parseNetworkStatus } from '../../helpers/parse/network-status.ts';
import { POD, expectFailure } from './expect-failure.ts';
import { clone, payload } from './recorded.ts';

// Recorded on the testbed (test/payloads/README.md, "nad-change/"): pod
// before-edit on NAD changing (192.168.8.160/27, MTU 1400), read before and
// after the NAD was replaced with 192.168.8.192/27, MTU 1280; pod after-edit
// started on the edited NAD.
function recorded(dir: string) {
  const live = parseIpJsonAddr(payload(`nad-change/${dir}/ip-j-d-addr.json`));
  return { net1: live.find((i) => i.name === 'net1')!, status: parseNetworkStatus(payload(`nad-change/${dir}/network-status.json`), POD) };
}
const before = recorded('before-edit.before');
const after = recorded('before-edit.after');
const fresh = recorded('after-edit');

describe('assertAttachmentKept on the pods recorded around a NAD edit', () => {
  it('facts: address by value, sorted, link-local left out; MTU', () => {
    expect(attachmentFacts(before.net1)).toEqual({ ips: ['192.168.8.162'], mtu: 1400 });
    expect(attachmentFacts(fresh.net1)).toEqual({ ips: ['192.168.8.194'], mtu: 1280 });
  });

  it('passes: the running pod kept its address and MTU through the edit', () => {
    expect(() => assertAttachmentKept(POD, 'net1', attachmentFacts(before.net1), attachmentFacts(after.net1))).not.toThrow();
  });

  it('fails when the running pod shows the edited config (the new pod\'s attachment)', () => {
    expectFailure(() => assertAttachmentKept(POD, 'net1', attachmentFacts(before.net1), attachmentFacts(fresh.net1)), {
      iface: 'net1',
      expected: 'addresses 192.168.8.162, MTU 1400 (as before the edit)',
      actual: 'addresses 192.168.8.194, MTU 1280',
    });
  });

  it('fails on an MTU change alone', () => {
    const changed = clone(after.net1);
    changed.mtu = 1280;
    expectFailure(() => assertAttachmentKept(POD, 'net1', attachmentFacts(before.net1), attachmentFacts(changed)), {
      iface: 'net1',
      expected: 'MTU 1400',
      actual: 'addresses 192.168.8.162, MTU 1280',
    });
  });
});

describe('assertStatusKept on the status annotations recorded around a NAD edit', () => {
  it('passes: the entry still says what it said', () => {
    expect(() => assertStatusKept(POD, 'net1', before.status, after.status)).not.toThrow();
  });

  it('fails when the entry follows the edited NAD', () => {
    expectFailure(() => assertStatusKept(POD, 'net1', before.status, fresh.status), {
      iface: 'net1',
      expected: 'mc-h-annot-rec/changing: ips 192.168.8.162, mac 7a:43:1f:fa:5f:ee (as before the edit)',
      actual: 'mc-h-annot-rec/changing: ips 192.168.8.194, mac ee:85:c7:34:e0:15',
    });
  });

  it('fails when the entry is gone', () => {
    expectFailure(() => assertStatusKept(POD, 'net1', before.status, after.status.filter((e) => e.interface !== 'net1')), {
      iface: 'net1',
      expected: 'ips 192.168.8.162',
      actual: '(no entry)',
    });
  });
});
