/**
 * Runs one task at a time on demand: a kick during a run causes exactly one more run, so
 * work that arrives while the task is busy is never missed and never run in parallel. A
 * failed run is reported, never thrown: the next kick (or a periodic one) tries again.
 */
export class SerialRunner {
  private running: Promise<void> | null = null;
  private again = false;
  /** Runs that ended on an error, and the last such error (for logs, metrics and readiness). */
  failures = 0;
  lastError: unknown = null;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  kick(): Promise<void> {
    this.again = true;
    if (this.running === null) {
      this.running = (async () => {
        try {
          while (this.again) {
            this.again = false;
            await this.task();
          }
          this.lastError = null;
        } catch (error) {
          this.failures += 1;
          this.lastError = error;
          this.onError(error);
        } finally {
          // In the same step as the last check of `again`: a kick after it starts a new
          // run instead of being folded into one that has already decided to stop.
          this.running = null;
        }
      })();
    }
    return this.running;
  }

  get idle(): boolean {
    return this.running === null;
  }
}
