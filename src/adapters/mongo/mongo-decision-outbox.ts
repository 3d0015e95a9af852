import { MongoBulkWriteError, type Collection, type Db, type Filter } from 'mongodb';

import type { Decision } from '../../domain/decision.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { DecisionOutbox, PublicationClaim } from '../../ports/decision-outbox.js';
import { isDuplicateKeyError } from './is-duplicate-key-error.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';
import { nextSequence } from './next-sequence.js';
import { changeDocument, firstRevision, type Revisioned } from './compare-and-set.js';

/** A decision keyed by its deterministic id; `seq` is the recording order, which the relay publishes in. */
interface DecisionDocument extends Omit<Decision, 'decisionId'>, Revisioned {
  seq: number;
  /** Until when a relay holds it for publishing; 0 when none does. */
  publishLease?: number;
  /** When the first relay claimed it, and how many claims there were. */
  firstClaimedAt?: number;
  publishAttempts?: number;
}

function toDecision({ _id, seq: _seq, publishLease: _lease, firstClaimedAt: _first, publishAttempts: _attempts, rev: _rev, revs: _revs, cas: _cas, ...rest }: DecisionDocument): Decision {
  return { decisionId: _id, ...rest };
}

/**
 * The decision outbox on MongoDB: the decision's id is the document's `_id`, so a
 * decider that dies after recording and decides again records nothing new, and the
 * relay's `markPublished` only ever sets the first publication time.
 */
export class MongoDecisionOutbox implements DecisionOutbox {
  private readonly decisions: Collection<DecisionDocument>;

  constructor(private readonly db: Db) {
    this.decisions = db.collection(MONGO_COLLECTIONS.decisions);
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
    try {
      const result = await this.decisions.insertMany(documents, { ordered: false });
      return result.insertedCount;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const errors = (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]) as readonly { code: number }[];
      if (errors.some((writeError) => writeError.code !== 11000)) throw error;
      // insertedCount is unreliable after duplicates on some servers: count what was refused instead.
      return documents.length - errors.length;
    }
  }

  async claimPublication(decisionId: string, now: number, leaseMs: number): Promise<PublicationClaim | null> {
    let claim: PublicationClaim | null = null;
    const landed = await changeDocument(this.decisions, decisionId, (current) => {
      if (current.publishedAt !== null || (current.publishLease ?? 0) > now) return null;
      claim = { firstClaimedAt: current.firstClaimedAt ?? now, attempts: (current.publishAttempts ?? 0) + 1 };
      return { ...current, publishLease: now + leaseMs, firstClaimedAt: claim.firstClaimedAt, publishAttempts: claim.attempts };
    });
    return landed ? claim : null;
  }

  async releasePublication(decisionId: string): Promise<void> {
    await changeDocument(this.decisions, decisionId, (current) => (current.publishedAt !== null ? null : { ...current, publishLease: 0 }));
  }

  async pending(limit: number): Promise<Decision[]> {
    if (limit <= 0) return [];
    // Filter on publishedAt alone (its own index); the few pending ones are ordered here.
    const rows = await this.decisions.find({ publishedAt: null }).limit(limit).toArray();
    return rows.sort((a, b) => a.seq - b.seq).map(toDecision);
  }

  async markPublished(decisionId: string, at: number): Promise<void> {
    await changeDocument(this.decisions, decisionId, (current) => (current.publishedAt !== null ? null : { ...current, publishedAt: at, publishLease: Number.MAX_SAFE_INTEGER }));
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
