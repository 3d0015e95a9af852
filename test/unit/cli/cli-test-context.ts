import type { Command } from 'commander';
import type { CliContext } from '../../../src/cli/cli-io.js';
import { runCli } from '../../../src/cli/run-cli.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs commands in-process with captured output. Time is a counter that only `sleep`
 * advances, so paced and polling commands run at once and deterministically; `onSleep`
 * lets a test act between polls.
 */
export function testContext(env: NodeJS.ProcessEnv = {}, onSleep?: (ms: number) => Promise<void>): CliContext & { sleeps: number[] } {
  let now = Date.UTC(2026, 5, 1);
  const sleeps: number[] = [];
  return {
    io: { out: () => undefined, err: () => undefined, errIsTTY: false },
    env,
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      await onSleep?.(ms);
    },
  };
}

export async function run(context: CliContext, commands: (context: CliContext) => Command[], ...args: string[]): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const captured: CliContext = {
    ...context,
    io: { out: (text) => void (stdout += text), err: (text) => void (stderr += text), errIsTTY: false },
  };
  const code = await runCli(args, commands(captured), captured.io);
  return { code, stdout, stderr };
}

/** A loopback port nothing listens on: bound, read, released. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
