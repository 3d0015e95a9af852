import { afterEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts, type EmbeddedPorts } from '../../../src/app/composition-root.js';
import { AnnouncementRelay } from '../../../src/app/announcement-relay.js';
import { OutputCodecs } from '../../../src/app/event-codecs.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { TrainerRole, type TrainingFinished } from '../../../src/app/trainer-role.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
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
