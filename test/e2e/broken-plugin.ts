import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A regression introduced in the cluster, not in any file the suite reads: a
 * CNI plugin binary on the testbed node replaced by a script that fails every
 * ADD (and hands DEL, CHECK and VERSION to the original, so pods still delete
 * cleanly). /opt/cni/bin is the node's own directory (the testbed's kubelet and
 * containerd see the host's), so this is what a bad plugin update on a node
 * looks like. Restored byte for byte afterwards, checked by sha256.
 */
export interface BrokenPlugin {
  path: string;
  /** sha256 of the original, to check the restore against. */
  originalSha256: string;
  /** Puts the original back (idempotent) and returns the sha256 now on disk. */
  restore(): string;
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Writes `content` next to `path` and renames it over: a plugin run at that moment sees the old or the new file, never half of one. */
function replaceAtomically(path: string, write: (tmp: string) => void, mode: number): void {
  const tmp = join(dirname(path), `.${process.pid}.mc-h-reports.tmp`);
  write(tmp);
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

export function breakPlugin(name: string, message: string): BrokenPlugin {
  return wrapPlugin(name, 'h-reports', (saved) =>
    [
      '#!/bin/sh',
      '# multus-conformance e2e (test/e2e/known-failures.test.ts): this plugin fails every ADD on purpose.',
      'if [ "$CNI_COMMAND" = ADD ]; then',
      `  printf '%s\\n' '${JSON.stringify({ cniVersion: '0.3.1', code: 999, msg: message })}'`,
      '  exit 1',
      'fi',
      `exec ${saved} "$@"`,
      '',
    ].join('\n'),
  );
}

/**
 * A plugin binary on the testbed node wrapped by a script (`script(original)`
 * returns it, given the path of the saved original): a plugin that still
 * works but does something more, as a node-side hook would. Restored as
 * breakPlugin's, byte for byte.
 */
export function wrapPlugin(name: string, tag: string, script: (original: string) => string): BrokenPlugin {
  const path = join('/opt/cni/bin', name);
  const mode = statSync(path).mode & 0o7777;
  const originalSha256 = sha256(path);
  // Outside /opt/cni/bin so the node probe never lists it; /tmp is the same directory for the testbed's runtime.
  const saved = join(tmpdir(), `mc-${tag}-${name}-${process.pid}.orig`);
  copyFileSync(path, saved);
  if (sha256(saved) !== originalSha256) throw new Error(`could not save ${path} (sha256 differs after copying)`);
  replaceAtomically(path, (tmp) => writeFileSync(tmp, script(saved)), mode);
  return {
    path,
    originalSha256,
    restore() {
      if (existsSync(saved)) {
        if (sha256(path) !== originalSha256) replaceAtomically(path, (tmp) => copyFileSync(saved, tmp), mode);
        if (sha256(path) === originalSha256) rmSync(saved);
      }
      return sha256(path);
    },
  };
}
