import { afterEach, describe, expect, it } from 'vitest';

import { isRelearnError, RelearnError } from '../../../src/domain/errors.js';
import type { StoredTransaction } from '../../../src/ports/event-store.js';
import { generateEvents, resolveSimulationOptions } from '../../../src/simulate/index.js';
import type { TrainingTask } from '../../../src/training/training-task.js';
import { TrainingWorkerPool } from '../../../src/training/worker-pool.js';

const records = generateEvents(resolveSimulationOptions({ users: 1, orgs: 1, days: 60, seed: 11, invalidRate: 0 }));
const rows: StoredTransaction[] = [];
for (const record of records) if (record.kind === 'event' && !record.resend && record.role === 'transactions') rows.push({ ...record.event, label: record.event.category });

function categorizerTask(hyperparameters: Record<string, number>, taskRows: StoredTransaction[] = rows): TrainingTask {
  return { kind: 'categorizer', engine: 'relearn-forest', rows: taskRows, mode: 'full', seed: 1, hyperparameters, championArtifact: null, heldOutFraction: 0.2, maxTrees: 60 };
}

/** A few milliseconds of training. */
const SMALL = categorizerTask({ nTrees: 3 });
/** Tens of seconds of training on this machine: only ever stopped. */
const LONG = categorizerTask({ nTrees: 100_000 });

const pools: TrainingWorkerPool[] = [];

function pool(size: number, options?: ConstructorParameters<typeof TrainingWorkerPool>[1]): TrainingWorkerPool {
  const created = new TrainingWorkerPool(size, options);
  pools.push(created);
  return created;
}

afterEach(async () => {
  for (const created of pools.splice(0)) await created.close();
});

async function rejection(promise: Promise<unknown>): Promise<RelearnError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RelearnError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('TrainingWorkerPool', () => {
  it('trains on a worker thread', async () => {
    const outcome = await pool(1).run(SMALL);
    expect(outcome.kind).toBe('categorizer');
    expect(outcome.artifact.length).toBeGreaterThan(0);
  });

  it('stops a training past its time limit with a non-retriable TRAINING_TIMEOUT, and trains the next task on a fresh worker', async () => {
    const workers = pool(1);
    const started = Date.now();
    const error = await rejection(workers.run(LONG, { timeoutMs: 300 }));
    expect(error).toMatchObject({ code: 'TRAINING_TIMEOUT', retriable: false });
    expect(error.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(workers.busyWorkers).toBe(0);
    expect((await workers.run(SMALL, { timeoutMs: 20_000 })).kind).toBe('categorizer');
  });

  it('does not count time waiting in the queue against the limit', async () => {
    const workers = pool(1);
    const first = workers.run(SMALL);
    const second = workers.run(SMALL, { timeoutMs: 20_000 });
    await expect(first).resolves.toMatchObject({ kind: 'categorizer' });
    await expect(second).resolves.toMatchObject({ kind: 'categorizer' });
  });

  it('terminates a running training whose signal aborts, with a retriable TRAINING_ABORTED, and keeps working', async () => {
    const workers = pool(1);
    const controller = new AbortController();
    const running = workers.run(LONG, { signal: controller.signal });
    await wait(300);
    expect(workers.busyWorkers).toBe(1);
    controller.abort(new Error('lease lost'));
    const error = await rejection(running);
    expect(error).toMatchObject({ code: 'TRAINING_ABORTED', retriable: true });
    expect(error.message).toContain('lease lost');
    expect(workers.busyWorkers).toBe(0);
    expect((await workers.run(SMALL)).kind).toBe('categorizer');
  });

  it('drops an aborted task that still waits in the queue, leaving the running one alone', async () => {
    const workers = pool(1);
    const first = new AbortController();
    const queued = new AbortController();
    const running = workers.run(LONG, { signal: first.signal });
    const waiting = workers.run(SMALL, { signal: queued.signal });
    queued.abort('cancelled');
    const error = await rejection(waiting);
    expect(error).toMatchObject({ code: 'TRAINING_ABORTED', retriable: true });
    expect(error.message).toContain('queued');
    expect(workers.busyWorkers).toBe(1);
    first.abort('shutting down');
    expect(isRelearnError(await rejection(running), 'TRAINING_ABORTED')).toBe(true);
    expect((await workers.run(SMALL)).kind).toBe('categorizer');
  });

  it('rejects at once a task whose signal aborted before the call', async () => {
    const error = await rejection(pool(1).run(SMALL, { signal: AbortSignal.abort('too late') }));
    expect(error).toMatchObject({ code: 'TRAINING_ABORTED', retriable: true });
  });

  it('ignores a signal that aborts after the training finished', async () => {
    const workers = pool(1);
    const controller = new AbortController();
    await workers.run(SMALL, { signal: controller.signal, timeoutMs: 20_000 });
    controller.abort();
    expect((await workers.run(SMALL)).kind).toBe('categorizer');
  });

  it('fails a training that runs out of its worker heap with a clear non-retriable TRAINING_FAILED, and keeps working', async () => {
    const workers = pool(1, { resourceLimits: { maxOldGenerationSizeMb: 12, maxYoungGenerationSizeMb: 4 } });
    // A small training fits under the limit…
    expect((await workers.run(SMALL)).kind).toBe('categorizer');
    // …a training window of 15,000 rows does not.
    const many = Array.from({ length: 100 }, (_, copy) => rows.map((row) => ({ ...row, eventId: `${row.eventId}-${copy}`, transactionId: `${row.transactionId}-${copy}` }))).flat();
    const error = await rejection(workers.run(categorizerTask({ nTrees: 3 }, many), { timeoutMs: 60_000 }));
    expect(error).toMatchObject({ code: 'TRAINING_FAILED', retriable: false });
    expect(error.message).toMatch(/^training worker ran out of memory \(limit 12 MB\)/);
    expect((await workers.run(SMALL)).kind).toBe('categorizer');
  });

  it('runs tasks on up to `size` workers at once', async () => {
    const workers = pool(2);
    const a = new AbortController();
    const b = new AbortController();
    const first = workers.run(LONG, { signal: a.signal });
    const second = workers.run(LONG, { signal: b.signal });
    await wait(100);
    expect(workers.busyWorkers).toBe(2);
    a.abort();
    b.abort();
    await Promise.allSettled([first, second]);
    expect(workers.busyWorkers).toBe(0);
  });

  it('rejects running and queued tasks when closed, and every task after', async () => {
    const workers = pool(1);
    const running = rejection(workers.run(LONG));
    const queued = rejection(workers.run(SMALL));
    await wait(100);
    await workers.close();
    expect(await running).toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    expect(await queued).toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    expect(await rejection(workers.run(SMALL))).toMatchObject({ code: 'UNAVAILABLE', retriable: true });
  });

  it('refuses a bad size, memory limit or timeout', async () => {
    expect(() => new TrainingWorkerPool(0)).toThrow(/size/);
    expect(() => new TrainingWorkerPool(1, { resourceLimits: { maxOldGenerationSizeMb: 0 } })).toThrow(/maxOldGenerationSizeMb/);
    expect(() => new TrainingWorkerPool(1, { resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 1.5 } })).toThrow(/maxYoungGenerationSizeMb/);
    expect(await rejection(pool(1).run(SMALL, { timeoutMs: 0 }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
