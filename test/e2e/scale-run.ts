import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScaleReport } from '../../helpers/scale/report.ts';

/** The scale/pods case's status and figures from a run's JSON report. */
export function readScaleCase(dir: string): { status: string; failure: string; scale?: ScaleReport } | undefined {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
    testResults: { assertionResults: { title: string; status: string; failureMessages: string[]; meta?: { scale?: ScaleReport } }[] }[];
  };
  for (const file of report.testResults) {
    for (const a of file.assertionResults) {
      if (a.title.split(':')[0] !== 'scale/pods') continue;
      return { status: a.status, failure: a.failureMessages.join('\n'), ...(a.meta?.scale ? { scale: a.meta.scale } : {}) };
    }
  }
  return undefined;
}
