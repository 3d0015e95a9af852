import type { Collection, Db, Filter } from 'mongodb';

import type { TrainingRequested } from '../../domain/events.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import { exhaustedLeaseError, queuedJob, type JobLease, type JobQueue, type JobResult, type JobStatus, type TrainingJob } from '../../ports/job-queue.js';
import { isDuplicateKeyError } from './is-duplicate-key-error.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';
import { nextSequence } from './next-sequence.js';

const FENCING_SEQUENCE = 'fencing-tokens';

interface JobDocument extends Omit<TrainingJob, 'jobId'> {
  _id: string;
  /** `<scope>|<kind>`: the unit of mutual exclusion. */
  groupKey: string;
  /** Enqueue order, for newest-first listings. */
  seq: number;
}

/**
 * The running slot of one (scope, kind). Without transactions, "at most one running job
 * per (scope, kind)" cannot be checked across job documents atomically, so a lease first
 * takes this single document (a guarded upsert: the `_id` index lets one leaser win),
 * then the job. It is held by a fencing token and lapses with the job's lease.
 */
interface LockDocument {
  _id: string;
  token: number;
  jobId: string;
  leaseExpiresAt: number;
}

function toJob({ _id, groupKey: _groupKey, seq: _seq, ...rest }: JobDocument): TrainingJob {
  return { jobId: _id, ...rest };
}

function groupKeyOf(scope: Scope, kind: ModelKind): string {
  return `${scope}|${kind}`;
}

/**
 * The job queue on MongoDB. Every change of a job is one guarded update whose filter
 * restates the state it expects (status, fencing token), so of two racing writers only
 * one matches; fencing tokens come from one atomic database-wide counter.
 */
export class MongoJobQueue implements JobQueue {
  private readonly jobs: Collection<JobDocument>;
  private readonly locks: Collection<LockDocument>;

  constructor(private readonly db: Db) {
    this.jobs = db.collection(MONGO_COLLECTIONS.jobs);
    this.locks = db.collection(MONGO_COLLECTIONS.jobLocks);
  }

  async enqueue(request: TrainingRequested, options: { maxAttempts: number; now: number }): Promise<boolean> {
    if ((await this.jobs.countDocuments({ _id: request.requestId }, { limit: 1 })) > 0) return false;
    const scope = request.scope as Scope;
    const seq = await nextSequence(this.db, MONGO_COLLECTIONS.jobs);
    try {
      const { jobId, ...job } = queuedJob(request, options);
      await this.jobs.insertOne({ _id: jobId, groupKey: groupKeyOf(scope, request.modelKind), seq, ...job });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async lease(owner: string, leaseMs: number, now: number): Promise<JobLease | null> {
    const skipped = new Set<string>();
    for (;;) {
      const busy = await this.locks.find({ leaseExpiresAt: { $gt: now } }, { projection: { _id: 1 } }).toArray();
      const excluded = [...busy.map((lock) => lock._id), ...skipped];
      const candidate = await this.firstLeasable(excluded, now);
      if (candidate === null) return null;
      const token = await nextSequence(this.db, FENCING_SEQUENCE);
      if (!(await this.takeLock(candidate, token, now, now + leaseMs))) {
        skipped.add(candidate.groupKey);
        continue;
      }
      const leased = await this.jobs.findOneAndUpdate(
        { _id: candidate._id, status: candidate.status, fencingToken: candidate.fencingToken },
        {
          $set: {
            status: 'running',
            leaseOwner: owner,
            leaseExpiresAt: now + leaseMs,
            fencingToken: token,
            startedAt: candidate.startedAt ?? now,
            stage: 'leased',
          },
          $inc: { attempts: 1 },
        },
        { returnDocument: 'after' },
      );
      if (leased !== null) return { job: toJob(leased), token };
      // Another leaser changed the job between the read and the update: give the slot back and look again.
      await this.releaseLock(candidate.groupKey, token);
    }
  }

  /**
   * The first job in lease order that is queued, or running with an expired lease and
   * attempts left. An expired job with none left is passed over (failExhausted fails it);
   * the check is made on the documents read, not in the filter, so the query keeps the
   * shape every server runs ($expr comparing two fields is not needed).
   */
  private async firstLeasable(excludedGroups: readonly string[], now: number): Promise<JobDocument | null> {
    const cursor = this.jobs.find(
      {
        groupKey: { $nin: [...excludedGroups] },
        $or: [{ status: 'queued' }, { status: 'running', leaseExpiresAt: { $lte: now } }],
      },
      { sort: { priority: -1, createdAt: 1, seq: 1 } },
    );
    try {
      for await (const job of cursor) {
        if (job.status === 'running' && job.attempts >= job.maxAttempts) continue;
        return job;
      }
      return null;
    } finally {
      await cursor.close();
    }
  }

  /** Takes the (scope, kind) slot unless a live lease holds it; an upsert refused by the `_id` index means it is held. */
  private async takeLock(job: JobDocument, token: number, now: number, leaseExpiresAt: number): Promise<boolean> {
    try {
      const result = await this.locks.updateOne(
        { _id: job.groupKey, leaseExpiresAt: { $lte: now } },
        { $set: { token, jobId: job._id, leaseExpiresAt } },
        { upsert: true },
      );
      return result.matchedCount + result.upsertedCount > 0;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  private async releaseLock(groupKey: string, token: number): Promise<void> {
    await this.locks.updateOne({ _id: groupKey, token }, { $set: { leaseExpiresAt: 0 } });
  }

  private heldFilter(lease: JobLease): Filter<JobDocument> {
    return { _id: lease.job.jobId, status: 'running', fencingToken: lease.token };
  }

  async heartbeat(lease: JobLease, leaseMs: number, now: number, progress?: { stage: string; progress: number }): Promise<boolean> {
    const fields: Partial<JobDocument> = { leaseExpiresAt: now + leaseMs };
    if (progress !== undefined) {
      fields.stage = progress.stage;
      fields.progress = progress.progress;
    }
    const result = await this.jobs.updateOne(this.heldFilter(lease), { $set: fields });
    if (result.matchedCount === 0) return false;
    await this.locks.updateOne({ _id: groupKeyOf(lease.job.scope, lease.job.kind), token: lease.token }, { $set: { leaseExpiresAt: now + leaseMs } });
    return true;
  }

  async complete(lease: JobLease, result: JobResult, now: number): Promise<boolean> {
    const updated = await this.jobs.updateOne(this.heldFilter(lease), {
      $set: { status: 'succeeded', stage: 'done', progress: 1, result: { ...result }, finishedAt: now, leaseExpiresAt: null },
    });
    if (updated.matchedCount === 0) return false;
    await this.releaseLock(groupKeyOf(lease.job.scope, lease.job.kind), lease.token);
    return true;
  }

  async fail(lease: JobLease, error: string, retriable: boolean, now: number): Promise<boolean> {
    // While this token holds the job nobody else can change its attempts, so reading them first is safe.
    const held = await this.jobs.findOne(this.heldFilter(lease));
    if (held === null) return false;
    const requeue = retriable && held.attempts < held.maxAttempts;
    const fields = requeue
      ? { status: 'queued' as const, stage: 'retrying' }
      : { status: 'failed' as const, stage: 'failed', finishedAt: now };
    const updated = await this.jobs.updateOne(this.heldFilter(lease), { $set: { ...fields, error, leaseExpiresAt: null, leaseOwner: null } });
    if (updated.matchedCount === 0) return false;
    await this.releaseLock(held.groupKey, lease.token);
    return true;
  }

  async release(lease: JobLease, _now: number): Promise<boolean> {
    // While this token holds the job nobody else can change its attempts: the decrement is this lease's own.
    const updated = await this.jobs.updateOne(this.heldFilter(lease), {
      $set: { status: 'queued', stage: 'queued', progress: 0, leaseOwner: null, leaseExpiresAt: null },
      $inc: { attempts: -1 },
    });
    if (updated.matchedCount === 0) return false;
    await this.releaseLock(groupKeyOf(lease.job.scope, lease.job.kind), lease.token);
    return true;
  }

  async failExhausted(now: number): Promise<TrainingJob[]> {
    // A scan of the running jobs, as `lease` does: the queue is small and this runs once per poll.
    const expired = await this.jobs.find({ status: 'running', leaseExpiresAt: { $lte: now } }).toArray();
    const failed: TrainingJob[] = [];
    for (const job of expired) {
      if (job.attempts < job.maxAttempts) continue;
      // Guarded by the token and the expiry read: a holder that heartbeats first keeps its job.
      const updated = await this.jobs.findOneAndUpdate(
        { _id: job._id, status: 'running', fencingToken: job.fencingToken, leaseExpiresAt: { $lte: now } },
        { $set: { status: 'failed', stage: 'failed', error: exhaustedLeaseError(job.attempts), finishedAt: now, leaseExpiresAt: null, leaseOwner: null } },
        { returnDocument: 'after' },
      );
      if (updated === null) continue;
      await this.releaseLock(job.groupKey, job.fencingToken);
      failed.push(toJob(updated));
    }
    return failed;
  }

  async cancel(jobId: string, now: number): Promise<boolean> {
    const before = await this.jobs.findOneAndUpdate(
      { _id: jobId, status: { $in: ['queued', 'running'] } },
      { $set: { status: 'cancelled', stage: 'cancelled', finishedAt: now, leaseExpiresAt: null } },
      { returnDocument: 'before' },
    );
    if (before === null) return false;
    if (before.status === 'running') await this.releaseLock(before.groupKey, before.fencingToken);
    return true;
  }

  async retry(jobId: string, _now: number): Promise<boolean> {
    const result = await this.jobs.updateOne(
      { _id: jobId, status: { $in: ['failed', 'cancelled'] } },
      { $set: { status: 'queued', stage: 'queued', attempts: 0, error: null, finishedAt: null } },
    );
    return result.matchedCount > 0;
  }

  async get(jobId: string): Promise<TrainingJob | null> {
    const found = await this.jobs.findOne({ _id: jobId });
    return found === null ? null : toJob(found);
  }

  async list(filter: { status?: JobStatus; scope?: Scope; kind?: ModelKind; limit?: number } = {}): Promise<TrainingJob[]> {
    const query: Filter<JobDocument> = {};
    if (filter.status !== undefined) query.status = filter.status;
    if (filter.scope !== undefined) query.scope = filter.scope;
    if (filter.kind !== undefined) query.kind = filter.kind;
    if (filter.limit === 0) return [];
    let cursor = this.jobs.find(query).sort({ seq: -1 });
    if (filter.limit !== undefined) cursor = cursor.limit(filter.limit);
    return (await cursor.toArray()).map(toJob);
  }
}
