import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addRunOptions, addSettingsOptions, flagsToLayer } from '../../cli/options.ts';
import { clusterObjectSelector, namespaceSelector } from '../../cli/sweep.ts';
import { kubeconfigPath } from '../../helpers/providers/existing.ts';
import { UsageError } from '../../helpers/errors.ts';

function parse(...args: string[]): Command {
  const cmd = addRunOptions(addSettingsOptions(new Command('run').exitOverride()));
  cmd.action(() => {});
  cmd.parse(args, { from: 'user' });
  return cmd;
}

describe('flagsToLayer', () => {
  it('carries only what was typed, so config-file values are not overridden by defaults', () => {
    expect(flagsToLayer(parse())).toEqual({});
  });

  it('maps flags onto settings paths', () => {
    const layer = flagsToLayer(
      parse('--provider', 'existing', '--context', 'tkg', '-t', '^macvlan', '--test', '!sriov', '--concurrency', '8', '--timeout', '90s',
        '--multus-install', 'never', '--keep', '--strict', '--report-dir', 'out', '--run-id', 'abc123'),
    );
    expect(layer).toEqual({
      provider: 'existing',
      context: 'tkg',
      tests: ['^macvlan', '!sriov'],
      concurrency: 8,
      timeoutSeconds: 90,
      multus: { install: 'never' },
      keep: true,
      strict: true,
      reportDir: 'out',
      runId: 'abc123',
    });
  });

  it('keeps a flag that repeats its default, since the user typed it', () => {
    expect(flagsToLayer(parse('--concurrency', '4'))).toEqual({ concurrency: 4 });
  });
});

describe('cleanup selectors', () => {
  it('select every run, or one', () => {
    expect(namespaceSelector(undefined)).toBe('multus-conformance.io/owned=true');
    expect(namespaceSelector('ab12cd34')).toBe('multus-conformance.io/owned=true,multus-conformance.io/run-id=ab12cd34');
    expect(clusterObjectSelector(undefined)).toBe('multus-conformance.io/run-id');
    expect(clusterObjectSelector('ab12cd34')).toBe('multus-conformance.io/run-id=ab12cd34');
  });
});

describe('existing provider kubeconfig', () => {
  it('takes the flag first, then a single $KUBECONFIG', () => {
    expect(kubeconfigPath('/a/config', { KUBECONFIG: '/b' })).toBe('/a/config');
    expect(() => kubeconfigPath(undefined, { KUBECONFIG: '/nonexistent/kc' })).toThrow('kubeconfig /nonexistent/kc: file not found');
  });

  it('refuses several files in $KUBECONFIG rather than guessing', () => {
    expect(() => kubeconfigPath(undefined, { KUBECONFIG: '/a:/b' })).toThrow(UsageError);
  });
});
