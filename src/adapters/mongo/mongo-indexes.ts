import type { Db } from 'mongodb';

import { MONGO_COLLECTIONS } from './mongo-collections.js';

/**
 * Creates every index the MongoDB adapters rely on; run once at start-up (idempotent).
 * Uniqueness of event ids, decision ids, job ids and model ids comes from `_id`, which is
 * always unique; the indexes here serve the queries and the unique model version.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all([
    db.collection(MONGO_COLLECTIONS.events).createIndex({ type: 1 }),
    db.collection(MONGO_COLLECTIONS.transactions).createIndex({ 'row.userId': 1, 'row.occurredAt': 1 }),
    db.collection(MONGO_COLLECTIONS.expenses).createIndex({ 'row.orgId': 1, 'row.occurredAt': 1 }),
    db.collection(MONGO_COLLECTIONS.expenses).createIndex({ 'row.sheetId': 1, 'row.occurredAt': 1 }),
    db.collection(MONGO_COLLECTIONS.counters).createIndex({ scope: 1, kind: 1 }),
    db.collection(MONGO_COLLECTIONS.decisions).createIndex({ seq: 1 }, { unique: true }),
    db.collection(MONGO_COLLECTIONS.decisions).createIndex({ publishedAt: 1, seq: 1 }),
    db.collection(MONGO_COLLECTIONS.decisions).createIndex({ scope: 1, kind: 1, seq: -1 }),
    db.collection(MONGO_COLLECTIONS.jobs).createIndex({ seq: -1 }, { unique: true }),
    db.collection(MONGO_COLLECTIONS.jobs).createIndex({ status: 1, priority: -1, createdAt: 1 }),
    db.collection(MONGO_COLLECTIONS.jobs).createIndex({ scope: 1, kind: 1, seq: -1 }),
    db.collection(MONGO_COLLECTIONS.jobLocks).createIndex({ leaseExpiresAt: 1 }),
    db.collection(MONGO_COLLECTIONS.models).createIndex({ scope: 1, kind: 1, version: 1 }, { unique: true }),
    db.collection(MONGO_COLLECTIONS.models).createIndex({ trainedAt: -1, version: -1 }),
  ]);
}
