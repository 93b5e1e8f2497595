import { describe, expect, it } from 'vitest';
import { assertCanaryAttached, assertCanaryKept, assertProbeWithinGap, type RecordedAttachment } from '../../helpers/assert/upgrade-canaries.ts';
import { parseIpJsonAddr } from '../../helpers/parse/ip-output.ts';
import { parseNetworkStatus } from '../../helpers/parse/network-status.ts';
import { lossWindows, parseProbeLog, type LossWindow } from '../../helpers/upgrade/probe-log.ts';
import { expectFailure } from './expect-failure.ts';
import { clone, payload } from './recorded.ts';

// A canary on the testbed: its network-status and `ip -j -d addr` inside it
// (test/payloads/README.md, "Upgrade canaries").
const POD = 'mc-upgrade-t-canaries/canary-a';
const status = parseNetworkStatus(payload('upgrade/canary-status.json'), POD);
const live = parseIpJsonAddr(payload('upgrade/canary-ip-j-d-addr.json'));
const net1 = live.find((i) => i.name === 'net1')!;
const v4 = net1.addresses.filter((a) => a.family === 'inet').map((a) => a.address);
const recorded: RecordedAttachment = { iface: 'net1', addresses: v4, mac: net1.mac!, entry: status.find((e) => e.interface === 'net1') };

describe('assertCanaryKept', () => {
  it('passes on the recorded canary against itself', () => {
    expect(() => assertCanaryKept(POD, recorded, status, live)).not.toThrow();
  });

  it('fails when net1 is gone inside the pod (#1387, #1527)', () => {
    expectFailure(() => assertCanaryKept(POD, recorded, status, live.filter((i) => i.name !== 'net1')), {
      iface: 'net1',
      expected: `net1 with ${v4[0]}, MAC ${net1.mac}`,
      actual: 'no net1 (interfaces: lo, eth0)',
    }, POD);
  });

  it('fails on a new address or MAC on net1', () => {
    const moved = clone(live);
    const link = moved.find((i) => i.name === 'net1')!;
    link.addresses = link.addresses.map((a) => (a.family === 'inet' ? { ...a, address: '192.168.1.199' } : a));
    expectFailure(() => assertCanaryKept(POD, recorded, status, moved), { iface: 'net1', expected: `${v4[0]}, MAC ${net1.mac}`, actual: `192.168.1.199, MAC ${net1.mac}` }, POD);
    const remac = clone(live);
    remac.find((i) => i.name === 'net1')!.mac = '02:00:00:00:00:01';
    expectFailure(() => assertCanaryKept(POD, recorded, status, remac), { iface: 'net1', expected: `MAC ${net1.mac}`, actual: 'MAC 02:00:00:00:00:01' }, POD);
  });

  it('fails when the status entry changed or is gone', () => {
    const changed = clone(status);
    changed.find((e) => e.interface === 'net1')!.ips = ['192.168.1.198'];
    expectFailure(() => assertCanaryKept(POD, recorded, changed, live), { iface: 'net1', expected: `IPs ${v4[0]}`, actual: 'IPs 192.168.1.198' }, POD);
    expectFailure(() => assertCanaryKept(POD, recorded, status.filter((e) => e.interface !== 'net1'), live), { iface: 'net1', expected: 'macvlan-conf', actual: 'no entry' }, POD);
  });
});

describe('assertCanaryAttached', () => {
  it('passes on the recorded canary', () => {
    expect(() => assertCanaryAttached(POD, 'net1', 'macvlan-conf', status, live)).not.toThrow();
  });

  it('fails on a pod Running with only its primary network', () => {
    expectFailure(() => assertCanaryAttached(POD, 'net1', 'macvlan-conf', status, live.filter((i) => i.name !== 'net1')), {
      iface: 'net1',
      expected: 'net1 from NAD macvlan-conf with an IPv4 address',
      actual: 'Running with only lo, eth0',
    }, POD);
  });

  it('fails when network-status does not announce net1, or names another network', () => {
    expectFailure(() => assertCanaryAttached(POD, 'net1', 'macvlan-conf', status.filter((e) => e.interface !== 'net1'), live), {
      iface: 'net1',
      expected: 'an entry for macvlan-conf on net1',
      actual: 'no entry for net1 (entries: eth0)',
    }, POD);
    const other = clone(status);
    other.find((e) => e.interface === 'net1')!.name = 'mc-upgrade-t-canaries/other-net';
    expectFailure(() => assertCanaryAttached(POD, 'net1', 'macvlan-conf', other, live), { iface: 'net1', expected: 'macvlan-conf', actual: 'entry for mc-upgrade-t-canaries/other-net' }, POD);
  });

  it('fails when network-status and the live interface disagree', () => {
    const wrong = clone(status);
    wrong.find((e) => e.interface === 'net1')!.ips = ['192.168.1.197'];
    expectFailure(() => assertCanaryAttached(POD, 'net1', 'macvlan-conf', wrong, live), { iface: 'net1', expected: '192.168.1.197', actual: v4[0]! }, POD);
  });
});

describe('assertProbeWithinGap', () => {
  const windows = lossWindows(parseProbeLog(payload('upgrade/canary-probe.log'), POD));
  const targets = windows.map((w) => w.target);

  it('passes on the recorded probe (nothing lost)', () => {
    expect(() => assertProbeWithinGap(POD, 'net1', targets, windows, 0)).not.toThrow();
  });

  it('fails when the probe never reached a target it was given (a probe that did not run is not "nothing lost")', () => {
    expectFailure(() => assertProbeWithinGap(POD, 'net1', [...targets, '192.168.1.150'], windows, 5), {
      iface: 'net1',
      expected: 'attempts to',
      actual: 'none to 192.168.1.150',
    }, POD);
  });

  it('fails on a gap longer than allowed, naming the target and the figures', () => {
    const lossy: LossWindow[] = windows.map((w, i) => (i === 0 ? { ...w, lost: 7, longestGapSeconds: 7 } : w));
    const f = expectFailure(() => assertProbeWithinGap(POD, 'net1', targets, lossy, 5), { iface: 'net1', expected: 'longest gap ≤ 5s', actual: `7s (7 of ${windows[0]!.attempts} lost)` }, POD);
    expect(f.mismatch.check).toContain(windows[0]!.target);
  });
});
