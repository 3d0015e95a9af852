import { afterEach, describe, expect, it, vi } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts, type EmbeddedPorts } from '../../../src/app/composition-root.js';
import { AnnouncementRelay } from '../../../src/app/announcement-relay.js';
import { OutputCodecs } from '../../../src/app/event-codecs.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { until } from './until.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { TrainerRole, type TrainingFinished } from '../../../src/app/trainer-role.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
import { isRelearnError, RelearnError } from '../../../src/domain/errors.js';
import type { RelearnConfig } from '../../../src/config/relearn-config.js';
import type { ModelUpdated } from '../../../src/domain/events.js';
import { TrainingWorkerPool } from '../../../src/training/worker-pool.js';
import { modelVersion, position, trainingRequest, transaction } from '../../contract/contract-fixtures.js';

const config = defaultConfig();
const pools: TrainingWorkerPool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

async function trainerOn(ports: EmbeddedPorts): Promise<{ trainer: TrainerRole; finished: TrainingFinished[]; codecs: OutputCodecs; relay: AnnouncementRelay }> {
  await new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions()).registerSchemas();
  const pool = new TrainingWorkerPool(1);
  pools.push(pool);
  const codecs = new OutputCodecs(ports.codec, config.topics);
  const finished: TrainingFinished[] = [];
  const relay = new AnnouncementRelay({ outbox: ports.announcements, registry: ports.registry, sink: ports.sink, log: ports.log, codecs, topics: config.topics, clock: ports.clock });
  const trainer = new TrainerRole({ ...ports, codecs, pool, config, topics: config.topics, owner: 'test', onFinished: (entry) => finished.push(entry), onCommitted: () => void relay.kick() });
  return { trainer, finished, codecs, relay };
}

async function labeledHistory(ports: EmbeddedPorts, userId: string, count: number): Promise<void> {
  const categories = ['groceries', 'transport', 'dining'];
  for (let index = 0; index < count; index += 1) {
    const category = categories[index % categories.length] ?? null;
    await ports.store.appendBatch([{ input: { type: 'transaction', event: transaction({ eventId: `e-${index}`, userId, transactionId: `t-${index}`, occurredAt: 1_000 + index * 86_400_000, merchant: `${category} shop`, description: `${category} payment`, amount: -10 - index, category }) }, position: position(index) }]);
  }
}

async function untilSettled(ports: EmbeddedPorts, trainer: TrainerRole): Promise<void> {
  while (ports.bus.lag(config.groups.trainer, [config.topics['training-requests']]) > 0 || trainer.busy > 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function modelUpdates(ports: EmbeddedPorts): Promise<ModelUpdated[]> {
  return Promise.all(ports.bus.read(config.topics['model-updates']).map(async (record) => ({ ...((await ports.codec.decode(record.value ?? Buffer.alloc(0))) as ModelUpdated) })));
}

/** A pool whose trainings never end by themselves: they end only when aborted, as the real pool's do. */
function hangingPool(): { pool: TrainingWorkerPool; aborted: unknown[] } {
  const aborted: unknown[] = [];
  const run = (_task: unknown, options: { signal?: AbortSignal } = {}) =>
    new Promise<never>((_resolve, reject) => {
      options.signal?.addEventListener('abort', () => {
        aborted.push(options.signal?.reason);
        reject(new RelearnError('TRAINING_ABORTED', 'aborted', { retriable: true }));
      });
    });
  return { pool: { run, close: () => Promise.resolve() } as unknown as TrainingWorkerPool, aborted };
}

function hangingTrainer(ports: EmbeddedPorts, overrides: Partial<RelearnConfig['training']> = {}) {
  const { pool, aborted } = hangingPool();
  const finished: TrainingFinished[] = [];
  const trainingConfig = { ...config, training: { ...config.training, ...overrides } };
  const trainer = new TrainerRole({ ...ports, codecs: new OutputCodecs(ports.codec, config.topics), pool, config: trainingConfig, topics: config.topics, owner: 'test', onFinished: (entry) => finished.push(entry), onCommitted: () => undefined });
  return { trainer, finished, aborted };
}


describe('TrainerRole under faults', () => {
  it('stops the worker of a training whose lease was taken over, and writes nothing for it', async () => {
    const clock = new ManualClock(10_000_000_000);
    const ports = embeddedPorts(clock, config.topics);
    await labeledHistory(ports, 'u1', 60);
    const { trainer, finished, aborted } = hangingTrainer(ports, { leaseMs: 1_500 });
    await ports.jobs.enqueue(trainingRequest({ requestId: 'req-lost' }), { maxAttempts: 3, now: clock.now() });
    await trainer.start();
    trainer.fill();
    await until(async () => (await ports.jobs.get('req-lost'))?.stage === 'training');
    // The lease lapses (a long pause) and another trainer takes the job.
    clock.set(clock.now() + 60_000);
    const taken = await ports.jobs.lease('other-trainer', 60_000, clock.now());
    expect(taken?.job.jobId).toBe('req-lost');
    await until(() => aborted.length === 1);
    await trainer.drain();
    await trainer.stop();
    expect(isRelearnError(aborted[0], 'LEASE_LOST')).toBe(true);
    expect(finished).toEqual([]);
    expect(await ports.registry.list({ scope: 'user:u1' })).toEqual([]);
    expect((await ports.jobs.get('req-lost'))?.leaseOwner).toBe('other-trainer');
  });

  it('hands a running job back on shutdown once the grace is over, without counting the attempt', async () => {
    const clock = new ManualClock(10_000_000_000);
    const ports = embeddedPorts(clock, config.topics);
    await labeledHistory(ports, 'u1', 60);
    const { trainer, finished, aborted } = hangingTrainer(ports);
    await ports.jobs.enqueue(trainingRequest({ requestId: 'req-shutdown' }), { maxAttempts: 3, now: clock.now() });
    await trainer.start();
    trainer.fill();
    await until(async () => (await ports.jobs.get('req-shutdown'))?.stage === 'training');
    await trainer.stop({ graceMs: 50 });
    expect(aborted).toHaveLength(1);
    expect(finished).toEqual([]);
    expect(await ports.jobs.get('req-shutdown')).toMatchObject({ status: 'queued', attempts: 0 });
    // Another trainer takes it at once, not after the lease would have expired.
    expect((await ports.jobs.lease('next-trainer', 60_000, clock.now()))?.job.jobId).toBe('req-shutdown');
  });

  it('fails a job whose trainer died on every attempt, and closes its decision with a back-off', async () => {
    const clock = new ManualClock(10_000_000_000);
    const ports = embeddedPorts(clock, config.topics);
    const { trainer, finished } = hangingTrainer(ports);
    const markFailed = vi.spyOn(ports.counters, 'markFailed');
    const request = trainingRequest({ requestId: 'user:u1/categorizer/1' });
    await ports.jobs.enqueue(request, { maxAttempts: 1, now: clock.now() });
    expect(await ports.jobs.lease('dying-trainer', 1_000, clock.now())).not.toBeNull();
    clock.set(clock.now() + 5_000);
    await trainer.start({ pollMs: 10 });
    await until(() => finished.length === 1);
    await trainer.stop();
    expect(finished[0]).toMatchObject({ requestId: request.requestId, status: 'failed', errorCode: 'LEASE_LOST' });
    expect(await ports.jobs.get(request.requestId)).toMatchObject({ status: 'failed' });
    expect(markFailed).toHaveBeenCalledWith('user:u1', 'categorizer', { requestId: request.requestId, consumed: 50, failedAt: clock.now() });
  });
});

describe('TrainerRole', () => {
  it('dead-letters an undecodable training request once and trains the requests after it', async () => {
    const ports = embeddedPorts(new ManualClock(10_000_000_000), config.topics);
    await labeledHistory(ports, 'u1', 60);
    const { trainer, finished, codecs } = await trainerOn(ports);
    await ports.sink.send(config.topics['training-requests'], [
      { key: 'user:u1', value: Buffer.from('not avro at all') },
      { key: 'user:u1', value: await codecs.encodeTrainingRequest(trainingRequest({ requestId: 'req-after', reason: 'initial' })) },
    ]);
    await trainer.start();
    await untilSettled(ports, trainer);
    await trainer.stop();
    const dead = ports.bus.read(config.topics.dlq);
    expect(dead.map((record) => [record.headers['relearn.source.topic'], record.headers['relearn.error.class']])).toEqual([[config.topics['training-requests'], 'DECODE_FAILED']]);
    expect(finished.map((entry) => [entry.requestId, entry.status])).toEqual([['req-after', 'succeeded']]);
  });

  it('trains a requested model, stores version 1 as champion and announces it once', async () => {
    const ports = embeddedPorts(new ManualClock(10_000_000_000), config.topics);
    await labeledHistory(ports, 'u1', 60);
    const { trainer, finished, codecs, relay } = await trainerOn(ports);
    await ports.sink.send(config.topics['training-requests'], [{ key: 'user:u1', value: await codecs.encodeTrainingRequest(trainingRequest({ requestId: 'req-a', reason: 'initial' })) }]);
    await trainer.start();
    await untilSettled(ports, trainer);
    await trainer.stop();
    await relay.kick();

    expect(finished.map((entry) => [entry.requestId, entry.status, entry.version])).toEqual([['req-a', 'succeeded', 1]]);
    expect((await ports.registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
    expect((await modelUpdates(ports)).map((update) => [update.requestId, update.version])).toEqual([['req-a', 1]]);
    expect((await ports.jobs.get('req-a'))?.status).toBe('succeeded');
  });

  it('completes the job of a version a dead trainer committed, instead of training another, and announces it once', async () => {
    const ports = embeddedPorts(new ManualClock(10_000_000_000), config.topics);
    await labeledHistory(ports, 'u1', 60);
    const { trainer, finished, codecs, relay } = await trainerOn(ports);
    // What the dead trainer left: its job lease (token 1) and the version it stored under it.
    await ports.jobs.enqueue(trainingRequest({ requestId: 'req-b' }), { maxAttempts: 3, now: 0 });
    const deadLease = await ports.jobs.lease('dead-trainer', 1_000, 0);
    expect(deadLease).not.toBeNull();
    await ports.registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'req-b' }), new Uint8Array([1, 2, 3]), deadLease?.token ?? 0);

    // The lease has long expired when the request is redelivered to a live trainer.
    await ports.sink.send(config.topics['training-requests'], [{ key: 'user:u1', value: await codecs.encodeTrainingRequest(trainingRequest({ requestId: 'req-b' })) }]);
    await trainer.start();
    await untilSettled(ports, trainer);
    trainer.fill();
    await trainer.drain();
    await trainer.stop();
    await relay.kick();
    await relay.kick();

    expect(await ports.registry.list({ scope: 'user:u1', kind: 'categorizer' })).toHaveLength(1);
    expect((await modelUpdates(ports)).map((update) => [update.requestId, update.version])).toEqual([['req-b', 1]]);
    expect(finished.map((entry) => [entry.requestId, entry.status, entry.version])).toEqual([['req-b', 'succeeded', 1]]);
    expect((await ports.jobs.get('req-b'))?.status).toBe('succeeded');
  });
});
