import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { RunSettingsSchema, type RunSettings } from '../../helpers/config/settings.ts';
import { UsageError } from '../../helpers/errors.ts';
import { guardContext } from '../../helpers/providers/guard.ts';

function kubeConfig(current: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [
      { name: 'prod', cluster: 'c', user: 'u' },
      { name: 'tkg-test', cluster: 'c', user: 'u' },
    ],
    currentContext: current,
  });
  return kc;
}

function settings(input: Record<string, unknown>): RunSettings {
  return RunSettingsSchema.parse(input);
}

describe('guardContext', () => {
  it('refuses provider existing on the current context nobody named', () => {
    expect(() => guardContext(settings({ provider: 'existing' }), kubeConfig('prod'))).toThrow(
      new UsageError('refusing to run against context "prod" that was not named explicitly: pass --context prod'),
    );
  });

  it('refuses mode full on an unnamed context, saying it is disruptive', () => {
    expect(() => guardContext(settings({ provider: 'existing', mode: 'full' }), kubeConfig('prod'))).toThrow(
      'refusing to run mode "full" (disruptive) against context "prod" that was not named explicitly: pass --context prod',
    );
  });

  it.each(['non-disruptive', 'quick', 'full'])('allows mode %s on a named context', (mode) => {
    expect(() => guardContext(settings({ provider: 'existing', context: 'tkg-test', mode }), kubeConfig('tkg-test'))).not.toThrow();
  });

  it('refuses when the client is not on the named context', () => {
    expect(() => guardContext(settings({ provider: 'existing', context: 'tkg-test' }), kubeConfig('prod'))).toThrow(
      'the client is on context "prod" but --context named "tkg-test"',
    );
  });

  it.each(['local', 'kind'])('does not stand in the way of provider %s (the suite made that cluster)', (provider) => {
    expect(() => guardContext(settings({ provider }), kubeConfig('kind-multus-conformance'))).not.toThrow();
  });
});
