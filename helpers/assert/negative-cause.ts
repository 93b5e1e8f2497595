import { parseCidr } from '../parse/ip-address.ts';

/**
 * One matcher per cause a negative scenario provokes. Each looks at the error
 * part of a failure event only (see event-error.ts) and asks for the words
 * that cause produces together with the value the pod asked for, so an
 * unrelated failure (a missing plugin, a missing master, a broken NAD) never
 * passes for the provoked one. The wordings are those of Multus v3/v4, the
 * CNI library and the reference IPAM plugins; each is tested on an event
 * recorded on the testbed (test/payloads/events/).
 */

export interface CauseMatcher {
  /** The cause, as a failure message names it: `invalid MAC "02:23:45:67:89"`. */
  cause: string;
  /** What the error part must say, for the failure message. */
  expected: string;
  matches(error: string): boolean;
}

const JSON_SYNTAX = /unexpected end of JSON input|invalid character '|cannot unmarshal|unexpected EOF|looking for beginning of value/;

function quoted(s: string): string {
  return JSON.stringify(s);
}

/** The NAD the pod names does not exist (Multus: NoNetworkFound). */
export function missingNad(name: string, namespace?: string): CauseMatcher {
  return {
    cause: `missing NetworkAttachmentDefinition ${namespace ? `${namespace}/` : ''}${name}`,
    expected: `"cannot find a network-attachment-definition (${name})${namespace ? ` in namespace (${namespace})` : ''}" or the API's "${name}" not found`,
    matches: (error) => {
      const m = /cannot find a network-attachment-definition \(([^)]*)\) in namespace \(([^)]*)\)/.exec(error);
      if (m) return m[1] === name && (namespace === undefined || m[2] === namespace);
      const api = /network-attachment-definitions?(?:\.k8s\.cni\.cncf\.io)? "([^"]*)" not found/.exec(error);
      return api !== null && api[1] === name;
    },
  };
}

/**
 * The selection annotation is not valid JSON. Needs both the annotation and
 * a JSON syntax error: a NAD whose own config is broken fails with the same
 * "unexpected end of JSON input", about Spec.Config.
 */
export function malformedSelectionJson(): CauseMatcher {
  return {
    cause: 'malformed JSON in the networks annotation',
    expected: 'an error about the selection annotation\'s JSON (e.g. "Selection Annotation JSON format: unexpected end of JSON input")',
    matches: (error) => /annotation/i.test(error) && !/Spec\.Config/.test(error) && JSON_SYNTAX.test(error),
  };
}

/** An `ips` entry that is not an address (Multus validates before any plugin runs). */
export function invalidIp(value: string): CauseMatcher {
  return {
    cause: `invalid IP ${quoted(value)}`,
    expected: `an error rejecting ${quoted(value)} as an IP address or CIDR`,
    matches: (error) =>
      error.includes(value) && /invalid CIDR address|invalid IP|failed to parse (?:CIDR|IP)|not in CIDR notation/i.test(error),
  };
}

/** A `mac` that is not 6 bytes (Go's net.ParseMAC: "address X: invalid MAC address"). */
export function invalidMac(value: string): CauseMatcher {
  return {
    cause: `invalid MAC ${quoted(value)}`,
    expected: `an error rejecting ${quoted(value)} as a MAC address ("invalid MAC address")`,
    matches: (error) => error.toLowerCase().includes(value.toLowerCase()) && /invalid MAC address|for MAC addr/i.test(error),
  };
}

/**
 * A requested interface name over 15 characters. The CNI library's own
 * wording does not repeat the name; when an error does name one, it must
 * be the requested one.
 */
export function interfaceNameTooLong(name: string): CauseMatcher {
  return {
    cause: `interface name ${quoted(name)} over 15 characters`,
    expected: `an error saying the interface name ${quoted(name)} is too long`,
    matches: (error) => {
      const m = /interface name (?:"?([^\s";]+)"? )?is too long/i.exec(error);
      if (m) return m[1] === undefined || m[1] === name;
      return /interface name should be (?:less|shorter) than 16 characters/i.test(error);
    },
  };
}

/** Two elements asked for the same interface name. */
export function duplicateInterfaceName(name: string): CauseMatcher {
  return {
    cause: `interface name ${quoted(name)} requested twice`,
    expected: `an error saying interface ${quoted(name)} already exists`,
    matches: (error) => {
      const m = /interface (?:name )?"?([^\s"]+)"? already exists/i.exec(error);
      return m !== null && m[1] === name;
    },
  };
}

/** default-route on two elements (Multus has no ECMP). */
export function twoDefaultRoutes(): CauseMatcher {
  return {
    cause: 'default-route on two networks',
    expected: 'an error rejecting a second default route ("does not support ECMP for default-route")',
    matches: (error) => /does not support ECMP for default-route|default-route.*(?:more than one|multiple|only one)/i.test(error),
  };
}

/**
 * The IPAM range has no free address. With the range's bounds, host-local's
 * message must name that very range (another NAD's full range is not ours).
 */
export function ipamExhausted(range?: { start: string; end: string }): CauseMatcher {
  const span = range ? `${range.start}-${range.end}` : undefined;
  return {
    cause: span ? `IPAM range ${span} exhausted` : 'IPAM range exhausted',
    expected: `an error saying no address is left${span ? ` in ${span}` : ''} ("no IP addresses available in range set")`,
    matches: (error) => {
      if (/could not allocate IP in range/i.test(error)) return true; // whereabouts
      const m = /no IP addresses available in range set: (\S+)/i.exec(error);
      return m !== null && (span === undefined || m[1]!.split(',').includes(span));
    },
  };
}

/**
 * whereabouts found no free address in the range: its message names the
 * range (`Could not allocate IP in range: ip: <first> / - <last> / range:
 * <cidr> / …`), which must be the NAD's, so another full range is not ours.
 */
export function whereaboutsExhausted(range: string): CauseMatcher {
  const want = parseCidr(range)?.text ?? range;
  return {
    cause: `whereabouts range ${want} exhausted`,
    expected: `whereabouts' "Could not allocate IP in range" naming range ${want}`,
    matches: (error) => {
      const m = /could not allocate IP in range: ip: \S+ \/ - \S+ \/ range: (\S+)/i.exec(error);
      return m !== null && (parseCidr(m[1]!)?.text ?? m[1]) === want;
    },
  };
}
