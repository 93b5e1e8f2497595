import { describe, expect, it } from 'vitest';
import { parseTuningProbe, parseVlanProbe } from '../../helpers/capabilities/plugin-probes.ts';
import { payload } from './recorded.ts';

// The plugins scenarios' node probes (test/payloads/plugins/, recorded on the
// testbed node): a kernel answer is a verdict, anything else a failed probe.
describe('parseVlanProbe', () => {
  it("reads this kernel's answer as no 802.1q", () => {
    expect(parseVlanProbe(0, payload('plugins/vlan-probe.txt'))).toEqual({ status: 'unsupported', answer: 'Error: Unknown device type.' });
  });
  it("reads busybox ip's answer the same way", () => {
    expect(parseVlanProbe(0, payload('plugins/vlan-probe.busybox.txt'))).toEqual({ status: 'unsupported', answer: 'ip: RTNETLINK answers: Operation not supported' });
  });
  it('reads rc 0 as supported', () => {
    expect(parseVlanProbe(0, '== vlan\n$ ip link add link mcvl-p0 name mcvl-v type vlan id 42\nrc 0\n')).toEqual({ status: 'supported' });
  });
  it.each([
    ['a permission problem', 0, '== vlan\n$ ip link add link mcvl-p0 name mcvl-v type vlan id 42\nRTNETLINK answers: Operation not permitted\nrc 2\n', /Operation not permitted/],
    ['no private namespace (exit 3)', 3, 'not a private network namespace: refusing to create links', /exited 3: not a private network namespace/],
    ['unshare missing', 127, 'sh: unshare: not found', /exited 127/],
    ['no exit code line', 0, '== vlan\n$ ip link add link mcvl-p0 name mcvl-v type vlan id 42\n', /no command and exit code/],
    ['no output at all', undefined, '', /no status\) with no output/],
  ])('fails the probe on %s, never a skip', (_name, code, output, problem) => {
    const v = parseVlanProbe(code, output);
    expect(v.status).toBe('failed');
    expect(v.status === 'failed' && v.problem).toMatch(problem);
  });
});

describe('parseTuningProbe', () => {
  it('reads the testbed tuning (1.1.1) as without an allowlist, with its version line', () => {
    expect(parseTuningProbe(0, payload('plugins/tuning-probe.txt'))).toEqual({ allowlist: false, version: 'CNI tuning plugin version unknown' });
  });
  it('reads a binary holding allowlist.conf as with one', () => {
    expect(parseTuningProbe(0, '== version\nCNI tuning plugin version v1.4.0\n== allowlist\nyes\n')).toEqual({ allowlist: true, version: 'CNI tuning plugin version v1.4.0' });
  });
  it.each([
    ['a missing binary', 3, 'no /host/cni-bin/tuning'],
    ['an unreadable binary', 3, '== version\n(no output)\n== allowlist\nunreadable'],
    ['cut-off output', 0, '== version\nCNI tuning plugin version unknown\n'],
  ])('fails on %s', (_name, code, output) => {
    expect(parseTuningProbe(code, output)).toHaveProperty('problem');
  });
});
