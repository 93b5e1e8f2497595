import { describe, expect, it } from 'vitest';
import { UsageError } from '../../helpers/errors.ts';
import { parseCanaryRecord } from '../../helpers/upgrade/canary-record.ts';
import { clone, payload } from './recorded.ts';

const WHERE = 'ConfigMap mc-upgrade-t-canaries/upgrade-canary-record';
// The record `upgrade prepare` wrote on the testbed (test/payloads/README.md, "Upgrade canaries").
const text = payload('upgrade/canary-record.json');
const recorded = JSON.parse(text) as Record<string, unknown> & { canaries: Record<string, unknown>[] };

describe('parseCanaryRecord', () => {
  it('reads the recorded record: two canaries with net1, addresses, MAC, status and targets', () => {
    const r = parseCanaryRecord(text, WHERE);
    expect(r.canaries).toHaveLength(2);
    for (const c of r.canaries) {
      expect(c.iface).toBe('net1');
      expect(c.addresses[0]).toMatch(/^192\.168\.1\.\d+$/);
      expect(c.status.find((e) => e.interface === 'net1')?.mac).toBe(c.mac);
      expect(c.targets).toContain('192.168.1.1');
    }
  });

  const bad: [string, (r: typeof recorded) => unknown, RegExp][] = [
    ['no canaries', (r) => ({ ...r, canaries: [] }), /canary record canaries: /],
    ['a canary without addresses', (r) => ({ ...r, canaries: [{ ...r.canaries[0], addresses: [] }] }), /canary record canaries\[0\]\.addresses: /],
    ['a canary without its UID', (r) => ({ ...r, canaries: [{ ...r.canaries[0], uid: undefined }] }), /canary record canaries\[0\]\.uid: /],
    ['a status entry with a bad MAC', (r) => {
      const c = clone(r.canaries[0]!) as { status: { mac?: string }[] };
      c.status[1]!.mac = 'not-a-mac';
      return { ...r, canaries: [c] };
    }, /canaries\[0\]\.status\[1\]\.mac: /],
    ['another version', (r) => ({ ...r, version: 2 }), /canary record version: /],
    ['an unknown key', (r) => ({ ...r, extra: true }), /canary record : .*extra|Unrecognized key.*extra/],
  ];
  for (const [what, mutate, message] of bad) {
    it(`refuses ${what}, naming the ConfigMap and the field`, () => {
      const t = JSON.stringify(mutate(clone(recorded)));
      expect(() => parseCanaryRecord(t, WHERE)).toThrow(UsageError);
      expect(() => parseCanaryRecord(t, WHERE)).toThrow(message);
      expect(() => parseCanaryRecord(t, WHERE)).toThrow(WHERE);
    });
  }

  it('refuses a missing or non-JSON record with one line', () => {
    expect(() => parseCanaryRecord(undefined, WHERE)).toThrow(/no canary record \(was `upgrade prepare` run with this --canary-id\?\)/);
    expect(() => parseCanaryRecord('{"version":', WHERE)).toThrow(/the canary record is not JSON/);
  });
});
