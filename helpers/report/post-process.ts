import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { addSkipMessages } from './junit-skips.ts';
import { redact, redactDeep } from './redact.ts';

/**
 * Finishes the report files vitest's own reporters wrote: skip reasons into
 * JUnit, and credentials masked in both (a failure message can quote a pod
 * spec or an API error that carries a token).
 */
export function postProcessReports(files: { junitFile?: string; jsonFile?: string }): void {
  if (files.junitFile && existsSync(files.junitFile)) {
    const xml = readFileSync(files.junitFile, 'utf8');
    writeFileSync(files.junitFile, redact(addSkipMessages(xml)));
  }
  if (files.jsonFile && existsSync(files.jsonFile)) {
    const report: unknown = JSON.parse(readFileSync(files.jsonFile, 'utf8'));
    writeFileSync(files.jsonFile, JSON.stringify(redactDeep(report), null, 2));
  }
}
