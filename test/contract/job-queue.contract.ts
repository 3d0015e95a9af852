import { describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/ports/job-queue.js';
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
