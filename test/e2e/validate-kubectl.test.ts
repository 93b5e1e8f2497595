import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { decodeManifests } from '../../helpers/nad/kube-decode.ts';
import { cli } from './cli.ts';
import { kubectlVerdict, VARIANTS_DIR, VERDICTS_FILE, variantFiles, type Recording } from './kubectl-verdicts.ts';

// The unit test compares `validate` with kubectl's recorded verdicts; this
// one asks the testbed's live kubectl again, so a stale recording fails here.
describe('validate agrees with the live kubectl on whether each NAD variant parses', () => {
  const kubeconfig = inject('testbedKubeconfig');
  const recording = JSON.parse(readFileSync(VERDICTS_FILE, 'utf8')) as Recording;

  it.concurrent.each(variantFiles())('%s', async (file) => {
    const live = await kubectlVerdict(join(VARIANTS_DIR, file), kubeconfig);
    expect(live.parses, `recorded: ${JSON.stringify(recording.verdicts[file])}, live: ${JSON.stringify(live)}`).toBe(recording.verdicts[file]?.parses);
    const ours = decodeManifests(readFileSync(join(VARIANTS_DIR, file), 'utf8'));
    expect(ours.errors.length === 0, ours.errors.map((e) => e.message).join('; ')).toBe(live.parses);
  });

  it('the CLI accepts the hand-written layout kubectl applies (closing quote at the key\'s indentation)', async () => {
    const file = join(VARIANTS_DIR, 'single-quoted-close-at-key-indent.yaml');
    expect((await kubectlVerdict(file, kubeconfig)).parses).toBe(true);
    const r = await cli(['validate', file]);
    expect(r.stdout).not.toMatch(/not valid YAML/);
    expect(r.exitCode, r.stdout).toBe(0);
  });
});
