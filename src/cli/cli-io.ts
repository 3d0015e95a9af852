/**
 * Where a command writes: stdout for its result (people's text or --json), stderr for
 * progress and errors. Injected so tests run commands in-process and read both.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress bars redraw in place instead of printing lines. */
  readonly errIsTTY: boolean;
}

/** What commands read from the world besides their arguments. */
export interface CliContext {
  io: CliIo;
  /** Settings and RELEARN_API_URL / RELEARN_API_TOKEN come from here. */
  env: NodeJS.ProcessEnv;
  /** Waits between polls (train); tests may make it advance a fake service instead. */
  sleep(ms: number): Promise<void>;
  /** Epoch ms; paces `produce` and times `train`'s wait. */
  now(): number;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    errIsTTY: process.stderr.isTTY,
  };
}

export function processContext(): CliContext {
  return {
    io: processIo(),
    env: process.env,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
  };
}
