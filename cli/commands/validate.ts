import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../helpers/errors.ts';
import { EXIT, type ExitCode } from '../errors.ts';

export function registerValidate(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('validate')
    .description('check NetworkAttachmentDefinition YAML/JSON files without a cluster')
    .argument('<files...>', 'NAD files (YAML, several documents allowed)')
    .action(async (files: string[]) => {
      const texts = files.map((file) => ({ file, text: readText(file) }));
      const { validateNadText, formatFinding } = await import('../../helpers/nad/validate.ts');
      let errors = 0;
      let warnings = 0;
      for (const { file, text } of texts) {
        for (const finding of validateNadText(text, file)) {
          if (finding.severity === 'error') errors++;
          else warnings++;
          process.stdout.write(`${formatFinding(finding)}\n`);
        }
      }
      const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
      process.stdout.write(`${plural(files.length, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
      done(errors > 0 ? EXIT.failed : EXIT.ok);
    });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`validate: cannot read ${file}: ${code === 'ENOENT' ? 'file not found' : (code ?? 'unknown error')}`);
  }
}
