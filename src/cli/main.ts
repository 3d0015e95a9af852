#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { describeError } from '../domain/errors.js';
import { simulateCommand } from './simulate-command.js';

/** Exit codes: 0 ok, 1 runtime failure, 2 usage error (bad command, option or value). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const program = new Command('relearn')
  .description('continuous-learning stream processor: keeps per-user and per-organisation models fresh')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  .addCommand(simulateCommand(), { isDefault: false });

for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const { errorClass, message } = describeError(error);
    process.stderr.write(`relearn: ${errorClass}: ${message}\n`);
    process.exitCode = EXIT.failure;
  }
}
