import { describe, expect, it } from 'vitest';
import type { CounterStore } from '../../src/ports/counter-store.js';

/** What every CounterStore adapter guarantees: offset-guarded updates, ordered decision claims, idempotent training marks. */
export function describeCounterStoreContract(name: string, create: () => Promise<CounterStore>): void {
  describe(`CounterStore contract: ${name}`, () => {
    it('applies a delta once per stream offset, so a redelivered record does not count twice', async () => {
      const store = await create();
      const guard = { stream: 'transactions/0', offset: 5 };
      expect(await store.apply('user:u1', 'forecaster', { total: 1, sinceLastTraining: 1, eventTime: 100 }, guard)).toBe(true);
      expect(await store.apply('user:u1', 'forecaster', { total: 1, sinceLastTraining: 1, eventTime: 100 }, guard)).toBe(false);
      expect(await store.apply('user:u1', 'forecaster', { total: 1 }, { stream: 'transactions/0', offset: 4 })).toBe(false);
      expect(await store.get('user:u1', 'forecaster')).toMatchObject({ total: 1, sinceLastTraining: 1, firstEventAt: 100, lastEventAt: 100 });
    });

    it('guards each stream separately', async () => {
      const store = await create();
      expect(await store.apply('org:o1', 'anomaly', { total: 1 }, { stream: 'expenses/0', offset: 9 })).toBe(true);
      expect(await store.apply('org:o1', 'anomaly', { sheets: 1 }, { stream: 'sheets/0', offset: 1 })).toBe(true);
      expect(await store.get('org:o1', 'anomaly')).toMatchObject({ total: 1, sheets: 1 });
    });

    it('widens the event time range and keeps the newest performance samples', async () => {
      const store = await create();
      await store.apply('user:u1', 'categorizer', { eventTime: 500, performanceSample: 1, performanceWindow: 2 }, { stream: 's', offset: 1 });
      await store.apply('user:u1', 'categorizer', { eventTime: 200, performanceSample: 0, performanceWindow: 2 }, { stream: 's', offset: 2 });
      await store.apply('user:u1', 'categorizer', { eventTime: 900, performanceSample: 1, performanceWindow: 2 }, { stream: 's', offset: 3 });
      expect(await store.get('user:u1', 'categorizer')).toMatchObject({ firstEventAt: 200, lastEventAt: 900, performance: [0, 1] });
    });

    it('returns null for an unknown scope and filters the list', async () => {
      const store = await create();
      expect(await store.get('user:nobody', 'forecaster')).toBeNull();
      await store.apply('user:u1', 'forecaster', { total: 1 }, { stream: 's', offset: 1 });
      await store.apply('org:o1', 'anomaly', { total: 1 }, { stream: 's', offset: 1 });
      expect((await store.list({ kind: 'anomaly' })).map((row) => row.scope)).toEqual(['org:o1']);
      expect((await store.list({ scope: 'user:u1' })).map((row) => row.kind)).toEqual(['forecaster']);
    });

    it('claims decision numbers strictly in sequence', async () => {
      const store = await create();
      expect(await store.claimDecision('user:u1', 'categorizer', 2)).toBe(false);
      expect(await store.claimDecision('user:u1', 'categorizer', 1)).toBe(true);
      expect(await store.claimDecision('user:u1', 'categorizer', 1)).toBe(false);
      expect(await store.claimDecision('user:u1', 'categorizer', 2)).toBe(true);
      expect((await store.get('user:u1', 'categorizer'))?.decisions).toBe(2);
    });

    it('subtracts only the consumed amount on markTrained, once per requestId', async () => {
      const store = await create();
      for (let offset = 1; offset <= 30; offset += 1) {
        await store.apply('user:u1', 'categorizer', { total: 1, sinceLastTraining: 1, performanceSample: 1 }, { stream: 'labels/0', offset });
      }
      expect(await store.markTrained('user:u1', 'categorizer', { requestId: 'req-1', consumed: 20, trainedAt: 5_000 })).toBe(true);
      expect(await store.get('user:u1', 'categorizer')).toMatchObject({ total: 30, sinceLastTraining: 10, lastTrainedAt: 5_000, performance: [] });
      expect(await store.markTrained('user:u1', 'categorizer', { requestId: 'req-1', consumed: 20, trainedAt: 6_000 })).toBe(false);
      expect(await store.get('user:u1', 'categorizer')).toMatchObject({ sinceLastTraining: 10, lastTrainedAt: 5_000 });
    });
  });
}
