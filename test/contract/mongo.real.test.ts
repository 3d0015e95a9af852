// The port contracts against the MongoDB adapters on the real test stack's MongoDB-protocol
// server. Each test gets a fresh, uniquely named database with the start-up indexes,
// dropped when the test finishes; without a stack, stackEnv() throws and the tests fail.
import { randomUUID } from 'node:crypto';

import { MongoClient, type Db } from 'mongodb';
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';

import { MongoCounterStore } from '../../src/adapters/mongo/mongo-counter-store.js';
import { MongoDecisionOutbox } from '../../src/adapters/mongo/mongo-decision-outbox.js';
import { MongoEventStore } from '../../src/adapters/mongo/mongo-event-store.js';
import { ensureIndexes } from '../../src/adapters/mongo/mongo-indexes.js';
import { MongoJobQueue } from '../../src/adapters/mongo/mongo-job-queue.js';
import { MongoModelRegistry } from '../../src/adapters/mongo/mongo-model-registry.js';
import { isRelearnError } from '../../src/domain/errors.js';
import { stackEnv } from '../integration/stack-env.js';
import { decision, label, modelVersion, position, trainingRequest, transaction, withSingleAppends } from './contract-fixtures.js';
import { describeCounterStoreContract } from './counter-store.contract.js';
import { describeDecisionOutboxContract } from './decision-outbox.contract.js';
import { describeEventStoreContract } from './event-store.contract.js';
import { describeJobQueueContract } from './job-queue.contract.js';
import { describeModelRegistryContract } from './model-registry.contract.js';

let client: MongoClient | undefined;

async function connected(): Promise<MongoClient> {
  if (client === undefined) {
    const fresh = new MongoClient(stackEnv().mongodbUri);
    await fresh.connect();
    client = fresh;
  }
  return client;
}

afterAll(async () => {
  await client?.close();
});

/** A new database for the running test, indexed as at start-up and dropped when the test ends. */
async function freshDatabase(): Promise<Db> {
  const db = (await connected()).db(`relearn-contract-${randomUUID().replaceAll('-', '').slice(0, 16)}`);
  onTestFinished(async () => {
    await db.dropDatabase();
  });
  await ensureIndexes(db);
  return db;
}

describeEventStoreContract('mongo', async () => new MongoEventStore(await freshDatabase()));
describeCounterStoreContract('mongo', async () => new MongoCounterStore(await freshDatabase()));
describeDecisionOutboxContract('mongo', async () => new MongoDecisionOutbox(await freshDatabase()));
describeJobQueueContract('mongo', async () => new MongoJobQueue(await freshDatabase()));
describeModelRegistryContract('mongo', async () => new MongoModelRegistry(await freshDatabase()));

describe('MongoModelRegistry commits', () => {
  it('hides a version whose store died before its commit, and gives its number to the next store', async () => {
    const db = await freshDatabase();
    const registry = new MongoModelRegistry(db);
    await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), new Uint8Array([1]), 1);
    // What a trainer leaves when it dies between writing version 2's document and committing it.
    const crashed = new MongoModelRegistry(db);
    const commit = vi.spyOn(crashed as unknown as { touchIntent: () => Promise<void> }, 'touchIntent').mockRejectedValue(new Error('killed'));
    await expect(crashed.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2' }), new Uint8Array([2]), 2)).rejects.toThrow('killed');
    expect(commit).toHaveBeenCalledOnce();
    expect((await registry.list({ scope: 'user:u1' })).map((row) => row.version)).toEqual([1]);
    expect(await registry.get('user:u1', 'categorizer', 2)).toBeNull();
    expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
    expect((await registry.unannounced(10)).map((entry) => entry.version)).toEqual([1]);
    // The job's next holder stores version 2 over it, with its own artifact.
    const retried = await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2' }), new Uint8Array([3]), 3);
    expect(retried.version).toBe(2);
    expect(await registry.artifact('user:u1', 'categorizer', 2)).toEqual(new Uint8Array([3]));
    expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(2);
    // The dead holder's token can no longer write anything.
    await expect(crashed.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2' }), new Uint8Array([2]), 2)).resolves.toMatchObject({ version: 2 });
    await expect(crashed.store(modelVersion('user:u1', 'categorizer', { requestId: 'r9' }), new Uint8Array([2]), 2)).rejects.toMatchObject({ code: 'STALE_FENCE' });
  });
});

describe('MongoModelRegistry artifacts', () => {
  it('round-trips an artifact larger than a MongoDB document may be', async () => {
    const registry = new MongoModelRegistry(await freshDatabase());
    const artifact = new Uint8Array(20 * 1024 * 1024).map((_, index) => index % 251);
    const stored = await registry.store(modelVersion('org:o1', 'anomaly'), artifact, 1);
    expect(stored.artifactBytes).toBe(artifact.byteLength);
    expect(Buffer.from((await registry.artifact('org:o1', 'anomaly', stored.version)) ?? []).equals(Buffer.from(artifact))).toBe(true);
  });
});

// What the contracts cannot show with one caller: the guarantees hold when callers race,
// which is where single-document atomicity and guarded updates must carry them.
describe('MongoDB adapters under concurrent callers', () => {
  const RACERS = 20;

  it('counts a record once when every racer applies the same stream offset', async () => {
    const store = new MongoCounterStore(await freshDatabase());
    const applied = await Promise.all(
      Array.from({ length: RACERS }, () => store.apply('user:u1', 'forecaster', { total: 1 }, { stream: 'relearn.transactions.v1/0', offset: 7 })),
    );
    expect(applied.filter(Boolean)).toHaveLength(1);
    expect((await store.get('user:u1', 'forecaster'))?.total).toBe(1);
  });

  it('lets one racer claim the open decision; the others see it open', async () => {
    const store = new MongoCounterStore(await freshDatabase());
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, index) =>
        store.update(null, [{ scope: 'user:u1', kind: 'categorizer' }], (after) => ({ decision: decision({ decisionId: `racer-${index}/${after.decisions + 1}` }), followUp: null, recheckAt: null })),
      ),
    );
    expect(results.flatMap(([result]) => (result?.claimed == null ? [] : [result.claimed])).length).toBe(1);
    expect((await store.get('user:u1', 'categorizer'))?.decisions).toBe(1);
  });

  it('counts every racing batch of distinct events once (compare-and-set under contention)', async () => {
    const store = new MongoCounterStore(await freshDatabase());
    await Promise.all(
      Array.from({ length: RACERS }, (_, index) =>
        store.update(`s/${index}`, [{ scope: 'user:u1', kind: 'forecaster', offset: 1, fresh: true, delta: { total: 1 } }], (after) => ({ decision: null, followUp: null, recheckAt: after.recheckAt })),
      ),
    );
    expect((await store.get('user:u1', 'forecaster'))?.total).toBe(RACERS);
  });

  // Each MongoCounterStore remembers the documents it last read or wrote and starts its next
  // update from them: another process's write in between must neither double nor lose a count.
  it('counts on the current document when another process wrote since this store last saw it', async () => {
    const db = await freshDatabase();
    const [a, b] = [new MongoCounterStore(db), new MongoCounterStore(db)];
    const stream = 'relearn.transactions.v1/0';
    const entry = (offset: number, fresh = false) => ({ scope: 'user:u1' as const, kind: 'forecaster' as const, offset, fresh, delta: { total: 1 } });
    const keep = (after: { recheckAt: number | null }) => ({ decision: null, followUp: null, recheckAt: after.recheckAt });
    await a.update(stream, [entry(1, true)], keep);
    await b.update(stream, [entry(2, true), entry(3, true), entry(4, true), entry(5, true)], keep);
    // A redelivery of offset 4 to a: its remembered document says offset 1 was the last counted.
    const [redelivered] = await a.update(stream, [entry(4)], keep);
    expect(redelivered?.counted).toBe(false);
    const [next] = await a.update(stream, [entry(6, true)], keep);
    expect(next?.counted).toBe(true);
    expect((await b.get('user:u1', 'forecaster'))?.total).toBe(6);
  });

  it('counts a redelivery past an applied offset another process moved backwards (a re-created topic)', async () => {
    const db = await freshDatabase();
    const [a, b] = [new MongoCounterStore(db), new MongoCounterStore(db)];
    const stream = 'relearn.transactions.v1/0';
    const entry = (offset: number, fresh = false) => ({ scope: 'user:u1' as const, kind: 'forecaster' as const, offset, fresh, delta: { total: 1 } });
    const keep = (after: { recheckAt: number | null }) => ({ decision: null, followUp: null, recheckAt: after.recheckAt });
    await a.update(stream, [entry(10, true)], keep);
    // The topic is re-created: b counts a new event at offset 0, the applied offset goes back to 0.
    await b.update(stream, [entry(0, true)], keep);
    // An event at offset 5 of the new topic, stored before a crash interrupted its counting, is
    // redelivered to a, whose remembered document still says offset 10: it must count.
    const [redelivered] = await a.update(stream, [entry(5)], keep);
    expect(redelivered?.counted).toBe(true);
    expect((await b.get('user:u1', 'forecaster'))?.total).toBe(3);
  });

  it('leases at most one job per (scope, kind) to racing workers', async () => {
    const queue = new MongoJobQueue(await freshDatabase());
    for (let index = 0; index < 4; index += 1) {
      await queue.enqueue(trainingRequest({ requestId: `same-${index}` }), { maxAttempts: 1, now: index });
    }
    await queue.enqueue(trainingRequest({ requestId: 'other', modelKind: 'forecaster' }), { maxAttempts: 1, now: 9 });
    const leases = await Promise.all(Array.from({ length: RACERS }, (_, index) => queue.lease(`w${index}`, 60_000, 100)));
    const won = leases.flatMap((lease) => (lease === null ? [] : [lease]));
    expect(won.map((lease) => lease.job.kind).sort()).toEqual(['categorizer', 'forecaster']);
    expect(new Set(won.map((lease) => lease.token)).size).toBe(2);
    expect(await queue.list({ status: 'running' })).toHaveLength(2);
  });

  it('stores distinct versions for racing trainers and refuses only with STALE_FENCE', async () => {
    const registry = new MongoModelRegistry(await freshDatabase());
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) => registry.store(modelVersion('user:u1', 'categorizer', { requestId: `r${index}` }), new Uint8Array([index]), index + 1)),
    );
    const versions = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.version] : []));
    const refusals: unknown[] = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions).size).toBe(versions.length);
    expect(refusals.every((reason) => isRelearnError(reason) && reason.code === 'STALE_FENCE')).toBe(true);
    // The committed versions, their champion and their announcements agree.
    const listed = await registry.list({ scope: 'user:u1', kind: 'categorizer' });
    expect(listed.map((row) => row.version).sort((a, b) => a - b)).toEqual([...versions].sort((a, b) => a - b));
    expect((await registry.unannounced(100)).map((entry) => entry.version).sort((a, b) => a - b)).toEqual([...versions].sort((a, b) => a - b));
    expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(Math.max(...versions));
  });

  it('labels an item whose label races its insert, and reports it labeled exactly once', async () => {
    const store = withSingleAppends(new MongoEventStore(await freshDatabase()));
    for (let index = 0; index < RACERS; index += 1) {
      const itemId = `t${index}`;
      const [inserted, labelled] = await Promise.all([
        store.appendTransaction(transaction({ eventId: `tx-${index}`, transactionId: itemId }), position(index)),
        store.appendLabel(label({ eventId: `label-${index}`, itemId }), position(index, 'labels')),
      ]);
      expect([inserted.labeled, labelled.newlyLabeled].filter(Boolean)).toHaveLength(1);
    }
    const rows = await store.transactions('u1');
    expect(rows).toHaveLength(RACERS);
    expect(rows.every((row) => row.label === 'groceries')).toBe(true);
  });
});
