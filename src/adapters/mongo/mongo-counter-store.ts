import type { Collection, Db } from 'mongodb';

import { addSample, applyPlan, closeDecision, countEntries, type CounterState } from '../../domain/counter-update.js';
import { emptyCounters, type CounterDelta, type ScopeCounters } from '../../domain/counters.js';
import { RelearnError } from '../../domain/errors.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import { LruMap } from '../../domain/lru-map.js';
import { modelKey } from '../../domain/store-keys.js';
import { groupCounterChanges, type CounterChange, type CounterGuard, type CounterPlanner, type CounterStore, type CounterUpdateResult } from '../../ports/counter-store.js';
import { compareAndSetDocuments, type CasWrite, type Revisioned } from './compare-and-set.js';
import { encodeFieldKey } from './encode-field-key.js';
import { findByIds } from './find-by-ids.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';

/**
 * One (scope, kind): its counters at the top level (what `list` and operators read), the
 * applied offset per input stream (field names base64url-encoded: stream names hold dots)
 * and the ids of the newest out-of-stream samples. Every field is bounded: a stream per
 * input partition, a sample id per window slot, one open decision, one follow-up.
 */
interface CounterDocument extends Revisioned, ScopeCounters {
  applied: Record<string, number>;
  sampleIds: string[];
}

/** Concurrent writers of one document retry this often before the batch fails (and is redelivered). */
const MAX_CONFLICT_ROUNDS = 20;

function toState(document: CounterDocument): CounterState {
  const { _id: _key, rev: _rev, revs: _revs, cas: _cas, applied, sampleIds, ...stored } = document;
  const counters = { ...emptyCounters(stored.scope, stored.kind), ...stored };
  const decoded: Record<string, number> = {};
  for (const [field, offset] of Object.entries(applied ?? {})) decoded[Buffer.from(field, 'base64url').toString('utf8')] = offset;
  return { counters, applied: decoded, sampleIds: sampleIds ?? [] };
}

function toDocument(state: CounterState): Omit<CounterDocument, 'rev'> {
  const applied: Record<string, number> = {};
  for (const [stream, offset] of Object.entries(state.applied)) applied[encodeFieldKey(stream)] = offset;
  return { _id: modelKey(state.counters.scope, state.counters.kind), ...state.counters, applied, sampleIds: state.sampleIds };
}

function toCounters(document: CounterDocument): ScopeCounters {
  return toState(document).counters;
}

/** Counter documents a store remembers (about 1 KB each): enough for the (scope, kind) one ingest process keeps touching. */
export const DEFAULT_COUNTER_CACHE_CAPACITY = 10_000;

/**
 * Counters on MongoDB. Every change is computed (src/domain/counter-update.ts, the same
 * rules as the memory adapter) from the document as last seen and written back whole if
 * the document's revision is unchanged: one unordered bulk write per batch, however many
 * (scope, kind) it touches, and retried per document on a conflict with another process.
 *
 * The document last read or written by this store is remembered (a bounded LRU), so an
 * update starts from it without reading: the compare-and-set is the check. A document
 * another process wrote since fails it, and only those are read and redone. Documents
 * not remembered are read by `_id` (findByIds).
 */
export class MongoCounterStore implements CounterStore {
  private readonly counters: Collection<CounterDocument>;
  private readonly known: LruMap<string, { document: CounterDocument; at: number }>;

  constructor(db: Db, options: { cacheCapacity?: number } = {}) {
    this.counters = db.collection(MONGO_COLLECTIONS.counters);
    this.known = new LruMap(options.cacheCapacity ?? DEFAULT_COUNTER_CACHE_CAPACITY);
  }

  /** Reads documents by key and remembers them. */
  private async read(keys: readonly string[]): Promise<CounterDocument[]> {
    if (keys.length === 0) return [];
    const found = await findByIds(this.counters, keys);
    const at = Date.now();
    for (const document of found) this.known.set(document._id, { document, at });
    return found;
  }

  /** Writes by compare-and-set; remembers what landed and forgets what did not (another process wrote it). */
  private async write(writes: readonly CasWrite<CounterDocument>[]): Promise<Set<string>> {
    const landed = await compareAndSetDocuments(this.counters, writes);
    for (const write of writes) {
      const id = write.next._id as string;
      const document = landed.get(id);
      if (document === undefined) this.known.delete(id);
      else this.known.set(id, { document, at: Date.now() });
    }
    return new Set(landed.keys());
  }

  async update(stream: string | null, changes: readonly CounterChange[], plan: CounterPlanner): Promise<CounterUpdateResult[]> {
    const pending = groupCounterChanges(changes);
    const results = new Map<string, CounterUpdateResult>();
    let open = [...pending.keys()];
    for (let round = 0; open.length > 0; round += 1) {
      if (round >= MAX_CONFLICT_ROUNDS) {
        throw new RelearnError('UNAVAILABLE', `counters of ${open.length} (scope, kind) kept changing under ${MAX_CONFLICT_ROUNDS} attempts`, { retriable: true });
      }
      // First round: start from the remembered documents; a conflict makes the next round read.
      const current = new Map<string, CounterDocument>();
      const unknown: string[] = [];
      for (const key of open) {
        const remembered = round === 0 ? this.known.get(key)?.document : undefined;
        if (remembered === undefined) unknown.push(key);
        else current.set(key, remembered);
      }
      const readNow = new Set(unknown);
      for (const document of await this.read(unknown)) current.set(document._id, document);
      const writes: CasWrite<CounterDocument>[] = [];
      const outcomes = new Map<string, CounterUpdateResult>();
      for (const key of open) {
        const group = pending.get(key);
        if (group === undefined) continue;
        const found = current.get(key);
        const before: CounterState = found === undefined ? { counters: emptyCounters(group.scope, group.kind), applied: {}, sampleIds: [] } : toState(found);
        const counted = countEntries(before, stream, group.entries);
        const planned = applyPlan(counted.state, plan(structuredClone(counted.state.counters)));
        outcomes.set(key, { counters: planned.state.counters, counted: counted.counted, claimed: planned.claimed });
        if (found !== undefined && !counted.counted && planned.claimed === null && sameDecisionState(before.counters, planned.state.counters)) {
          // Nothing to write: an answer only from a document read now (a remembered one is read in the next round).
          if (readNow.has(key)) results.set(key, outcomes.get(key) as CounterUpdateResult);
          continue;
        }
        writes.push({ expectedRev: found?.rev ?? null, history: found?.revs ?? [], next: toDocument(planned.state) });
      }
      const landed = await this.write(writes);
      for (const write of writes) {
        const key = write.next._id as string;
        const outcome = outcomes.get(key);
        if (landed.has(key) && outcome !== undefined) results.set(key, outcome);
      }
      open = open.filter((key) => !results.has(key));
    }
    return [...pending.keys()].flatMap((key) => {
      const result = results.get(key);
      return result === undefined ? [] : [result];
    });
  }

  async apply(scope: Scope, kind: ModelKind, delta: CounterDelta, guard: CounterGuard): Promise<boolean> {
    const [result] = await this.update(guard.stream, [{ scope, kind, offset: guard.offset, fresh: false, delta }], (after) => ({
      decision: null,
      followUp: null,
      recheckAt: after.recheckAt,
    }));
    return result?.counted ?? false;
  }

  async get(scope: Scope, kind: ModelKind): Promise<ScopeCounters | null> {
    const [found] = await this.read([modelKey(scope, kind)]);
    return found === undefined ? null : toCounters(found);
  }

  async getMany(keys: readonly { scope: Scope; kind: ModelKind }[], options: { maxAgeMs?: number } = {}): Promise<ScopeCounters[]> {
    const ids = [...new Set(keys.map((key) => modelKey(key.scope, key.kind)))];
    const { maxAgeMs } = options;
    if (maxAgeMs === undefined) return (await this.read(ids)).map(toCounters);
    const since = Date.now() - maxAgeMs;
    const recent: CounterDocument[] = [];
    const unread: string[] = [];
    for (const id of ids) {
      const remembered = this.known.get(id);
      if (remembered !== undefined && remembered.at >= since) recent.push(remembered.document);
      else unread.push(id);
    }
    return [...recent, ...(await this.read(unread))].map(toCounters);
  }

  async list(filter: { kind?: ModelKind; scope?: Scope } = {}): Promise<ScopeCounters[]> {
    const query: Record<string, string> = {};
    if (filter.kind !== undefined) query.kind = filter.kind;
    if (filter.scope !== undefined) query.scope = filter.scope;
    const rows = await this.counters.find(query).sort({ scope: 1, kind: 1 }).toArray();
    return rows.map(toCounters);
  }

  async dueForRecheck(now: number, limit: number): Promise<ScopeCounters[]> {
    if (limit <= 0) return [];
    // Filter and sort on recheckAt alone: the `{recheckAt: 1}` index serves both.
    const rows = await this.counters.find({ recheckAt: { $lte: now } }).sort({ recheckAt: 1 }).limit(limit).toArray();
    return rows.map(toCounters);
  }

  /** Read, change, compare-and-set one document until it lands or `change` says there is nothing to do. */
  private async changeOne(scope: Scope, kind: ModelKind, change: (state: CounterState) => CounterState | null): Promise<boolean> {
    const _id = modelKey(scope, kind);
    for (let round = 0; round < MAX_CONFLICT_ROUNDS; round += 1) {
      const [found] = await this.read([_id]);
      const before = found === undefined ? { counters: emptyCounters(scope, kind), applied: {}, sampleIds: [] } : toState(found);
      const next = change(before);
      if (next === null) return false;
      const landed = await this.write([{ expectedRev: found?.rev ?? null, history: found?.revs ?? [], next: toDocument(next) }]);
      if (landed.has(_id)) return true;
    }
    throw new RelearnError('UNAVAILABLE', `counters ${_id} kept changing under ${MAX_CONFLICT_ROUNDS} attempts`, { retriable: true });
  }

  addSample(scope: Scope, kind: ModelKind, sample: { id: string; value: number; window: number }): Promise<boolean> {
    return this.changeOne(scope, kind, (state) => addSample(state, sample));
  }

  markTrained(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; trainedAt: number }): Promise<boolean> {
    return this.changeOne(scope, kind, (state) => closeDecision(state, update.requestId, { kind: 'trained', consumed: update.consumed, at: update.trainedAt }));
  }

  markFailed(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; failedAt: number }): Promise<boolean> {
    return this.changeOne(scope, kind, (state) => closeDecision(state, update.requestId, { kind: 'failed', consumed: update.consumed, at: update.failedAt }));
  }

  closeDecision(scope: Scope, kind: ModelKind, requestId: string, now: number): Promise<boolean> {
    return this.changeOne(scope, kind, (state) => closeDecision(state, requestId, { kind: 'closed', at: now }));
  }
}

/** Nothing the planner controls changed: no write needed. */
function sameDecisionState(a: ScopeCounters, b: ScopeCounters): boolean {
  return a.recheckAt === b.recheckAt && a.decisions === b.decisions && JSON.stringify(a.followUp) === JSON.stringify(b.followUp);
}
