import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSettings, mergeLayers } from '../../helpers/config/load.ts';
import { UsageError } from '../../helpers/errors.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mc-config-'));
  mkdirSync(join(dir, 'conf'));
});

function configFile(name: string, text: string): string {
  const file = join(dir, 'conf', name);
  writeFileSync(file, text);
  return file;
}

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UsageError');
}

describe('loadSettings', () => {
  it('reads a YAML file and resolves its paths against the file, defaults against cwd', () => {
    const file = configFile(
      'ok.yaml',
      [
        'provider: existing',
        'context: tkg-workload',
        'kubeconfig: kube/config',
        'tests: ["^macvlan", "!sriov"]',
        'timeoutSeconds: 2m',
        'multus:',
        '  install: tanzu',
        '  tanzu: { version: 4.0.1, valuesFile: values.yaml }',
        'network: { master: ens5, subnet: 10.10.0.0/24, rangeStart: 10.10.0.100, rangeEnd: 10.10.0.120, gateway: 10.10.0.1 }',
      ].join('\n'),
    );
    const s = loadSettings({ configFile: file, cwd: '/work/here' });
    expect(s).toMatchObject({
      provider: 'existing',
      context: 'tkg-workload',
      kubeconfig: join(dir, 'conf', 'kube/config'),
      profile: 'generic',
      mode: 'non-disruptive',
      tests: ['^macvlan', '!sriov'],
      timeoutSeconds: 120,
      reportDir: '/work/here/reports',
      junitFile: '/work/here/reports/junit.xml',
      jsonFile: '/work/here/reports/report.json',
      multus: { install: 'tanzu', tanzu: { version: '4.0.1', valuesFile: join(dir, 'conf', 'values.yaml'), namespace: 'tanzu-cli-managed-packages' } },
      network: { master: 'ens5', gateway: '10.10.0.1' },
    });
  });

  it('lets flags win over the file, merging nested settings', () => {
    const file = configFile('merge.yaml', 'concurrency: 2\ntests: [a, b]\nmultus: { install: never }\nkind: { nodes: 3 }\nreportDir: out\n');
    const s = loadSettings({
      configFile: file,
      cwd: '/cwd',
      flags: { concurrency: 8, tests: ['c'], multus: { install: 'thick' }, junitFile: 'j.xml' },
    });
    expect(s.concurrency).toBe(8);
    expect(s.tests).toEqual(['c']);
    expect(s.multus.install).toBe('thick');
    expect(s.kind).toEqual({ clusterName: 'multus-conformance', nodes: 3 });
    expect(s.reportDir).toBe(join(dir, 'conf', 'out'));
    expect(s.junitFile).toBe('/cwd/j.xml');
    expect(s.jsonFile).toBe(join(dir, 'conf', 'out', 'report.json'));
  });

  it('works without a file', () => {
    expect(loadSettings({ flags: { provider: 'kind' }, cwd: '/x' })).toMatchObject({ provider: 'kind', profile: 'kind', reportDir: '/x/reports' });
  });

  const fileErrors: Array<[string, string, string]> = [
    ['too big', 'concurrency: 64\n', 'concurrency: Too big: expected number to be <=32'],
    ['unknown top-level key', 'concurency: 3\n', 'concurency: unknown setting'],
    ['unknown nested key', 'kind:\n  nodess: 3\n', 'kind.nodess: unknown setting'],
    ['bad regex', 'tests: ["ok", "(x"]\n', 'tests[1]: invalid regular expression "(x": '],
    ['bad enum', 'mode: everything\n', 'mode: Invalid option: expected one of "quick"|"non-disruptive"|"full"'],
    ['wrong type', 'keep: "yes"\n', 'keep: Invalid input: expected boolean, received string'],
    ['bad duration', 'timeoutSeconds: 5x\n', 'timeoutSeconds: '],
    ['missing tanzu version', 'provider: existing\nmultus: { install: tanzu }\n', 'multus.tanzu.version: required when multus.install is tanzu'],
    ['not a mapping', '- a\n- b\n', 'must be a mapping of settings'],
    ['invalid YAML', 'concurrency: [1\n', 'invalid YAML: '],
  ];
  it.each(fileErrors)('%s: one line naming the file and the field', (name, text, expected) => {
    const file = configFile(`${name.replace(/\W+/g, '-')}.yaml`, text);
    const message = usageMessage(() => loadSettings({ configFile: file }));
    expect(message.startsWith(`config ${file}: `)).toBe(true);
    expect(message).toContain(expected);
  });

  it('names a missing file', () => {
    expect(usageMessage(() => loadSettings({ configFile: join(dir, 'nope.yaml') }))).toBe(`config ${join(dir, 'nope.yaml')}: file not found`);
  });

  it('names the flag when the bad value came from the command line', () => {
    const file = configFile('fine.yaml', 'concurrency: 2\n');
    expect(usageMessage(() => loadSettings({ configFile: file, flags: { concurrency: 99 } }))).toBe('--concurrency: Too big: expected number to be <=32');
    expect(usageMessage(() => loadSettings({ flags: { tests: ['[z-a]'] } }))).toMatch(/^--test: invalid regular expression "\[z-a\]": /);
    expect(usageMessage(() => loadSettings({ flags: { runId: 'UPPER' } }))).toMatch(/^--run-id: must be 1-16 lowercase/);
    expect(usageMessage(() => loadSettings({ flags: { provider: 'existing', multus: { install: 'thin' } } }))).toMatch(/^--multus-install: thin installs only/);
  });
});

describe('mergeLayers', () => {
  it('replaces scalars and arrays, merges objects, ignores undefined', () => {
    expect(mergeLayers({ a: 1, l: [1, 2], o: { x: 1, y: 2 } }, { a: undefined, l: [3], o: { y: 3 } })).toEqual({ a: 1, l: [3], o: { x: 1, y: 3 } });
  });
});
