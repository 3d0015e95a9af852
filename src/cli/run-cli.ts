import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { SettingsError } from '../config/settings-error.js';
import { PACKAGE_ROOT } from '../contract/topic-definitions.js';
import { describeError } from '../domain/errors.js';
import { ApiRequestError, ServiceUnreachableError } from './api-errors.js';
import type { CliIo } from './cli-io.js';
import { EXIT, ExitWith } from './exit-codes.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Every command, however deep, throws instead of exiting and writes where the io says. */
function configure(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text), outputError: (text, write) => write(text) })
    .showHelpAfterError('(add --help for usage)');
  for (const child of command.commands) configure(child, io);
}

export function buildProgram(commands: readonly Command[], io: CliIo): Command {
  const program = new Command('relearn')
    .description('continuous-learning stream processor: keeps per-user and per-organisation models fresh')
    .version(packageVersion(), '-V, --version', 'print the version')
    .addHelpText(
      'after',
      `\nExit codes: ${EXIT.ok} ok, ${EXIT.failure} runtime failure, ${EXIT.usage} usage or configuration error,\n` +
        `${EXIT.unavailable} API unreachable, failing or not ready, ${EXIT.rejected} request refused by the API (4xx). See docs/cli.md.`,
    );
  for (const command of commands) program.addCommand(command);
  configure(program, io);
  return program;
}

/**
 * Runs one command line and returns the exit code (docs/cli.md): commander's own
 * errors and bad configuration are usage errors; the API's answers map to 3 and 4.
 * `argv` is what follows the program name.
 */
export async function runCli(argv: readonly string[], commands: readonly Command[], io: CliIo): Promise<number> {
  const program = buildProgram(commands, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ExitWith) {
      if (error.message !== '') io.err(`relearn: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof SettingsError) {
      io.err(`relearn: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ServiceUnreachableError) {
      io.err(`relearn: ${error.message}\n`);
      return EXIT.unavailable;
    }
    if (error instanceof ApiRequestError) {
      io.err(`relearn: the API ${error.status >= 500 ? 'failed' : 'refused the request'}: ${error.message}\n`);
      return error.status >= 500 ? EXIT.unavailable : EXIT.rejected;
    }
    const { errorClass, message } = describeError(error);
    io.err(`relearn: ${errorClass}: ${message}\n`);
    return EXIT.failure;
  }
}
