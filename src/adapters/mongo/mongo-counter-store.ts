import type { Collection, Db, Filter, UpdateFilter } from 'mongodb';

import type { CounterDelta, ScopeCounters } from '../../domain/counters.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { CounterGuard, CounterStore } from '../../ports/counter-store.js';
import { encodeFieldKey } from './encode-field-key.js';
import { isDuplicateKeyError } from './is-duplicate-key-error.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';

/**
 * One (scope, kind). Counter fields are absent until first touched: `$inc`, `$min` and
 * `$max` then create them, which an upsert could not do if they were set on insert too
 * (and `$min` would keep a stored null, which sorts below every number).
 */
interface CounterDocument {
  _id: string;
  scope: Scope;
  kind: ModelKind;
  total?: number;
  sinceLastTraining?: number;
  sheets?: number;
  firstEventAt?: number | null;
  lastEventAt?: number | null;
  lastTrainedAt?: number | null;
  decisions?: number;
  performance?: number[];
  /** Highest applied offset per input stream, keyed by the encoded stream name. */
  applied?: Record<string, number>;
  trainedRequests?: string[];
}

function documentId(scope: Scope, kind: ModelKind): string {
  return `${scope}|${kind}`;
}

function toCounters(document: CounterDocument): ScopeCounters {
  return {
    scope: document.scope,
    kind: document.kind,
    total: document.total ?? 0,
    sinceLastTraining: document.sinceLastTraining ?? 0,
    sheets: document.sheets ?? 0,
    firstEventAt: document.firstEventAt ?? null,
    lastEventAt: document.lastEventAt ?? null,
    lastTrainedAt: document.lastTrainedAt ?? null,
    decisions: document.decisions ?? 0,
    performance: document.performance ?? [],
  };
}

/** The same arithmetic as `applyCounterDelta`, as update operators, so it happens inside one atomic document update. */
function deltaUpdate(delta: CounterDelta, guard: CounterGuard, scope: Scope, kind: ModelKind): UpdateFilter<CounterDocument> {
  const increments: Record<string, number> = {};
  if (delta.total !== undefined) increments.total = delta.total;
  if (delta.sinceLastTraining !== undefined) increments.sinceLastTraining = delta.sinceLastTraining;
  if (delta.sheets !== undefined) increments.sheets = delta.sheets;
  const update: Record<string, unknown> = {
    $set: { [`applied.${encodeFieldKey(guard.stream)}`]: guard.offset },
    $setOnInsert: { scope, kind },
  };
  if (Object.keys(increments).length > 0) update.$inc = increments;
  if (delta.eventTime !== undefined) {
    update.$min = { firstEventAt: delta.eventTime };
    update.$max = { lastEventAt: delta.eventTime };
  }
  if (delta.performanceSample !== undefined) {
    update.$push = { performance: { $each: [delta.performanceSample], $slice: -(delta.performanceWindow ?? 50) } };
  }
  return update;
}

/** Runs an upsert whose filter may fail on an existing document; that failure surfaces as a duplicate key and means "not applied". */
async function guardedUpsert(collection: Collection<CounterDocument>, filter: Filter<CounterDocument>, update: UpdateFilter<CounterDocument>): Promise<boolean> {
  try {
    const result = await collection.updateOne(filter, update, { upsert: true });
    return result.matchedCount + result.upsertedCount > 0;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * Counters on MongoDB: one document per (scope, kind) holding, per input stream, the
 * last applied offset. Each apply is one update whose filter requires that offset to be
 * lower, so a redelivered record matches nothing and counts once, even when two
 * processes apply it at the same moment.
 */
export class MongoCounterStore implements CounterStore {
  private readonly counters: Collection<CounterDocument>;

  constructor(db: Db) {
    this.counters = db.collection(MONGO_COLLECTIONS.counters);
  }

  apply(scope: Scope, kind: ModelKind, delta: CounterDelta, guard: CounterGuard): Promise<boolean> {
    const field = `applied.${encodeFieldKey(guard.stream)}`;
    const filter = { _id: documentId(scope, kind), $or: [{ [field]: { $exists: false } }, { [field]: { $lt: guard.offset } }] };
    return guardedUpsert(this.counters, filter, deltaUpdate(delta, guard, scope, kind));
  }

  async get(scope: Scope, kind: ModelKind): Promise<ScopeCounters | null> {
    const found = await this.counters.findOne({ _id: documentId(scope, kind) });
    return found === null ? null : toCounters(found);
  }

  async list(filter: { kind?: ModelKind; scope?: Scope } = {}): Promise<ScopeCounters[]> {
    const query: Filter<CounterDocument> = {};
    if (filter.kind !== undefined) query.kind = filter.kind;
    if (filter.scope !== undefined) query.scope = filter.scope;
    const rows = await this.counters.find(query).sort({ scope: 1, kind: 1 }).toArray();
    return rows.map(toCounters);
  }

  async claimDecision(scope: Scope, kind: ModelKind, sequence: number): Promise<boolean> {
    const _id = documentId(scope, kind);
    if (sequence === 1) {
      // The only claim that may create the document: a missing document has made no decision yet.
      return guardedUpsert(this.counters, { _id, $or: [{ decisions: 0 }, { decisions: { $exists: false } }] }, {
        $set: { decisions: 1 },
        $setOnInsert: { scope, kind },
      });
    }
    const result = await this.counters.updateOne({ _id, decisions: sequence - 1 }, { $set: { decisions: sequence } });
    return result.matchedCount > 0;
  }

  async markTrained(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; trainedAt: number }): Promise<boolean> {
    const _id = documentId(scope, kind);
    try {
      await this.counters.updateOne({ _id }, { $setOnInsert: { scope, kind } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // Subtracting with a floor at zero needs the current value: compare-and-set on it, retried when an apply moved it meanwhile.
    for (;;) {
      const current = await this.counters.findOne({ _id });
      if (current === null) throw new Error(`counters ${_id} vanished while marking a training`);
      if (current.trainedRequests?.includes(update.requestId) === true) return false;
      const seen = current.sinceLastTraining ?? 0;
      const result = await this.counters.updateOne(
        { _id, trainedRequests: { $ne: update.requestId }, sinceLastTraining: current.sinceLastTraining ?? null } as Filter<CounterDocument>,
        {
          $set: { sinceLastTraining: Math.max(0, seen - update.consumed), performance: [] },
          $max: { lastTrainedAt: update.trainedAt },
          $addToSet: { trainedRequests: update.requestId },
        },
      );
      if (result.modifiedCount > 0) return true;
    }
  }
}
