// Runs one `relearn start` command as an operator's process supervisor would: restarts it
// whenever it exits, and, while killing is on, sends it SIGKILL after a seeded random
// lifetime. Each incarnation logs to a file of its own in the deployment's log folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

import type { SeededRandom } from '../../src/simulate/index.js';
import { REPO_ROOT } from './fault-deployment.js';

export interface SupervisorOptions {
  /** Names the log files: `<name>-<incarnation>.log`. */
  name: string;
  /** Arguments after `node dist/cli/main.js`. */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  logDir: string;
  random: SeededRandom;
  /** While killing is on, each incarnation is killed with SIGKILL after a lifetime drawn from this range. */
  killAfterMs: readonly [number, number];
  /** Pause between an exit and the restart. */
  restartDelayMs?: number;
}

export interface Exit {
  incarnation: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** 'killed': this supervisor's SIGKILL ended it; 'stopped': it exited after stop()'s SIGTERM; 'own': neither (a crash, or it gave up). */
  cause: 'killed' | 'stopped' | 'own';
  logFile: string;
  lifetimeMs: number;
}

interface Incarnation {
  number: number;
  child: ChildProcess;
  logFile: string;
  startedAt: number;
  killed: boolean;
  stopping: boolean;
  killTimer: NodeJS.Timeout | undefined;
  exited: Promise<Exit>;
}

export class ProcessSupervisor {
  readonly exits: Exit[] = [];
  private current: Incarnation | undefined;
  private incarnations = 0;
  private running = false;
  private killing = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  /** The running incarnation's process id (to freeze it with SIGSTOP), if one runs. */
  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  get starts(): number {
    return this.incarnations;
  }

  get kills(): number {
    return this.exits.filter((exit) => exit.cause === 'killed').length;
  }

  /** The log file of the incarnation alive now, if any. */
  get logFile(): string | undefined {
    return this.current?.logFile;
  }

  /** Every incarnation's log so far, oldest first. */
  logText(): string {
    const files = [...new Set([...this.exits.map((exit) => exit.logFile), ...(this.current === undefined ? [] : [this.current.logFile])])].sort();
    return files.map((file) => readLog(file)).join('');
  }

  /** Exits this supervisor did not cause: a crash, or a process that gave up on its own. */
  get ownExits(): Exit[] {
    return this.exits.filter((exit) => exit.cause === 'own');
  }

  start(): void {
    this.running = true;
    this.spawnOne();
  }

  startKilling(): void {
    this.killing = true;
    if (this.current !== undefined) this.scheduleKill(this.current, Date.now());
  }

  /** No more kills: the incarnation alive now (or the next one, if it is being restarted) is the last. */
  stopKilling(): void {
    this.killing = false;
    if (this.current?.killTimer !== undefined) clearTimeout(this.current.killTimer);
  }

  /** Resolves when the current incarnation's log matches `pattern`; throws after `timeoutMs`. */
  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.current;
      if (current !== undefined && pattern.test(readLog(current.logFile))) return;
      if (Date.now() > deadline) {
        throw new Error(`${this.options.name}: no log line matching ${String(pattern)} within ${timeoutMs} ms; last log ${current?.logFile ?? '(none)'}:\n${tail(current?.logFile)}`);
      }
      await sleep(200);
    }
  }

  /** Stops restarting, sends SIGTERM to the incarnation alive now and waits for it (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs: number): Promise<Exit | undefined> {
    this.running = false;
    this.killing = false;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    const current = this.current;
    if (current === undefined) return undefined;
    if (current.killTimer !== undefined) clearTimeout(current.killTimer);
    current.stopping = true;
    current.child.kill('SIGTERM');
    const late = setTimeout(() => current.child.kill('SIGKILL'), timeoutMs);
    const exit = await current.exited;
    clearTimeout(late);
    return exit;
  }

  private spawnOne(): void {
    this.incarnations += 1;
    const number = this.incarnations;
    const logFile = `${this.options.logDir}/${this.options.name}-${String(number).padStart(3, '0')}.log`;
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['dist/cli/main.js', ...this.options.args], { cwd: REPO_ROOT, env: this.options.env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const startedAt = Date.now();
    const incarnation: Incarnation = { number, child, logFile, startedAt, killed: false, stopping: false, killTimer: undefined, exited: Promise.resolve(undefined as never) };
    incarnation.exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        if (incarnation.killTimer !== undefined) clearTimeout(incarnation.killTimer);
        const cause = incarnation.killed ? 'killed' : incarnation.stopping ? 'stopped' : 'own';
        const exit: Exit = { incarnation: number, code, signal, cause, logFile, lifetimeMs: Date.now() - startedAt };
        this.exits.push(exit);
        if (this.current === incarnation) this.current = undefined;
        if (this.running) this.restartTimer = setTimeout(() => this.spawnOne(), this.options.restartDelayMs ?? 100);
        resolve(exit);
      });
    });
    this.current = incarnation;
    if (this.killing) this.scheduleKill(incarnation, startedAt);
  }

  /** Kills `incarnation` a random lifetime after `from` (its start, or now for one that was running before the kills began). */
  private scheduleKill(incarnation: Incarnation, from: number): void {
    if (incarnation.killTimer !== undefined) return;
    const [min, max] = this.options.killAfterMs;
    const lifetime = this.options.random.int(min, max);
    const delay = Math.max(0, from + lifetime - Date.now());
    incarnation.killTimer = setTimeout(() => {
      incarnation.killTimer = undefined;
      if (!this.killing || incarnation.child.exitCode !== null || incarnation.child.signalCode !== null) return;
      incarnation.killed = true;
      incarnation.child.kill('SIGKILL');
    }, delay);
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tail(file: string | undefined): string {
  return file === undefined ? '' : readLog(file).split('\n').slice(-20).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
