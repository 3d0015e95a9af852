import type { Collection, Db, Filter } from 'mongodb';

import type { Decision } from '../../domain/decision.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { DecisionOutbox } from '../../ports/decision-outbox.js';
import { LruMap } from '../../domain/lru-map.js';
import { duplicateKeyIndexes, isDuplicateKeyError } from './is-duplicate-key-error.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';
import { nextSequence } from './next-sequence.js';
import { compareAndSetDocuments, firstRevision, type Revisioned } from './compare-and-set.js';

/** Decisions remembered per process (a few hundred bytes each). */
const KNOWN_DECISIONS = 1_000;

/** Concurrent writers of one decision retry this often before the call fails. */
const MAX_CONFLICT_ROUNDS = 20;

/** A decision keyed by its deterministic id; `seq` is the recording order, which the relay publishes in. */
interface DecisionDocument extends Omit<Decision, 'decisionId'>, Revisioned {
  seq: number;
  /** Until when a relay holds it for publishing; 0 when none does. */
  publishLease?: number;
}

function toDecision({ _id, seq: _seq, publishLease: _lease, rev: _rev, revs: _revs, cas: _cas, ...rest }: DecisionDocument): Decision {
  return { decisionId: _id, ...rest };
}

/**
 * The decision outbox on MongoDB: the decision's id is the document's `_id`, so a
 * decider that dies after recording and decides again records nothing new, and the
 * relay's `markPublished` only ever sets the first publication time.
 */
export class MongoDecisionOutbox implements DecisionOutbox {
  private readonly decisions: Collection<DecisionDocument>;
  /**
   * Decisions this outbox recorded, claimed or marked lately, as written: the relay's claim
   * and mark of a decision just recorded start from them without a read (the compare-and-set
   * is the check; a document another process changed meanwhile is read and the change redone).
   */
  private readonly known = new LruMap<string, DecisionDocument>(KNOWN_DECISIONS);

  constructor(private readonly db: Db) {
    this.decisions = db.collection(MONGO_COLLECTIONS.decisions);
  }

  /** Changes one decision by compare-and-set, starting from the remembered document; false when `change` says there is nothing to do. */
  private async change(id: string, change: (current: DecisionDocument) => Omit<DecisionDocument, 'rev' | 'cas' | 'revs'> | null): Promise<boolean> {
    for (let round = 0; round < MAX_CONFLICT_ROUNDS; round += 1) {
      const remembered = round === 0 ? this.known.get(id) : undefined;
      const current = remembered ?? (await this.decisions.findOne({ _id: id }));
      if (current === null) return false;
      const next = change(current);
      if (next === null) {
        // Only a document read now may say there is nothing to do.
        if (remembered === undefined) return false;
        continue;
      }
      const written = (await compareAndSetDocuments(this.decisions, [{ expectedRev: current.rev, history: current.revs ?? [], next }])).get(id);
      if (written !== undefined) {
        this.known.set(id, written);
        return true;
      }
      this.known.delete(id);
    }
    throw new Error(`decision ${id} kept changing under ${MAX_CONFLICT_ROUNDS} attempts`);
  }

  async record(decision: Decision): Promise<boolean> {
    if ((await this.decisions.countDocuments({ _id: decision.decisionId }, { limit: 1 })) > 0) return false;
    const { decisionId, ...rest } = decision;
    const seq = await nextSequence(this.db, MONGO_COLLECTIONS.decisions);
    try {
      await this.decisions.insertOne({ _id: decisionId, ...structuredClone(rest), seq, publishLease: 0, ...firstRevision(decisionId) });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async recordMany(decisions: readonly Decision[]): Promise<number> {
    if (decisions.length === 0) return 0;
    // One sequence reservation for the batch: `seq` only orders publication.
    const last = await nextSequence(this.db, MONGO_COLLECTIONS.decisions, decisions.length);
    const documents = decisions.map(({ decisionId, ...rest }, index): DecisionDocument => ({ _id: decisionId, ...structuredClone(rest), seq: last - decisions.length + 1 + index, publishLease: 0, ...firstRevision(decisionId) }));
    let refused = new Set<number>();
    try {
      await this.decisions.insertMany(documents, { ordered: false });
    } catch (error) {
      // insertedCount is unreliable after duplicates on some servers: count what was refused instead.
      const duplicates = duplicateKeyIndexes(error);
      if (duplicates === null) throw error;
      refused = duplicates;
    }
    for (const [index, document] of documents.entries()) if (!refused.has(index)) this.known.set(document._id, document);
    return documents.length - refused.size;
  }

  async claimPublication(decisionId: string, now: number, leaseMs: number): Promise<boolean> {
    return this.change(decisionId, (current) => (current.publishedAt !== null || (current.publishLease ?? 0) > now ? null : { ...current, publishLease: now + leaseMs }));
  }

  async releasePublication(decisionId: string): Promise<void> {
    await this.change(decisionId, (current) => (current.publishedAt !== null ? null : { ...current, publishLease: 0 }));
  }

  async pending(limit: number): Promise<Decision[]> {
    if (limit <= 0) return [];
    // Filter on publishedAt alone (its own index); the few pending ones are ordered here.
    const rows = await this.decisions.find({ publishedAt: null }).limit(limit).toArray();
    return rows.sort((a, b) => a.seq - b.seq).map(toDecision);
  }

  async markPublished(decisionId: string, at: number): Promise<void> {
    await this.change(decisionId, (current) => (current.publishedAt !== null ? null : { ...current, publishedAt: at, publishLease: Number.MAX_SAFE_INTEGER }));
  }

  async get(decisionId: string): Promise<Decision | null> {
    const found = await this.decisions.findOne({ _id: decisionId });
    return found === null ? null : toDecision(found);
  }

  async list(filter: { scope?: Scope; kind?: ModelKind; limit?: number } = {}): Promise<Decision[]> {
    const query: Filter<DecisionDocument> = {};
    if (filter.scope !== undefined) query.scope = filter.scope;
    if (filter.kind !== undefined) query.kind = filter.kind;
    if (filter.limit === 0) return [];
    let cursor = this.decisions.find(query).sort({ seq: -1 });
    if (filter.limit !== undefined) cursor = cursor.limit(filter.limit);
    return (await cursor.toArray()).map(toDecision);
  }
}
