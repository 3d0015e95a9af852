/**
 * The CLI's exit codes, documented in docs/cli.md; scripts branch on them.
 * - ok: the command did what was asked.
 * - failure: it ran but failed (an error at run time, or `train` saw a training fail).
 * - usage: a bad command, option, argument or configuration value; nothing was done.
 * - unavailable: the relearn API could not be reached, answered 5xx, or (`status`) is not ready.
 * - rejected: the API refused the request (4xx: bad input, token, unknown scope or job, conflict).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, unavailable: 3, rejected: 4 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown by a command that has printed its result and must still exit non-zero. */
export class ExitWith extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExitWith';
  }
}
