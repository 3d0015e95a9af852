import type { TrainingRequested } from '../domain/events.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export interface JobResult {
  version: number | null;
  promoted: boolean;
  decision: string;
}

export interface TrainingJob {
  jobId: string;
  scope: Scope;
  kind: ModelKind;
  request: TrainingRequested;
  status: JobStatus;
  priority: number;
  attempts: number;
  maxAttempts: number;
  stage: string;
  progress: number;
  error: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** Grows with every lease across the whole queue: a later holder always has a larger token. */
  fencingToken: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  result: JobResult | null;
}

export interface JobLease {
  job: TrainingJob;
  token: number;
}

/**
 * Training jobs with leases and fencing tokens. At most one job per (scope, kind) is
 * running at a time; an expired lease makes the job leasable again (a crashed trainer's
 * job is retried), and every write from a lease holder is checked against its token.
 */
export interface JobQueue {
  /** False when a job with this requestId exists already (a redelivered request). */
  enqueue(request: TrainingRequested, options: { maxAttempts: number; now: number }): Promise<boolean>;
  /**
   * The highest-priority, oldest leasable job, or null: a queued job, or a running one whose
   * lease expired and that has attempts left (the next lease counts one more, with a larger token).
   */
  lease(owner: string, leaseMs: number, now: number): Promise<JobLease | null>;
  /** Extends the lease and records progress; false when the lease was lost. */
  heartbeat(lease: JobLease, leaseMs: number, now: number, progress?: { stage: string; progress: number }): Promise<boolean>;
  complete(lease: JobLease, result: JobResult, now: number): Promise<boolean>;
  /** Requeues when retriable and attempts remain, else marks failed. False when the lease was lost. */
  fail(lease: JobLease, error: string, retriable: boolean, now: number): Promise<boolean>;
  /**
   * Hands a running job back unfinished (graceful shutdown): queued again, lease cleared,
   * the attempt it used not counted, its (scope, kind) slot free. False when the lease was lost.
   */
  release(lease: JobLease, now: number): Promise<boolean>;
  /**
   * Marks failed every running job whose lease expired with no attempts left (the trainer
   * died or hung on each of them), frees their (scope, kind) slots and returns them as now
   * stored, so the caller can close their decisions. `lease` never hands such a job out;
   * trainers call this on each poll. A job whose holder heartbeats again first is not touched.
   */
  failExhausted(now: number): Promise<TrainingJob[]>;
  /** Queued or running jobs only. */
  cancel(jobId: string, now: number): Promise<boolean>;
  /** Failed or cancelled jobs only: back to queued with a fresh attempt budget. */
  retry(jobId: string, now: number): Promise<boolean>;
  get(jobId: string): Promise<TrainingJob | null>;
  /** Newest first. */
  list(filter?: { status?: JobStatus; scope?: Scope; kind?: ModelKind; limit?: number }): Promise<TrainingJob[]>;
}

/** The error of a job `failExhausted` marks failed. */
export function exhaustedLeaseError(attempts: number): string {
  return `lease expired after ${attempts} attempt${attempts === 1 ? '' : 's'} (the trainer died or hung each time)`;
}

/** A job as `enqueue` creates it, whatever the adapter: queued, never leased, no result. */
export function queuedJob(request: TrainingRequested, options: { maxAttempts: number; now: number }): TrainingJob {
  return {
    jobId: request.requestId,
    scope: request.scope as Scope,
    kind: request.modelKind,
    request: structuredClone(request),
    status: 'queued',
    priority: request.priority,
    attempts: 0,
    maxAttempts: options.maxAttempts,
    stage: 'queued',
    progress: 0,
    error: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    fencingToken: 0,
    createdAt: options.now,
    startedAt: null,
    finishedAt: null,
    result: null,
  };
}
