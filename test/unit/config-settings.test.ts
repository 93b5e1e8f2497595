import { describe, expect, it } from 'vitest';
import { RUN_SETTINGS_ENV, settingsFromEnv, settingsToEnv } from '../../helpers/config/env.ts';
import { RunSettingsSchema } from '../../helpers/config/settings.ts';
import { UsageError } from '../../helpers/errors.ts';

describe('RunSettingsSchema', () => {
  it('fills every default', () => {
    const s = RunSettingsSchema.parse({});
    expect(s).toMatchObject({
      provider: 'local',
      profile: 'local',
      mode: 'full',
      tests: [],
      timeoutSeconds: 300,
      reportDir: 'reports',
      junitFile: 'reports/junit.xml',
      jsonFile: 'reports/report.json',
      keep: false,
      teardown: false,
      strict: false,
      multus: { install: 'auto' },
      network: {},
      kind: { clusterName: 'multus-conformance', nodes: 3 },
    });
    expect(s.runId).toMatch(/^[0-9a-f]{8}$/);
    expect(s.kubeconfig).toBeUndefined();
    expect(s.context).toBeUndefined();
  });

  it.each([
    ['local', 'local', 'full'],
    ['kind', 'kind', 'full'],
    ['existing', 'generic', 'non-disruptive'],
  ] as const)('provider %s defaults to profile %s and mode %s', (provider, profile, mode) => {
    expect(RunSettingsSchema.parse({ provider })).toMatchObject({ profile, mode });
  });

  it('keeps an explicit profile and mode', () => {
    expect(RunSettingsSchema.parse({ provider: 'existing', profile: 'tkg', mode: 'quick' })).toMatchObject({ profile: 'tkg', mode: 'quick' });
  });

  it('defaults the tanzu namespace when a tanzu block is given', () => {
    const s = RunSettingsSchema.parse({ provider: 'existing', multus: { install: 'tanzu', tanzu: { version: '4.0.1+vmware.1-tkg.1' } } });
    expect(s.multus.tanzu).toEqual({ version: '4.0.1+vmware.1-tkg.1', namespace: 'tanzu-cli-managed-packages' });
  });

  it('accepts durations as text for timeoutSeconds', () => {
    expect(RunSettingsSchema.parse({ timeoutSeconds: '5m' }).timeoutSeconds).toBe(300);
  });

  const rejected: Array<[string, unknown, string]> = [
    ['concurrency over 32', { concurrency: 33 }, 'concurrency'],
    ['concurrency zero', { concurrency: 0 }, 'concurrency'],
    ['fractional concurrency', { concurrency: 1.5 }, 'concurrency'],
    ['a test regex that does not compile', { tests: ['ok', '(bad'] }, 'tests.1'],
    ['a bad run id', { runId: 'Not_A_Label' }, 'runId'],
    ['a bad subnet', { network: { subnet: '192.168.1.0/33' } }, 'network.subnet'],
    ['a bad gateway', { network: { gateway: '192.168.1' } }, 'network.gateway'],
    ['a too long master', { network: { master: 'a-very-long-interface' } }, 'network.master'],
    ['tanzu without a version', { provider: 'existing', multus: { install: 'tanzu' } }, 'multus.tanzu.version'],
    ['thin on an existing cluster', { provider: 'existing', multus: { install: 'thin' } }, 'multus.install'],
    ['teardown on an existing cluster', { provider: 'existing', teardown: true }, 'teardown'],
    ['an unknown key', { concurency: 3 }, ''],
    ['an unknown nested key', { kind: { nodess: 3 } }, 'kind'],
    ['an unknown provider', { provider: 'gke' }, 'provider'],
  ];
  it.each(rejected)('rejects %s at %j', (_what, input, path) => {
    const r = RunSettingsSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe(path);
  });
});

describe('MC_RUN_SETTINGS', () => {
  it('round-trips the validated settings unchanged', () => {
    const s = RunSettingsSchema.parse({ provider: 'kind', tests: ['!sriov'], runId: 'abc12345' });
    expect(settingsFromEnv({ [RUN_SETTINGS_ENV]: settingsToEnv(s) })).toEqual(s);
  });

  it('is a UsageError when missing or edited into something invalid', () => {
    expect(() => settingsFromEnv({})).toThrow(UsageError);
    expect(() => settingsFromEnv({ [RUN_SETTINGS_ENV]: '{"concurrency": 99}' })).toThrow(`${RUN_SETTINGS_ENV}: concurrency: `);
    expect(() => settingsFromEnv({ [RUN_SETTINGS_ENV]: 'not json' })).toThrow('not valid JSON');
  });
});
