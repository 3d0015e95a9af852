import { InvalidArgumentError, type Command } from 'commander';
import { ApiClient } from './api-client.js';
import type { CliContext } from './cli-io.js';
import { httpUrlOption, nonEmptyOption } from './option-parsers.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

/** The options every command that talks to a running service shares. */
export interface ApiFlags {
  apiUrl?: string;
  token?: string;
  json: boolean;
}

export function withApiOptions(command: Command): Command {
  return command
    .option('--api-url <url>', `base URL of the relearn API (env RELEARN_API_URL, default ${DEFAULT_API_URL})`, httpUrlOption)
    .option('--token <token>', 'bearer token; read-write for commands that change something (env RELEARN_API_TOKEN)', nonEmptyOption)
    .option('--json', 'print JSON for scripts', false);
}

/**
 * The API client for these flags; the environment fills what the flags leave out. A bad
 * RELEARN_API_URL is a usage error naming the variable, like a bad --api-url.
 */
export function apiClientOf(flags: ApiFlags, context: CliContext, command: Command): ApiClient {
  const fromEnv = (name: string, parse: (value: string) => string): string | undefined => {
    const value = context.env[name];
    if (value === undefined || value.trim() === '') return undefined;
    try {
      return parse(value.trim());
    } catch (error) {
      if (error instanceof InvalidArgumentError) command.error(`error: environment variable ${name}: ${error.message}`);
      throw error;
    }
  };
  const apiUrl = flags.apiUrl ?? fromEnv('RELEARN_API_URL', httpUrlOption) ?? DEFAULT_API_URL;
  const token = flags.token ?? fromEnv('RELEARN_API_TOKEN', nonEmptyOption);
  return new ApiClient({ baseUrl: apiUrl, token });
}
