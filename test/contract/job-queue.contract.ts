import { describe, expect, it } from 'vitest';
import { exhaustedLeaseError, type JobQueue } from '../../src/ports/job-queue.js';
import { trainingRequest } from './contract-fixtures.js';

const LEASE_MS = 1_000;
const result = { version: 1, promoted: true, decision: 'promoted' };

/** What every JobQueue adapter guarantees: dedup by requestId, priority order, one running job per group, fenced leases. */
export function describeJobQueueContract(name: string, create: () => Promise<JobQueue>): void {
  describe(`JobQueue contract: ${name}`, () => {
    it('enqueues a requestId once', async () => {
      const queue = await create();
      expect(await queue.enqueue(trainingRequest(), { maxAttempts: 3, now: 0 })).toBe(true);
      expect(await queue.enqueue(trainingRequest({ priority: 100 }), { maxAttempts: 3, now: 1 })).toBe(false);
      expect(await queue.list()).toHaveLength(1);
      expect(await queue.get('req-1')).toMatchObject({ status: 'queued', priority: 40, attempts: 0, maxAttempts: 3 });
    });

    it('leases the highest priority first, then the oldest', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest({ requestId: 'low', scope: 'user:a', priority: 20 }), { maxAttempts: 1, now: 0 });
      await queue.enqueue(trainingRequest({ requestId: 'high-new', scope: 'user:b', priority: 80 }), { maxAttempts: 1, now: 2 });
      await queue.enqueue(trainingRequest({ requestId: 'high-old', scope: 'user:c', priority: 80 }), { maxAttempts: 1, now: 1 });
      const order: string[] = [];
      for (let round = 0; round < 3; round += 1) order.push((await queue.lease('w', LEASE_MS, 10))?.job.jobId ?? 'none');
      expect(order).toEqual(['high-old', 'high-new', 'low']);
      expect(await queue.lease('w', LEASE_MS, 10)).toBeNull();
    });

    it('runs at most one job per (scope, kind) at a time', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest({ requestId: 'first' }), { maxAttempts: 1, now: 0 });
      await queue.enqueue(trainingRequest({ requestId: 'second' }), { maxAttempts: 1, now: 1 });
      await queue.enqueue(trainingRequest({ requestId: 'other-kind', modelKind: 'forecaster' }), { maxAttempts: 1, now: 2 });
      const first = await queue.lease('w1', LEASE_MS, 10);
      expect(first?.job.jobId).toBe('first');
      expect((await queue.lease('w2', LEASE_MS, 10))?.job.jobId).toBe('other-kind');
      expect(await queue.lease('w3', LEASE_MS, 10)).toBeNull();
      if (first === null) throw new Error('no lease');
      expect(await queue.complete(first, result, 20)).toBe(true);
      expect((await queue.lease('w3', LEASE_MS, 30))?.job.jobId).toBe('second');
    });

    it('re-leases an expired job with a larger fencing token and rejects the stale holder', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest(), { maxAttempts: 3, now: 0 });
      const stale = await queue.lease('crashed', LEASE_MS, 0);
      expect(await queue.lease('w2', LEASE_MS, LEASE_MS - 1)).toBeNull();
      const fresh = await queue.lease('w2', LEASE_MS, LEASE_MS + 1);
      if (stale === null || fresh === null) throw new Error('expected both leases');
      expect(fresh.job.jobId).toBe('req-1');
      expect(fresh.token).toBeGreaterThan(stale.token);
      expect(fresh.job.attempts).toBe(2);
      expect(await queue.heartbeat(stale, LEASE_MS, LEASE_MS + 2)).toBe(false);
      expect(await queue.complete(stale, result, LEASE_MS + 2)).toBe(false);
      expect(await queue.fail(stale, 'late', true, LEASE_MS + 2)).toBe(false);
      expect(await queue.heartbeat(fresh, LEASE_MS, LEASE_MS + 2, { stage: 'training', progress: 0.5 })).toBe(true);
      expect(await queue.get('req-1')).toMatchObject({ status: 'running', leaseOwner: 'w2', stage: 'training', progress: 0.5 });
      expect(await queue.complete(fresh, result, LEASE_MS + 3)).toBe(true);
      expect(await queue.get('req-1')).toMatchObject({ status: 'succeeded', result, finishedAt: LEASE_MS + 3 });
    });

    it('keeps a lease alive through heartbeats', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest(), { maxAttempts: 1, now: 0 });
      const lease = await queue.lease('w1', LEASE_MS, 0);
      if (lease === null) throw new Error('no lease');
      expect(await queue.heartbeat(lease, LEASE_MS, LEASE_MS - 1)).toBe(true);
      expect(await queue.lease('w2', LEASE_MS, LEASE_MS + 1)).toBeNull();
    });

    it('grows fencing tokens across the whole queue', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest({ requestId: 'a', scope: 'user:a' }), { maxAttempts: 1, now: 0 });
      await queue.enqueue(trainingRequest({ requestId: 'b', scope: 'user:b' }), { maxAttempts: 1, now: 1 });
      const first = await queue.lease('w', LEASE_MS, 0);
      const second = await queue.lease('w', LEASE_MS, 0);
      expect(second?.token).toBeGreaterThan(first?.token ?? Number.POSITIVE_INFINITY);
    });

    it('requeues a retriable failure until maxAttempts, then marks it failed', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest(), { maxAttempts: 2, now: 0 });
      const first = await queue.lease('w', LEASE_MS, 0);
      if (first === null) throw new Error('no lease');
      expect(await queue.fail(first, 'boom', true, 1)).toBe(true);
      expect(await queue.get('req-1')).toMatchObject({ status: 'queued', attempts: 1, error: 'boom' });
      const second = await queue.lease('w', LEASE_MS, 2);
      if (second === null) throw new Error('no second lease');
      expect(await queue.fail(second, 'boom again', true, 3)).toBe(true);
      expect(await queue.get('req-1')).toMatchObject({ status: 'failed', attempts: 2, error: 'boom again' });
      expect(await queue.lease('w', LEASE_MS, 4)).toBeNull();
    });

    it('marks a non-retriable failure failed at once', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest(), { maxAttempts: 5, now: 0 });
      const lease = await queue.lease('w', LEASE_MS, 0);
      if (lease === null) throw new Error('no lease');
      expect(await queue.fail(lease, 'bad data', false, 1)).toBe(true);
      expect((await queue.get('req-1'))?.status).toBe('failed');
    });

    it('cancels queued or running jobs only, and retries failed or cancelled jobs with a fresh budget', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest(), { maxAttempts: 1, now: 0 });
      expect(await queue.retry('req-1', 1)).toBe(false);
      const lease = await queue.lease('w', LEASE_MS, 0);
      if (lease === null) throw new Error('no lease');
      expect(await queue.cancel('req-1', 1)).toBe(true);
      expect(await queue.cancel('req-1', 2)).toBe(false);
      expect(await queue.complete(lease, result, 2)).toBe(false);
      expect(await queue.lease('w', LEASE_MS, 3)).toBeNull();
      expect(await queue.retry('req-1', 4)).toBe(true);
      expect(await queue.get('req-1')).toMatchObject({ status: 'queued', attempts: 0, error: null });
      const again = await queue.lease('w', LEASE_MS, 5);
      expect(again?.token).toBeGreaterThan(lease.token);
      expect(await queue.cancel('missing', 6)).toBe(false);
      expect(await queue.retry('missing', 6)).toBe(false);
    });

    it('leases an expired job with attempts left again, with a larger token, and counts the attempt', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest(), { maxAttempts: 3, now: 0 });
      const first = await queue.lease('died', LEASE_MS, 0);
      const second = await queue.lease('hung', LEASE_MS, LEASE_MS);
      const third = await queue.lease('w3', LEASE_MS, 2 * LEASE_MS);
      if (first === null || second === null || third === null) throw new Error('expected three leases');
      expect([first.job.attempts, second.job.attempts, third.job.attempts]).toEqual([1, 2, 3]);
      expect(second.token).toBeGreaterThan(first.token);
      expect(third.token).toBeGreaterThan(second.token);
      expect(await queue.failExhausted(2 * LEASE_MS + 1)).toEqual([]);
      expect(await queue.complete(third, result, 2 * LEASE_MS + 1)).toBe(true);
    });

    it('never leases an expired job with no attempts left; failExhausted marks it failed once, frees its slot and returns it', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest({ requestId: 'exhausted' }), { maxAttempts: 2, now: 0 });
      await queue.enqueue(trainingRequest({ requestId: 'next', priority: 10 }), { maxAttempts: 1, now: 1 });
      const first = await queue.lease('died', LEASE_MS, 10);
      const second = await queue.lease('hung', LEASE_MS, 10 + LEASE_MS);
      expect([first?.job.jobId, second?.job.jobId]).toEqual(['exhausted', 'exhausted']);
      if (second === null) throw new Error('no second lease');
      // The second lease is live: nothing to fail yet.
      expect(await queue.failExhausted(10 + LEASE_MS)).toEqual([]);
      const failedAt = 10 + 2 * LEASE_MS;
      const failed = await queue.failExhausted(failedAt);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        jobId: 'exhausted',
        status: 'failed',
        attempts: 2,
        finishedAt: failedAt,
        leaseExpiresAt: null,
        error: 'lease expired after 2 attempts (the trainer died or hung each time)',
      });
      expect(await queue.get('exhausted')).toMatchObject({ status: 'failed', error: exhaustedLeaseError(2), finishedAt: failedAt });
      expect(await queue.failExhausted(failedAt + 1)).toEqual([]);
      expect(await queue.complete(second, result, failedAt + 1)).toBe(false);
      expect(await queue.heartbeat(second, LEASE_MS, failedAt + 1)).toBe(false);
      expect((await queue.lease('w', LEASE_MS, failedAt + 2))?.job.jobId).toBe('next');
      expect(await queue.lease('w', LEASE_MS, failedAt + 3)).toBeNull();
    });

    it('skips an exhausted job when leasing, even before failExhausted ran, and leases the next one', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest({ requestId: 'exhausted', priority: 90 }), { maxAttempts: 1, now: 0 });
      await queue.enqueue(trainingRequest({ requestId: 'other', scope: 'user:b' }), { maxAttempts: 1, now: 1 });
      expect((await queue.lease('died', LEASE_MS, 0))?.job.jobId).toBe('exhausted');
      expect((await queue.lease('w', LEASE_MS, 2 * LEASE_MS))?.job.jobId).toBe('other');
      expect(await queue.lease('w', LEASE_MS, 2 * LEASE_MS)).toBeNull();
      expect(await queue.get('exhausted')).toMatchObject({ status: 'running', attempts: 1 });
      expect((await queue.failExhausted(2 * LEASE_MS)).map((job) => job.jobId)).toEqual(['exhausted']);
    });

    it('leaves live leases, queued jobs and expired jobs with attempts left to failExhausted alone; a heartbeat first keeps the job', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest({ requestId: 'live', scope: 'user:a' }), { maxAttempts: 1, now: 0 });
      await queue.enqueue(trainingRequest({ requestId: 'retry-left', scope: 'user:b' }), { maxAttempts: 2, now: 1 });
      await queue.enqueue(trainingRequest({ requestId: 'slow', scope: 'user:c' }), { maxAttempts: 1, now: 2 });
      await queue.enqueue(trainingRequest({ requestId: 'queued', scope: 'user:a' }), { maxAttempts: 1, now: 3 });
      const live = await queue.lease('w', 10 * LEASE_MS, 0);
      await queue.lease('w', LEASE_MS, 0);
      const slow = await queue.lease('w', LEASE_MS, 0);
      expect([live?.job.jobId, slow?.job.jobId]).toEqual(['live', 'slow']);
      if (slow === null) throw new Error('no lease');
      // Its lease ran out, but it heartbeats before anyone failed it: still its own.
      expect(await queue.heartbeat(slow, LEASE_MS, 2 * LEASE_MS)).toBe(true);
      expect(await queue.failExhausted(2 * LEASE_MS)).toEqual([]);
      expect((await queue.list({ status: 'running' })).map((job) => job.jobId).sort()).toEqual(['live', 'retry-left', 'slow']);
      expect((await queue.get('queued'))?.status).toBe('queued');
    });

    it('release hands a running job back unfinished: queued, lease cleared, the attempt not counted, slot free', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest(), { maxAttempts: 1, now: 0 });
      const lease = await queue.lease('stopping', LEASE_MS, 0);
      if (lease === null) throw new Error('no lease');
      expect(await queue.heartbeat(lease, LEASE_MS, 1, { stage: 'training', progress: 0.4 })).toBe(true);
      expect(await queue.release(lease, 2)).toBe(true);
      expect(await queue.get('req-1')).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null, leaseExpiresAt: null, finishedAt: null });
      expect(await queue.release(lease, 3)).toBe(false);
      expect(await queue.complete(lease, result, 3)).toBe(false);
      // Leasable at once by anyone (no expiry to wait for), with a larger token; the attempt budget is intact.
      const again = await queue.lease('w2', LEASE_MS, 3);
      expect(again).toMatchObject({ job: { jobId: 'req-1', attempts: 1, leaseOwner: 'w2' } });
      expect(again?.token).toBeGreaterThan(lease.token);
      if (again === null) throw new Error('no second lease');
      expect(await queue.complete(again, result, 4)).toBe(true);
    });

    it('release is refused once the lease was lost: re-leased after expiry, cancelled, or finished', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest({ requestId: 'taken' }), { maxAttempts: 3, now: 0 });
      await queue.enqueue(trainingRequest({ requestId: 'cancelled', scope: 'user:b' }), { maxAttempts: 3, now: 1 });
      const stale = await queue.lease('w1', LEASE_MS, 0);
      const cancelled = await queue.lease('w1', LEASE_MS, 0);
      if (stale === null || cancelled === null) throw new Error('expected two leases');
      const fresh = await queue.lease('w2', LEASE_MS, LEASE_MS + 1);
      expect(fresh?.job.jobId).toBe('taken');
      expect(await queue.release(stale, LEASE_MS + 2)).toBe(false);
      expect(await queue.get('taken')).toMatchObject({ status: 'running', attempts: 2, leaseOwner: 'w2' });
      expect(await queue.cancel('cancelled', LEASE_MS + 2)).toBe(true);
      expect(await queue.release(cancelled, LEASE_MS + 3)).toBe(false);
      expect((await queue.get('cancelled'))?.status).toBe('cancelled');
      if (fresh === null) throw new Error('no fresh lease');
      expect(await queue.complete(fresh, result, LEASE_MS + 3)).toBe(true);
      expect(await queue.release(fresh, LEASE_MS + 4)).toBe(false);
      expect((await queue.get('taken'))?.status).toBe('succeeded');
    });

    it('lists newest first with filters', async () => {
      const queue = await create();
      await queue.enqueue(trainingRequest({ requestId: 'a' }), { maxAttempts: 1, now: 0 });
      await queue.enqueue(trainingRequest({ requestId: 'b', scope: 'org:o1', modelKind: 'anomaly' }), { maxAttempts: 1, now: 1 });
      await queue.enqueue(trainingRequest({ requestId: 'c' }), { maxAttempts: 1, now: 2 });
      expect((await queue.list()).map((job) => job.jobId)).toEqual(['c', 'b', 'a']);
      expect((await queue.list({ scope: 'org:o1' })).map((job) => job.jobId)).toEqual(['b']);
      expect((await queue.list({ kind: 'categorizer', limit: 1 })).map((job) => job.jobId)).toEqual(['c']);
      await queue.lease('w', LEASE_MS, 3);
      expect((await queue.list({ status: 'running' })).map((job) => job.jobId)).toEqual(['a']);
    });
  });
}
