import type { TrainingRequested } from '../../domain/events.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import { exhaustedLeaseError, queuedJob, type JobLease, type JobQueue, type JobResult, type JobStatus, type TrainingJob } from '../../ports/job-queue.js';

function isLive(job: TrainingJob, now: number): boolean {
  return job.status === 'running' && job.leaseExpiresAt !== null && job.leaseExpiresAt > now;
}

export class MemoryJobQueue implements JobQueue {
  private readonly jobs = new Map<string, TrainingJob>();
  private lastToken = 0;

  enqueue(request: TrainingRequested, options: { maxAttempts: number; now: number }): Promise<boolean> {
    if (this.jobs.has(request.requestId)) return Promise.resolve(false);
    this.jobs.set(request.requestId, queuedJob(request, options));
    return Promise.resolve(true);
  }

  lease(owner: string, leaseMs: number, now: number): Promise<JobLease | null> {
    const busy = new Set<string>();
    for (const job of this.jobs.values()) if (isLive(job, now)) busy.add(`${job.scope}|${job.kind}`);
    let best: TrainingJob | undefined;
    for (const job of this.jobs.values()) {
      const leasable = job.status === 'queued' || (job.status === 'running' && !isLive(job, now) && job.attempts < job.maxAttempts);
      if (!leasable || busy.has(`${job.scope}|${job.kind}`)) continue;
      if (best === undefined || job.priority > best.priority || (job.priority === best.priority && job.createdAt < best.createdAt)) best = job;
    }
    if (best === undefined) return Promise.resolve(null);
    this.lastToken += 1;
    best.status = 'running';
    best.attempts += 1;
    best.leaseOwner = owner;
    best.leaseExpiresAt = now + leaseMs;
    best.fencingToken = this.lastToken;
    best.startedAt ??= now;
    best.stage = 'leased';
    return Promise.resolve({ job: structuredClone(best), token: this.lastToken });
  }

  private held(lease: JobLease): TrainingJob | undefined {
    const job = this.jobs.get(lease.job.jobId);
    return job !== undefined && job.status === 'running' && job.fencingToken === lease.token ? job : undefined;
  }

  heartbeat(lease: JobLease, leaseMs: number, now: number, progress?: { stage: string; progress: number }): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return Promise.resolve(false);
    job.leaseExpiresAt = now + leaseMs;
    if (progress !== undefined) {
      job.stage = progress.stage;
      job.progress = progress.progress;
    }
    return Promise.resolve(true);
  }

  complete(lease: JobLease, result: JobResult, now: number): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return Promise.resolve(false);
    job.status = 'succeeded';
    job.stage = 'done';
    job.progress = 1;
    job.result = { ...result };
    job.finishedAt = now;
    job.leaseExpiresAt = null;
    return Promise.resolve(true);
  }

  fail(lease: JobLease, error: string, retriable: boolean, now: number): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return Promise.resolve(false);
    job.error = error;
    job.leaseExpiresAt = null;
    job.leaseOwner = null;
    if (retriable && job.attempts < job.maxAttempts) {
      job.status = 'queued';
      job.stage = 'retrying';
    } else {
      job.status = 'failed';
      job.stage = 'failed';
      job.finishedAt = now;
    }
    return Promise.resolve(true);
  }

  release(lease: JobLease, _now: number): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return Promise.resolve(false);
    job.status = 'queued';
    job.stage = 'queued';
    job.progress = 0;
    job.attempts = Math.max(0, job.attempts - 1);
    job.leaseOwner = null;
    job.leaseExpiresAt = null;
    return Promise.resolve(true);
  }

  failExhausted(now: number): Promise<TrainingJob[]> {
    const failed: TrainingJob[] = [];
    for (const job of this.jobs.values()) {
      if (job.status !== 'running' || isLive(job, now) || job.attempts < job.maxAttempts) continue;
      job.status = 'failed';
      job.stage = 'failed';
      job.error = exhaustedLeaseError(job.attempts);
      job.finishedAt = now;
      job.leaseExpiresAt = null;
      job.leaseOwner = null;
      failed.push(structuredClone(job));
    }
    return Promise.resolve(failed);
  }

  cancel(jobId: string, now: number): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (job === undefined || (job.status !== 'queued' && job.status !== 'running')) return Promise.resolve(false);
    job.status = 'cancelled';
    job.stage = 'cancelled';
    job.finishedAt = now;
    job.leaseExpiresAt = null;
    return Promise.resolve(true);
  }

  retry(jobId: string, _now: number): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (job === undefined || (job.status !== 'failed' && job.status !== 'cancelled')) return Promise.resolve(false);
    job.status = 'queued';
    job.stage = 'queued';
    job.attempts = 0;
    job.error = null;
    job.finishedAt = null;
    return Promise.resolve(true);
  }

  get(jobId: string): Promise<TrainingJob | null> {
    const job = this.jobs.get(jobId);
    return Promise.resolve(job === undefined ? null : structuredClone(job));
  }

  list(filter: { status?: JobStatus; scope?: Scope; kind?: ModelKind; limit?: number } = {}): Promise<TrainingJob[]> {
    const rows = [...this.jobs.values()]
      .filter(
        (job) =>
          (filter.status === undefined || job.status === filter.status) &&
          (filter.scope === undefined || job.scope === filter.scope) &&
          (filter.kind === undefined || job.kind === filter.kind),
      )
      .reverse();
    return Promise.resolve(rows.slice(0, filter.limit ?? rows.length).map((job) => structuredClone(job)));
  }
}
