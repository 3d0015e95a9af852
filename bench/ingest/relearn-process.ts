import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

import type { RelearnCli } from './relearn-cli.js';

/** What `relearn start` prints on stderr once its roles run (src/cli/start-command.ts). */
const READY_LINE = /^relearn: real mode, roles /m;
const TAIL_CHARS = 8_000;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Every relearn child of the run, so an interrupted run can end them (by pid, nothing else). */
const running = new Set<RelearnProcess>();

export function killRunningRelearnProcesses(): void {
  for (const child of running) child.kill();
}

/**
 * `node <dist>/cli/main.js start --roles …` as a child process. Its stdout and stderr go to
 * a log file; the bench keeps the tail for error messages and watches for the ready line.
 */
export class RelearnProcess {
  readonly pid: number;
  /** performance.now() at spawn. */
  readonly spawnedAt: number;
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | null = null;
  private tailText = '';
  private readyResolve: (() => void) | undefined;
  private readonly log: WriteStream;

  private constructor(
    private readonly child: ChildProcess,
    logFile: string,
  ) {
    if (child.pid === undefined) throw new Error('relearn did not start (no pid)');
    this.pid = child.pid;
    this.spawnedAt = performance.now();
    this.log = createWriteStream(logFile);
    const onOutput = (chunk: Buffer) => {
      this.log.write(chunk);
      this.tailText = (this.tailText + chunk.toString('utf8')).slice(-TAIL_CHARS);
      if (this.readyResolve !== undefined && READY_LINE.test(this.tailText)) {
        this.readyResolve();
        this.readyResolve = undefined;
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        this.log.end();
        resolve(this.exit);
      });
    });
    running.add(this);
  }

  static spawn(cli: RelearnCli, roles: string, env: Record<string, string>, logFile: string): RelearnProcess {
    const child = spawn(process.execPath, [cli.main, 'start', '--roles', roles], { cwd: cli.checkout, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new RelearnProcess(child, logFile);
  }

  get hasExited(): boolean {
    return this.exit !== null;
  }

  /** The last lines of its output. */
  tail(lines = 30): string {
    return this.tailText.split('\n').slice(-lines).join('\n');
  }

  /** Resolves with performance.now() when the ready line appears; fails if the process exits first or `timeoutMs` passes. */
  async ready(timeoutMs: number): Promise<number> {
    const seen = new Promise<void>((resolve) => {
      if (READY_LINE.test(this.tailText)) resolve();
      else this.readyResolve = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      seen.then(() => 'ready' as const),
      this.exited.then(() => 'exited' as const),
      new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    const readyAt = performance.now();
    if (outcome === 'exited') throw new Error(`relearn exited (${JSON.stringify(this.exit)}) before it was ready:\n${this.tail()}`);
    if (outcome === 'late') throw new Error(`relearn printed no ready line within ${timeoutMs} ms:\n${this.tail()}`);
    return readyAt;
  }

  kill(): void {
    if (!this.hasExited) this.child.kill('SIGKILL');
  }

  /** SIGTERM, then waits for the graceful stop; SIGKILL and an error when it takes longer than `timeoutMs`. */
  async stop(timeoutMs: number): Promise<ProcessExit> {
    if (!this.hasExited) this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.exited,
      new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.kill();
      await this.exited;
      throw new Error(`relearn did not stop within ${timeoutMs} ms of SIGTERM (killed):\n${this.tail()}`);
    }
    return outcome;
  }
}
