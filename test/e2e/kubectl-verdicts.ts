import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

/**
 * kubectl's own verdict on each NAD formatting variant in
 * test/payloads/nad/variants/: does `kubectl create --dry-run=client -f FILE`
 * get past parsing? Recorded in test/payloads/kubectl-nad-verdicts.json so the
 * unit test runs without a cluster; test/e2e/validate-kubectl.test.ts checks
 * the recording against the live kubectl. To record again, with the testbed up:
 *
 *   npx tsx test/e2e/kubectl-verdicts.ts --record
 */
export const VARIANTS_DIR = fileURLToPath(new URL('../payloads/nad/variants/', import.meta.url));
export const VERDICTS_FILE = fileURLToPath(new URL('../payloads/kubectl-nad-verdicts.json', import.meta.url));
const VERSIONS_ENV = fileURLToPath(new URL('../../scripts/testbed/versions.env', import.meta.url));
const TESTBED_KUBECONFIG = '/var/lib/multus-conformance/admin.conf';

export interface Verdict {
  parses: boolean;
  /** kubectl's first error line, for the reader of the recording. */
  error?: string;
}

export interface Recording {
  kubectl: string;
  command: string;
  verdicts: Record<string, Verdict>;
}

/** The testbed's kubectl, the version the testbed runs (scripts/testbed/versions.env). */
export function testbedKubectl(): { path: string; version: string } {
  const version = /^K8S_VERSION=(\S+)$/m.exec(readFileSync(VERSIONS_ENV, 'utf8'))?.[1] ?? 'unknown';
  return { path: `${process.env['MC_CACHE_DIR'] ?? '/var/cache/multus-conformance'}/bin/kubernetes-${version}/kubectl`, version };
}

export function variantFiles(): string[] {
  return readdirSync(VARIANTS_DIR).sort();
}

/**
 * kubectl reports every decoding problem of a file as `error parsing FILE: …`
 * (YAML or JSON syntax, a bad document separator, YAML that does not convert
 * to JSON). Anything else it says (no objects, a type mismatch, schema
 * validation) comes after the file parsed.
 */
export function classify(stderr: string): Verdict {
  const lines = stderr.split('\n').filter((l) => l.startsWith('error: '));
  const parsing = lines.find((l) => l.startsWith('error: error parsing '));
  if (parsing) return { parses: false, error: parsing.replace(/^error: error parsing [^:]+: /, '') };
  return lines[0] ? { parses: true, error: lines[0].replace(/^error: /, '') } : { parses: true };
}

export async function kubectlVerdict(file: string, kubeconfig = TESTBED_KUBECONFIG): Promise<Verdict> {
  const r = await execa(testbedKubectl().path, ['--kubeconfig', kubeconfig, 'create', '--dry-run=client', '-o', 'name', '-f', file], {
    reject: false,
    stdin: 'ignore',
    // Relative file names in kubectl's messages, so the recording does not name this machine's paths.
    cwd: VARIANTS_DIR,
  });
  return classify(r.stderr);
}

async function record(): Promise<void> {
  const { version } = testbedKubectl();
  const verdicts: Record<string, Verdict> = {};
  for (const file of variantFiles()) verdicts[file] = await kubectlVerdict(join(VARIANTS_DIR, file));
  const recording: Recording = { kubectl: version, command: 'kubectl create --dry-run=client -o name -f FILE (testbed kubeconfig)', verdicts };
  writeFileSync(VERDICTS_FILE, `${JSON.stringify(recording, null, 2)}\n`);
  process.stdout.write(`${Object.keys(verdicts).length} verdicts written to ${VERDICTS_FILE}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.includes('--record')) await record();
