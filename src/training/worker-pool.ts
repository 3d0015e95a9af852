import { Worker, type ResourceLimits } from 'node:worker_threads';
import { RelearnError } from '../domain/errors.js';
import type { TrainingOutcome, TrainingTask } from './training-task.js';

/** Heap limits of each training worker thread (Node's `resourceLimits`). */
export interface TrainingWorkerLimits {
  /** The worker's old generation (most of its heap), in MB. */
  maxOldGenerationSizeMb: number;
  /** The worker's young generation, in MB; V8's default when absent. */
  maxYoungGenerationSizeMb?: number;
}

export interface TrainingWorkerPoolOptions {
  resourceLimits?: TrainingWorkerLimits;
}

export interface TrainingRunOptions {
  /** Aborting it stops the training: a queued task is dropped, a running one's worker is terminated. */
  signal?: AbortSignal;
  /** The longest the training may run on its worker (time waiting in the queue not counted); none when absent. */
  timeoutMs?: number;
}

interface Pending {
  id: number;
  task: TrainingTask;
  timeoutMs: number | undefined;
  resolve: (outcome: TrainingOutcome) => void;
  reject: (error: Error) => void;
  /** Undoes the abort listener and the timer; called once the task settles. */
  cleanup: () => void;
  /** Set while the task runs on a slot. */
  slot: Slot | null;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
  /** Terminated by the pool (timeout, abort, close): whatever it still says or does is ignored. */
  retired: boolean;
}

type Reply = { id: number; outcome: TrainingOutcome } | { id: number; error: string };

/**
 * Under the TypeScript sources (tests, tsx) the worker entry is a .ts file: a small eval
 * bootstrap registers tsx's loader inside the worker first. From dist/ it is plain JavaScript.
 */
function spawnWorker(resourceLimits: ResourceLimits | undefined): Worker {
  const options = resourceLimits === undefined ? {} : { resourceLimits };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./training-worker.js', import.meta.url), options);
  const entry = new URL('./training-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function describeReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'aborted';
}

function checkLimits(limits: TrainingWorkerLimits | undefined): void {
  if (limits === undefined) return;
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new RelearnError('CONFIG_INVALID', `worker pool ${name} must be a positive integer (MB), got ${value}`);
    }
  };
  positive('maxOldGenerationSizeMb', limits.maxOldGenerationSizeMb);
  positive('maxYoungGenerationSizeMb', limits.maxYoungGenerationSizeMb);
}

/**
 * A fixed set of worker threads running training tasks, first come first served. A
 * training that runs past its time limit, or whose signal aborts, is stopped by
 * terminating its worker (a synchronous training cannot be interrupted any other way);
 * the next task gets a fresh worker. Each worker's heap is capped by `resourceLimits`, so a
 * training too large for it fails alone instead of taking the process down.
 */
export class TrainingWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly resourceLimits: ResourceLimits | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size: number,
    options: TrainingWorkerPoolOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RelearnError('CONFIG_INVALID', `worker pool size must be a positive integer, got ${size}`);
    checkLimits(options.resourceLimits);
    const limits = options.resourceLimits;
    this.resourceLimits =
      limits === undefined
        ? undefined
        : {
            maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb,
            ...(limits.maxYoungGenerationSizeMb === undefined ? {} : { maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb }),
          };
  }

  /**
   * Trains `task` on a worker thread. Rejects with TRAINING_TIMEOUT (not retriable) past
   * `timeoutMs` of running, TRAINING_ABORTED (retriable) when `signal` aborts,
   * TRAINING_FAILED when the trainer throws (not retriable) or the worker runs out of its
   * memory limit (not retriable) or dies otherwise (retriable), UNAVAILABLE once the pool is closed.
   */
  run(task: TrainingTask, options: TrainingRunOptions = {}): Promise<TrainingOutcome> {
    if (this.closed) return Promise.reject(new RelearnError('UNAVAILABLE', 'the training worker pool is closed', { retriable: true }));
    const { signal, timeoutMs } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      return Promise.reject(new RelearnError('INVALID_ARGUMENT', `training timeout must be a positive number of milliseconds, got ${timeoutMs}`));
    }
    if (signal?.aborted === true) return Promise.reject(this.abortedError(signal, 'before it started'));
    return new Promise<TrainingOutcome>((resolve, reject) => {
      const pending: Pending = {
        id: this.nextId++,
        task,
        timeoutMs,
        resolve: (outcome) => {
          if (pending.settled) return;
          pending.settled = true;
          pending.cleanup();
          resolve(outcome);
        },
        reject: (error) => {
          if (pending.settled) return;
          pending.settled = true;
          pending.cleanup();
          reject(error);
        },
        cleanup: () => undefined,
        slot: null,
        settled: false,
      };
      if (signal !== undefined) {
        const onAbort = () => this.abort(pending, signal);
        signal.addEventListener('abort', onAbort, { once: true });
        pending.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(pending);
      this.dispatch();
    });
  }

  private abortedError(signal: AbortSignal, when: string): RelearnError {
    return new RelearnError('TRAINING_ABORTED', `training aborted ${when}: ${describeReason(signal)}`, { retriable: true, cause: signal.reason });
  }

  private abort(pending: Pending, signal: AbortSignal): void {
    if (pending.settled) return;
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.reject(this.abortedError(signal, 'while queued'));
      return;
    }
    if (pending.slot !== null) this.stop(pending, this.abortedError(signal, 'while running; its worker was terminated'));
  }

  /** Terminates the worker running `pending` and rejects it; the next task gets a fresh worker. */
  private stop(pending: Pending, error: RelearnError): void {
    const slot = pending.slot;
    if (slot !== null) this.retire(slot);
    pending.reject(error);
    if (!this.closed) this.dispatch();
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    slot.busy = null;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    // The thread stops at its next safe point; its exit is ignored (retired).
    void slot.worker.terminate().catch(() => undefined);
  }

  private spawn(): Slot {
    const slot: Slot = { worker: spawnWorker(this.resourceLimits), busy: null, retired: false };
    slot.worker.on('message', (reply: Reply) => {
      if (slot.retired) return;
      const pending = slot.busy;
      slot.busy = null;
      if (pending !== null && pending.id === reply.id) {
        pending.slot = null;
        if ('outcome' in reply) pending.resolve(reply.outcome);
        else pending.reject(new RelearnError('TRAINING_FAILED', reply.error));
      }
      this.dispatch();
    });
    const onDeath = (error: Error | number) => {
      if (slot.retired) return;
      const pending = slot.busy;
      this.retire(slot);
      pending?.reject(this.deathError(error));
      if (!this.closed) this.dispatch();
    };
    slot.worker.on('error', onDeath);
    slot.worker.on('exit', onDeath);
    this.slots.push(slot);
    return slot;
  }

  private deathError(error: Error | number): RelearnError {
    if (typeof error !== 'number' && (error as Error & { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const limit = this.resourceLimits === undefined ? 'no limit configured: V8 default heap' : `limit ${this.resourceLimits.maxOldGenerationSizeMb} MB`;
      // The same task on the same limit runs out again: not retriable. Fewer rows or trees, or a larger limit, help.
      return new RelearnError(
        'TRAINING_FAILED',
        `training worker ran out of memory (${limit}); train on fewer rows or smaller hyperparameters, or raise RELEARN_TRAINING_WORKER_MEMORY_MB`,
        { cause: error },
      );
    }
    const message = typeof error === 'number' ? `exit code ${error}` : error.message;
    // A worker that crashed otherwise may succeed on another try: retriable.
    return new RelearnError('TRAINING_FAILED', `training worker died: ${message}`, { retriable: true, ...(typeof error === 'number' ? {} : { cause: error }) });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((candidate) => candidate.busy === null);
      if (slot === undefined && this.slots.length < this.size) slot = this.spawn();
      if (slot === undefined) return;
      const pending = this.queue.shift();
      if (pending === undefined) return;
      slot.busy = pending;
      pending.slot = slot;
      if (pending.timeoutMs !== undefined) this.arm(pending, pending.timeoutMs);
      slot.worker.postMessage({ id: pending.id, task: pending.task });
    }
  }

  /** Starts the running task's clock: past `timeoutMs` its worker is terminated. */
  private arm(pending: Pending, timeoutMs: number): void {
    const timer = setTimeout(() => {
      if (pending.settled || pending.slot === null) return;
      this.stop(
        pending,
        new RelearnError('TRAINING_TIMEOUT', `training ran longer than ${timeoutMs} ms and was stopped (its worker was terminated); train on fewer rows or smaller hyperparameters, or raise RELEARN_TRAINING_TIMEOUT_MS`),
      );
    }, timeoutMs);
    const previous = pending.cleanup;
    pending.cleanup = () => {
      clearTimeout(timer);
      previous();
    };
  }

  get busyWorkers(): number {
    return this.slots.filter((slot) => slot.busy !== null).length;
  }

  /** Rejects queued and running tasks (UNAVAILABLE, retriable) and terminates every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new RelearnError('UNAVAILABLE', 'the training worker pool closed', { retriable: true }));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.retired = true;
      slot.busy?.reject(new RelearnError('UNAVAILABLE', 'the training worker pool closed while the training ran', { retriable: true }));
      slot.busy = null;
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}
