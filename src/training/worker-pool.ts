import { Worker } from 'node:worker_threads';
import { RelearnError } from '../domain/errors.js';
import type { TrainingOutcome, TrainingTask } from './training-task.js';

interface Pending {
  id: number;
  task: TrainingTask;
  resolve: (outcome: TrainingOutcome) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

type Reply = { id: number; outcome: TrainingOutcome } | { id: number; error: string };

/**
 * Under the TypeScript sources (tests, tsx) the worker entry is a .ts file: a small eval
 * bootstrap registers tsx's loader inside the worker first. From dist/ it is plain JavaScript.
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./training-worker.js', import.meta.url));
  const entry = new URL('./training-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** A fixed set of worker threads running training tasks, first come first served. */
export class TrainingWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RelearnError('CONFIG_INVALID', `worker pool size must be a positive integer, got ${size}`);
  }

  run(task: TrainingTask): Promise<TrainingOutcome> {
    if (this.closed) return Promise.reject(new RelearnError('UNAVAILABLE', 'the training worker pool is closed', { retriable: true }));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  private spawn(): Slot {
    const slot: Slot = { worker: spawnWorker(), busy: null };
    slot.worker.on('message', (reply: Reply) => {
      const pending = slot.busy;
      slot.busy = null;
      if (pending !== null && pending.id === reply.id) {
        if ('outcome' in reply) pending.resolve(reply.outcome);
        else pending.reject(new RelearnError('TRAINING_FAILED', reply.error));
      }
      this.dispatch();
    });
    const onDeath = (error: Error | number) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      const message = typeof error === 'number' ? `exit code ${error}` : error.message;
      // A dead worker (out of memory, crash) may succeed on another try: retriable.
      slot.busy?.reject(new RelearnError('TRAINING_FAILED', `training worker died: ${message}`, { retriable: true }));
      slot.busy = null;
      if (!this.closed) this.dispatch();
    };
    slot.worker.on('error', onDeath);
    slot.worker.on('exit', (code) => {
      if (slot.busy !== null || (!this.closed && this.slots.includes(slot))) onDeath(code);
    });
    this.slots.push(slot);
    return slot;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((candidate) => candidate.busy === null);
      if (slot === undefined && this.slots.length < this.size) slot = this.spawn();
      if (slot === undefined) return;
      const pending = this.queue.shift();
      if (pending === undefined) return;
      slot.busy = pending;
      slot.worker.postMessage({ id: pending.id, task: pending.task });
    }
  }

  get busyWorkers(): number {
    return this.slots.filter((slot) => slot.busy !== null).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new RelearnError('UNAVAILABLE', 'the training worker pool closed', { retriable: true }));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }
}
