/**
 * Masks credentials in text before it is printed or written to a report:
 * kubeconfig key/certificate data, tokens, passwords, Authorization headers,
 * PEM blocks and JWTs. Works on plain text, JSON and XML-escaped text alike.
 */
const MASK = '***';
// A quote as it appears in plain text, JSON, or escaped inside XML.
const Q = `(?:["']|&quot;|&apos;|&#39;)?`;
const SECRET_KEYS = [
  'token',
  'id-token',
  'refresh-token',
  'access-token',
  'password',
  'client-key-data',
  'client-certificate-data',
  'certificate-authority-data',
];

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g, `[redacted PEM block]`],
  [/\b(authorization\s*[:=]\s*(?:["']|&quot;)?\s*(?:bearer|basic)\s+)[^\s"'&,;)\]}<]+/gi, `$1${MASK}`],
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1${MASK}`],
  [
    new RegExp(`(${Q}\\b(?:${SECRET_KEYS.join('|')})${Q}\\s*[:=]\\s*${Q})(?!\\*\\*\\*)[^\\s"'&,;)\\]}<]+`, 'gi'),
    `$1${MASK}`,
  ],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, MASK],
];
const SECRET_KEY = new RegExp(`^(?:${SECRET_KEYS.join('|')})$`, 'i');

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

/** Redacts every string inside a JSON value (for the JSON report). */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && typeof v === 'string' ? MASK : redactDeep(v)]),
    );
  }
  return value;
}
