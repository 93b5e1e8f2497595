import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeManifests } from '../../helpers/nad/kube-decode.ts';
import { validateNadText } from '../../helpers/nad/validate.ts';
import { payload } from './recorded.ts';

// kubectl's verdicts, recorded from the testbed's kubectl by test/e2e/kubectl-verdicts.ts
// (re-checked live by test/e2e/validate-kubectl.test.ts).
const recording = JSON.parse(payload('kubectl-nad-verdicts.json')) as { kubectl: string; verdicts: Record<string, { parses: boolean; error?: string }> };
const variantsDir = fileURLToPath(new URL('../payloads/nad/variants/', import.meta.url));
const variants = readdirSync(variantsDir).sort();
const variant = (file: string): string => readFileSync(`${variantsDir}${file}`, 'utf8');
const only = (text: string): unknown => {
  const d = decodeManifests(text);
  expect(d.errors).toEqual([]);
  return d.documents.map((x) => x.value);
};

describe(`the kubectl differential: validate parses what kubectl ${recording.kubectl} parses, and only that`, () => {
  it('every variant has a recorded kubectl verdict, and every verdict a variant', () => {
    expect(Object.keys(recording.verdicts).sort()).toEqual(variants);
  });

  it('the corpus holds files kubectl rejects as well as files it accepts', () => {
    const verdicts = Object.values(recording.verdicts);
    expect(verdicts.filter((v) => v.parses).length).toBeGreaterThan(20);
    expect(verdicts.filter((v) => !v.parses).length).toBeGreaterThan(10);
  });

  it.each(variants)('%s', (file) => {
    const kubectl = recording.verdicts[file];
    const text = variant(file);
    const decoded = decodeManifests(text);
    const parseFindings = validateNadText(text, file).filter((f) => f.parse);
    expect({ parses: decoded.errors.length === 0, validateParseErrors: parseFindings.length > 0 }, `kubectl: ${kubectl?.error ?? 'parsed'}; ours: ${decoded.errors.map((e) => e.message).join('; ')}`).toEqual({
      parses: kubectl?.parses,
      validateParseErrors: !kubectl?.parses,
    });
  });
});

describe('decodeManifests reads values as kubectl does', () => {
  const expectedConfig = { cniVersion: '0.3.1', type: 'macvlan', master: 'mc-seg0' };
  const configOf = (file: string): unknown => {
    const [doc] = only(variant(file)) as Array<{ spec: { config: string } }>;
    return JSON.parse(doc!.spec.config) as unknown;
  };

  it.each([
    'single-quoted-close-at-key-indent.yaml',
    'single-quoted-close-at-column-0.yaml',
    'single-quoted-body-at-column-0.yaml',
    'single-quoted-body-at-key-indent.yaml',
    'double-quoted-close-at-key-indent.yaml',
    'tab-inside-quoted.yaml',
  ])('a multi-line quoted config in %s keeps its value (re-indenting changes nothing)', (file) => {
    expect(configOf(file)).toMatchObject(file.startsWith('tab') ? { cniVersion: '0.3.1', type: 'macvlan' } : expectedConfig);
  });

  it('YAML 1.1 scalars, as go-yaml v2 reads them: yes/off are booleans, a MAC and a date stay strings', () => {
    expect(only('a: yes\nb: off\nc: 00:11:22:33:44:55\nd: 2001-12-14\ne: 0777\nf: y\n')).toEqual([{ a: true, b: false, c: '00:11:22:33:44:55', d: '2001-12-14', e: 511, f: true }]);
  });

  it('a duplicate key: the last value wins, with a warning', () => {
    const d = decodeManifests(variant('duplicate-key-nested.yaml'));
    expect((d.documents[0]?.value as { metadata: { name: string } }).metadata.name).toBe('macvlan-other');
    expect(d.warnings).toEqual([{ index: 0, line: 5, message: 'duplicate key "name": kubectl keeps the last value' }]);
  });

  it('merge keys', () => {
    const [list] = only(variant('merge-key.yaml')) as Array<{ items: Array<{ kind: string; metadata: { name: string } }> }>;
    expect(list!.items.map((i) => [i.kind, i.metadata.name])).toEqual([
      ['NetworkAttachmentDefinition', 'macvlan-a'],
      ['NetworkAttachmentDefinition', 'macvlan-b'],
    ]);
  });

  it('CRLF and a byte order mark read as plain LF text', () => {
    expect(only(variant('crlf.yaml'))).toEqual(only(variant('single-quoted-one-line.yaml')));
    expect(only(variant('bom.yaml'))).toEqual(only(variant('single-quoted-one-line.yaml')));
  });

  it('a JSON stream: each value is a document; after one object the rest is YAML', () => {
    expect((only(variant('json-two-objects.json')) as Array<{ metadata: { name: string } }>).map((d) => d.metadata.name)).toEqual(['macvlan-a', 'macvlan-b']);
    expect((only(variant('json-then-garbage.json')) as unknown[])[1]).toBe('this is not json');
    // Not JSON (trailing comma), but YAML: read again from the start as YAML.
    expect(only(variant('json-trailing-comma.json'))).toHaveLength(1);
    expect(decodeManifests('{"a":1}\n{"b":2}\n{"c":\n').errors).toEqual([{ index: 2, line: 3, message: expect.stringMatching(/^not valid JSON: /) as unknown }]);
  });

  it('documents split at --- lines; empty ones are kept as null (kubectl skips them)', () => {
    const d = decodeManifests('---\na: 1\n---\n# only a comment\n---\nb: 2\n...\n');
    expect(d.documents.map((x) => [x.index, x.line, x.value])).toEqual([
      [0, 2, { a: 1 }],
      [1, 4, null],
      [2, 6, { b: 2 }],
    ]);
  });

  it('names the line of a syntax error in a later document', () => {
    expect(decodeManifests(variant('multi-doc-one-broken.yaml')).errors).toEqual([
      { index: 1, line: 12, message: expect.stringMatching(/^not valid YAML: /) as unknown },
    ]);
  });

  it('an unterminated quote stays an error (re-indenting needs a closing quote)', () => {
    expect(decodeManifests(variant('unclosed-quote.yaml')).errors).toHaveLength(1);
  });
});
