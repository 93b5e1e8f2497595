import { join } from 'node:path';
import { execa } from 'execa';
import type { RunSettings } from '../config/settings.ts';
import { ClusterAccessError } from '../errors.ts';
import { firstLine } from '../k8s/client.ts';
import { TESTBED_DIR } from '../fixtures/paths.ts';

/**
 * Stock kind nodes cannot pull the locally built test image: build it (the
 * same recipe as the testbed's), load it into the user's docker, then into
 * the kind nodes with `load`. Skipped when the user named another image with
 * --test-image. (The offline node image has it preloaded.)
 */
export async function loadTestImageIntoKind(
  settings: RunSettings,
  image: string,
  env: Record<string, string>,
  load: (images: readonly string[]) => Promise<void>,
): Promise<void> {
  if (settings.testImage) return;
  try {
    const { stdout } = await execa('bash', [join(TESTBED_DIR, 'images.sh'), 'testpod'], { stderr: 'inherit' });
    const tar = stdout.trim().split('\n').pop() ?? '';
    await execa('docker', ['load', '-i', tar], { env });
  } catch (e) {
    throw new ClusterAccessError(`kind: cannot build or load the test image ${image}: ${firstLine(e)}`);
  }
  await load([image]);
}
