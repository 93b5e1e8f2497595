import { describe, expect, it } from 'vitest';
import { parseEventError } from '../../helpers/assert/event-error.ts';
import {
  duplicateInterfaceName,
  interfaceNameTooLong,
  invalidIp,
  invalidMac,
  ipamExhausted,
  malformedSelectionJson,
  missingNad,
  twoDefaultRoutes,
  type CauseMatcher,
} from '../../helpers/assert/negative-cause.ts';
import { recordedMessage } from './recorded-events.ts';

const SANDBOX = 'FailedCreatePodSandBox';

/** The error part of one recorded event (test/payloads/events/). */
function errorOf(file: string, object?: string, reason = SANDBOX): string {
  return parseEventError(reason, recordedMessage(file, reason, object)).error;
}

// Every cause recorded on the testbed, by name.
const RECORDED: Record<string, string> = {
  'missing-nad': errorOf('negative-missing-nad'),
  'missing-nad (NoNetworkFound)': errorOf('negative-missing-nad', undefined, 'NoNetworkFound'),
  'malformed-json': errorOf('negative-malformed-json'),
  'bad-ip': errorOf('negative-bad-ip'),
  'bad-mac': errorOf('negative-bad-mac'),
  'long-ifname': errorOf('negative-long-ifname', 'negative'),
  'duplicate-ifname': errorOf('negative-duplicate-ifname', 'negative'),
  'two-default-routes': errorOf('negative-two-default-routes'),
  'ipam-exhausted': errorOf('negative-ipam-exhausted', 'small-c'),
  'no such plugin': errorOf('other-causes', 'no-such-plugin'),
  'no such master': errorOf('other-causes', 'no-such-master'),
  'broken NAD config': errorOf('other-causes', 'broken-config'),
};

// The matchers as the negative scenarios build them, with the values of the recorded run.
const MATCHERS: [string, CauseMatcher, string[]][] = [
  ['missingNad', missingNad('mc-no-such-network', 'mc-84f5ac30-negative-missing-nad'), ['missing-nad', 'missing-nad (NoNetworkFound)']],
  ['malformedSelectionJson', malformedSelectionJson(), ['malformed-json']],
  ['invalidIp', invalidIp('10.1.2.300/24'), ['bad-ip']],
  ['invalidMac', invalidMac('02:23:45:67:89'), ['bad-mac']],
  ['interfaceNameTooLong', interfaceNameTooLong('averyveryverylongname0'), ['long-ifname']],
  ['duplicateInterfaceName', duplicateInterfaceName('mcdup0'), ['duplicate-ifname']],
  ['twoDefaultRoutes', twoDefaultRoutes(), ['two-default-routes']],
  ['ipamExhausted', ipamExhausted({ start: '192.168.1.230', end: '192.168.1.231' }), ['ipam-exhausted']],
];

describe('negative cause matchers on recorded event texts', () => {
  it.each(MATCHERS)('%s matches its own recorded cause', (_name, matcher, own) => {
    for (const cause of own) expect(matcher.matches(RECORDED[cause]!), cause).toBe(true);
  });

  // The specific pairs the scenarios must tell apart, then every other recorded cause.
  it.each<[string, CauseMatcher, string]>([
    ['missingNad', MATCHERS[0]![1], 'no such plugin'],
    ['malformedSelectionJson', MATCHERS[1]![1], 'broken NAD config'],
    ['invalidIp', MATCHERS[2]![1], 'bad-mac'],
    ['invalidMac', MATCHERS[3]![1], 'bad-ip'],
    ['invalidMac', MATCHERS[3]![1], 'no such plugin'],
    ['interfaceNameTooLong', MATCHERS[4]![1], 'duplicate-ifname'],
    ['duplicateInterfaceName', MATCHERS[5]![1], 'long-ifname'],
    ['twoDefaultRoutes', MATCHERS[6]![1], 'duplicate-ifname'],
    ['ipamExhausted', MATCHERS[7]![1], 'no such master'],
  ])('%s rejects the recorded "%s" text', (_name, matcher, other) => {
    expect(matcher.matches(RECORDED[other]!)).toBe(false);
  });

  it.each(MATCHERS)('%s rejects every other recorded cause', (_name, matcher, own) => {
    const others = Object.entries(RECORDED).filter(([cause]) => !own.includes(cause));
    expect(others.filter(([, error]) => matcher.matches(error)).map(([cause]) => cause)).toEqual([]);
  });

  it('needs the value the pod asked for, not just the kind of error', () => {
    expect(missingNad('other-network').matches(RECORDED['missing-nad']!)).toBe(false);
    expect(missingNad('mc-no-such-network', 'another-namespace').matches(RECORDED['missing-nad']!)).toBe(false);
    expect(invalidIp('10.1.2.301/24').matches(RECORDED['bad-ip']!)).toBe(false);
    expect(invalidMac('02:23:45:67:8a').matches(RECORDED['bad-mac']!)).toBe(false);
    expect(duplicateInterfaceName('mcdup1').matches(RECORDED['duplicate-ifname']!)).toBe(false);
    expect(ipamExhausted({ start: '192.168.1.100', end: '192.168.1.199' }).matches(RECORDED['ipam-exhausted']!)).toBe(false);
    expect(interfaceNameTooLong('averyveryverylongname0').matches('interface name anotherverylongname1 is too long')).toBe(false);
  });

  it('is meant for the error part: the wrapper of an unrelated failure names networks and plugins, never the cause', () => {
    // The whole recorded "no such plugin" message, its network renamed to carry the words the old regexes matched.
    const raw = recordedMessage('other-causes', SANDBOX, 'no-such-plugin').replaceAll('no-such-plugin', 'macvlan-static-ip-interface-name');
    const error = parseEventError(SANDBOX, raw).error;
    for (const [name, matcher] of MATCHERS) expect(matcher.matches(error), name).toBe(false);
  });

  it('each matcher says what it expected, for the failure message', () => {
    for (const [, matcher] of MATCHERS) {
      expect(matcher.cause.length).toBeGreaterThan(5);
      expect(matcher.expected.length).toBeGreaterThan(10);
    }
    expect(invalidMac('02:23:45:67:89').expected).toContain('"02:23:45:67:89"');
  });
});
