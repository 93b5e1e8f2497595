import { describe, expect, it } from 'vitest';
import { redact, redactDeep } from '../../helpers/report/redact.ts';

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('redact', () => {
  const cases: Array<[string, string, string]> = [
    ['kubeconfig token', '    token: abcdef0123456789', '    token: ***'],
    ['JSON token', '{"token":"abcdef0123456789","user":"me"}', '{"token":"***","user":"me"}'],
    ['Authorization header', 'Authorization: Bearer abc.def-ghi', 'Authorization: Bearer ***'],
    ['lower-case bearer in a curl line', 'curl -H "authorization: bearer sekrit-value-123"', 'curl -H "authorization: bearer ***"'],
    ['bare bearer', 'sent Bearer 0123456789abcdef to the server', 'sent Bearer *** to the server'],
    ['client key data', '    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=', '    client-key-data: ***'],
    ['client certificate data', 'client-certificate-data: LS0tLS1CRUdJTg==', 'client-certificate-data: ***'],
    ['CA data', 'certificate-authority-data: LS0tLS1CRUdJTg==', 'certificate-authority-data: ***'],
    ['password', 'password=hunter2', 'password=***'],
    ['XML-escaped JSON', '&quot;token&quot;:&quot;abcdef&quot;', '&quot;token&quot;:&quot;***&quot;'],
    ['PEM block', 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nend', 'key:\n[redacted PEM block]\nend'],
    ['service account JWT', `got ${JWT} back`, 'got *** back'],
  ];
  it.each(cases)('masks %s', (_what, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    'pod mc-1a2b/macvlan-a, interface net1: operstate: expected UP, got DOWN',
    'tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
    'IP 192.168.1.201 in range 192.168.1.200-192.168.1.216',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = redact('token: abc\nAuthorization: Bearer xyz12345678');
    expect(redact(once)).toBe(once);
  });

  it('masks string values and secret keys inside JSON values', () => {
    expect(redactDeep({ a: ['Bearer 0123456789abcdef'], user: { token: 'abc', name: 'me' }, n: 3 })).toEqual({
      a: ['Bearer ***'],
      user: { token: '***', name: 'me' },
      n: 3,
    });
  });
});
