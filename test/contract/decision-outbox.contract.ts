import { describe, expect, it } from 'vitest';
import type { DecisionOutbox } from '../../src/ports/decision-outbox.js';
import { decision } from './contract-fixtures.js';

/** What every DecisionOutbox adapter guarantees: a decision is recorded once and published from the pending list. */
export function describeDecisionOutboxContract(name: string, create: () => Promise<DecisionOutbox>): void {
  describe(`DecisionOutbox contract: ${name}`, () => {
    it('records a decision id once', async () => {
      const outbox = await create();
      expect(await outbox.record(decision())).toBe(true);
      expect(await outbox.record(decision({ reason: 'manual' }))).toBe(false);
      expect((await outbox.get('user:u1/categorizer/1'))?.reason).toBe('new-data');
      expect(await outbox.get('missing')).toBeNull();
    });

    it('lists pending decisions oldest first until they are marked published', async () => {
      const outbox = await create();
      for (const sequence of [1, 2, 3]) await outbox.record(decision({ decisionId: `user:u1/categorizer/${sequence}`, decidedAt: sequence }));
      expect((await outbox.pending(2)).map((row) => row.decisionId)).toEqual(['user:u1/categorizer/1', 'user:u1/categorizer/2']);
      await outbox.markPublished('user:u1/categorizer/1', 99);
      expect((await outbox.pending(10)).map((row) => row.decisionId)).toEqual(['user:u1/categorizer/2', 'user:u1/categorizer/3']);
      expect((await outbox.get('user:u1/categorizer/1'))?.publishedAt).toBe(99);
    });

    it('keeps the first publication time when marked twice', async () => {
      const outbox = await create();
      await outbox.record(decision());
      await outbox.markPublished('user:u1/categorizer/1', 10);
      await outbox.markPublished('user:u1/categorizer/1', 20);
      expect((await outbox.get('user:u1/categorizer/1'))?.publishedAt).toBe(10);
    });

    it('lists newest first, filtered by scope and kind', async () => {
      const outbox = await create();
      await outbox.record(decision({ decisionId: 'user:u1/categorizer/1', decidedAt: 1 }));
      await outbox.record(decision({ decisionId: 'org:o1/anomaly/1', scope: 'org:o1', kind: 'anomaly', decidedAt: 2 }));
      await outbox.record(decision({ decisionId: 'user:u1/categorizer/2', decidedAt: 3 }));
      expect((await outbox.list({ scope: 'user:u1' })).map((row) => row.decisionId)).toEqual(['user:u1/categorizer/2', 'user:u1/categorizer/1']);
      expect((await outbox.list({ kind: 'anomaly' })).map((row) => row.decisionId)).toEqual(['org:o1/anomaly/1']);
      expect(await outbox.list({ limit: 1 })).toHaveLength(1);
    });

    it('records a batch once, and leases a pending decision to one publisher at a time', async () => {
      const outbox = await create();
      const batch = [decision({ decisionId: 'd/1' }), decision({ decisionId: 'd/2' })];
      expect(await outbox.recordMany(batch)).toBe(2);
      expect(await outbox.recordMany([...batch, decision({ decisionId: 'd/3' })])).toBe(1);
      expect((await outbox.pending(10)).map((row) => row.decisionId)).toEqual(['d/1', 'd/2', 'd/3']);
      expect(await outbox.claimPublication('d/1', 1_000, 500)).toEqual({ firstClaimedAt: 1_000, attempts: 1 });
      expect(await outbox.claimPublication('d/1', 1_200, 500)).toBeNull();
      expect(await outbox.claimPublication('d/1', 1_501, 500)).toEqual({ firstClaimedAt: 1_000, attempts: 2 });
      await outbox.releasePublication('d/1');
      expect(await outbox.claimPublication('d/1', 1_600, 500)).toEqual({ firstClaimedAt: 1_000, attempts: 3 });
      await outbox.markPublished('d/1', 1_700);
      expect(await outbox.claimPublication('d/1', 99_000, 500)).toBeNull();
    });
  });
}
