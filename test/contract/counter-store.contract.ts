import { describe, expect, it } from 'vitest';
import type { CounterStore } from '../../src/ports/counter-store.js';
import { decision } from './contract-fixtures.js';

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

    it('claims at most one open decision per (scope, kind); a trigger meanwhile becomes the one follow-up', async () => {
      const store = await create();
      const claimNext = (id: string) =>
        store.update(null, [{ scope: 'user:u1', kind: 'categorizer' }], (after) => ({
          decision: decision({ decisionId: `${id}/${after.decisions + 1}` }),
          followUp: { scope: 'user:u1', kind: 'categorizer', source: 'manual', at: 5, force: true },
          recheckAt: 100,
        }));
      const [first] = await claimNext('a');
      expect(first?.claimed?.decisionId).toBe('a/1');
      const [second] = await claimNext('b');
      expect(second?.claimed).toBeNull();
      expect(second?.counters).toMatchObject({ decisions: 1, openDecision: { decisionId: 'a/1' }, followUp: { source: 'manual', force: true } });
      expect(await store.closeDecision('user:u1', 'categorizer', 'other', 10)).toBe(false);
      expect(await store.closeDecision('user:u1', 'categorizer', 'a/1', 10)).toBe(true);
      const [third] = await claimNext('c');
      expect(third?.claimed?.decisionId).toBe('c/2');
      expect(third?.counters.followUp).toBeNull();
    });

    it('counts a batch summed per (scope, kind), once per offset, and fresh events below the applied offset (a re-created topic)', async () => {
      const store = await create();
      const keep = (after: { recheckAt: number | null }) => ({ decision: null, followUp: null, recheckAt: after.recheckAt });
      const entries = [5, 6, 7].map((offset) => ({ scope: 'user:u1' as const, kind: 'forecaster' as const, offset, fresh: true, delta: { total: 1, sinceLastTraining: 1, eventTime: offset * 100 } }));
      const [applied] = await store.update('tx/0', entries, keep);
      expect(applied).toMatchObject({ counted: true, counters: { total: 3, firstEventAt: 500, lastEventAt: 700 } });
      const [redelivered] = await store.update('tx/0', entries.map((entry) => ({ ...entry, fresh: false })), keep);
      expect(redelivered?.counted).toBe(false);
      const [recreated] = await store.update('tx/0', [{ ...entries[0], offset: 0, fresh: true }] as typeof entries, keep);
      expect(recreated?.counters.total).toBe(4);
      const [again] = await store.update('tx/0', [{ ...entries[0], offset: 0, fresh: false }] as typeof entries, keep);
      expect(again?.counters.total).toBe(4);
    });

    it('lists (scope, kind) whose re-check time has come, oldest first', async () => {
      const store = await create();
      for (const [id, at] of [['u1', 300], ['u2', 100], ['u3', null]] as const) {
        await store.update(null, [{ scope: `user:${id}`, kind: 'categorizer' }], () => ({ decision: null, followUp: null, recheckAt: at }));
      }
      expect((await store.dueForRecheck(250, 10)).map((row) => row.scope)).toEqual(['user:u2']);
      expect((await store.dueForRecheck(1_000, 10)).map((row) => row.scope)).toEqual(['user:u2', 'user:u1']);
    });

    it('adds an out-of-stream sample once per id', async () => {
      const store = await create();
      expect(await store.addSample('org:o1', 'anomaly', { id: 's1', value: 0.5, window: 3 })).toBe(true);
      expect(await store.addSample('org:o1', 'anomaly', { id: 's1', value: 0.5, window: 3 })).toBe(false);
      expect((await store.get('org:o1', 'anomaly'))?.performance).toEqual([0.5]);
    });

    it('subtracts only the consumed amount when the open decision is trained, once', async () => {
      const store = await create();
      for (let offset = 1; offset <= 30; offset += 1) {
        await store.apply('user:u1', 'categorizer', { total: 1, sinceLastTraining: 1, performanceSample: 1 }, { stream: 'labels/0', offset });
      }
      await store.update(null, [{ scope: 'user:u1', kind: 'categorizer' }], () => ({ decision: decision({ decisionId: 'req-1' }), followUp: null, recheckAt: null }));
      expect(await store.markTrained('user:u1', 'categorizer', { requestId: 'req-1', consumed: 20, trainedAt: 5_000 })).toBe(true);
      expect(await store.get('user:u1', 'categorizer')).toMatchObject({ total: 30, sinceLastTraining: 10, lastTrainedAt: 5_000, performance: [], openDecision: null, recheckAt: 5_000 });
      expect(await store.markTrained('user:u1', 'categorizer', { requestId: 'req-1', consumed: 20, trainedAt: 6_000 })).toBe(false);
      expect(await store.get('user:u1', 'categorizer')).toMatchObject({ sinceLastTraining: 10, lastTrainedAt: 5_000 });
    });

    it('records a failure of the open decision so the policy can back off', async () => {
      const store = await create();
      await store.apply('user:u1', 'forecaster', { total: 60, sinceLastTraining: 60 }, { stream: 'tx/0', offset: 1 });
      await store.update(null, [{ scope: 'user:u1', kind: 'forecaster' }], () => ({ decision: decision({ decisionId: 'req-9', kind: 'forecaster' }), followUp: null, recheckAt: null }));
      expect(await store.markFailed('user:u1', 'forecaster', { requestId: 'req-9', consumed: 60, failedAt: 7_000 })).toBe(true);
      expect(await store.get('user:u1', 'forecaster')).toMatchObject({ sinceLastTraining: 0, lastFailedAt: 7_000, lastTrainedAt: null, openDecision: null });
    });
  });
}
