import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerCleanup } from './commands/cleanup.ts';
import { registerCompare } from './commands/compare.ts';
import { registerList } from './commands/list.ts';
import { registerRun } from './commands/run.ts';
import { registerSelftest } from './commands/selftest.ts';
import { registerUpgrade } from './commands/upgrade.ts';
import { registerValidate } from './commands/validate.ts';
import { EXIT, EXIT_CODES_HELP, PROGRAM, isUsageError, printErrorLine, type ExitCode } from './errors.ts';
import { packageVersion } from './paths.ts';

export function buildProgram(done: (code: ExitCode) => void): Command {
  const program = new Command(PROGRAM)
    .description('End-to-end conformance suite for Multus CNI on Kubernetes')
    .version(packageVersion())
    .showSuggestionAfterError(true)
    // Errors are printed by main() as one line; commander would print its own.
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  program.addHelpText('after', `\n${EXIT_CODES_HELP}`);
  registerRun(program, done);
  registerList(program, done);
  registerValidate(program, done);
  registerAudit(program, done);
  registerCleanup(program, done);
  registerCompare(program, done);
  registerUpgrade(program, done);
  registerSelftest(program, done);
  return program;
}

/** Parses argv (as process.argv), runs the command and returns its exit code. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (e) {
    return exitCodeFor(e);
  }
}

function exitCodeFor(e: unknown): ExitCode {
  if (e instanceof CommanderError) {
    // --help and --version end in a CommanderError too.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
    // Bare `multus-conformance` without a command: commander already printed the help.
    if (e.code === 'commander.help') return EXIT.usage;
    printErrorLine(e.message.replace(/^error: /, ''));
    return EXIT.usage;
  }
  if (isUsageError(e)) {
    printErrorLine(e.message);
    return EXIT.usage;
  }
  throw e;
}
