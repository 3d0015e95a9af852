/** How long a partition rests after its handler rejected, before the batch is fetched again. */
export interface HandlerRetryOptions {
  /** Delay after the first failure. */
  initialMs: number;
  /** Upper bound: a partition that keeps failing is retried at least this often. */
  maxMs: number;
}

export const DEFAULT_HANDLER_RETRY: Readonly<HandlerRetryOptions> = Object.freeze({ initialMs: 500, maxMs: 30_000 });

/** Doubles per failure in a row (1-based `attempt`), capped at `maxMs`: never a hot loop, never given up. */
export function handlerRetryDelay(attempt: number, options: HandlerRetryOptions = DEFAULT_HANDLER_RETRY): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(options.maxMs, options.initialMs * 2 ** exponent);
}
