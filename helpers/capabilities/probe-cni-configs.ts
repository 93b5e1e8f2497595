import { parseCniConfFile, type CniConfFile } from '../parse/cni-conf-file.ts';
import type { ProbeStep } from './probe-output.ts';

/** The most the probe reads of one file (`head -c`): a longer one is cut, and then parses as not JSON. */
export const CONF_READ_LIMIT = 65536;

/**
 * The `confs` section: one line per config file (`*.conf`, `*.conflist`,
 * `*.json` and every `00-multus*`, backups included), its content in base64
 * and its name: `<base64> <name>`. Only the facts of each file are kept.
 */
export function parseConfsSection(step: ProbeStep): CniConfFile[] {
  if (step.rc !== 0) throw new Error(`step exited ${step.rc}: ${step.output.join(' ').trim() || 'no output'}`);
  return step.output.map((line) => {
    const m = /^([A-Za-z0-9+/]*={0,2}) (.+)$/.exec(line);
    if (!m) throw new Error(`expected "<base64> <file>", got ${JSON.stringify(line.slice(0, 80))}`);
    const text = Buffer.from(m[1]!, 'base64').toString('utf8');
    return parseCniConfFile(m[2]!, text);
  });
}
