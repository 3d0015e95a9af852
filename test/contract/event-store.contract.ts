import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/ports/event-store.js';
import { expense, label, position, transaction, withSingleAppends } from './contract-fixtures.js';

/** What every EventStore adapter guarantees: idempotence by eventId and labels that may arrive before or after their item. */
export function describeEventStoreContract(name: string, create: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    it('tells an insert from a redelivery (same position) and a duplicate (other position)', async () => {
      const store = withSingleAppends(await create());
      expect((await store.appendTransaction(transaction(), position(7))).outcome).toBe('inserted');
      expect((await store.appendTransaction(transaction(), position(7))).outcome).toBe('redelivered');
      expect((await store.appendTransaction(transaction(), position(8))).outcome).toBe('duplicate');
      expect((await store.stats()).transactions).toBe(1);
      expect(await store.transactions('u1')).toHaveLength(1);
    });

    it('treats the same offset on another partition or topic as a duplicate', async () => {
      const store = withSingleAppends(await create());
      await store.appendExpense(expense(), position(3, 'expenses', 0));
      expect((await store.appendExpense(expense(), position(3, 'expenses', 1))).outcome).toBe('duplicate');
      expect((await store.appendExpense(expense(), position(3, 'other', 0))).outcome).toBe('duplicate');
      expect((await store.stats()).expenses).toBe(1);
    });

    it('reports labeled for a transaction with its own category, consistently across redelivery', async () => {
      const store = withSingleAppends(await create());
      expect(await store.appendTransaction(transaction({ category: 'food' }), position(1))).toEqual({ outcome: 'inserted', labeled: true });
      expect(await store.appendTransaction(transaction({ category: 'food' }), position(1))).toEqual({ outcome: 'redelivered', labeled: true });
      expect(await store.appendTransaction(transaction({ eventId: 'other', transactionId: 't2' }), position(2))).toEqual({
        outcome: 'inserted',
        labeled: false,
      });
    });

    it('applies a label that arrives after its item, and reports it as newly labeled', async () => {
      const store = withSingleAppends(await create());
      await store.appendTransaction(transaction(), position(1));
      const appended = await store.appendLabel(label(), position(1, 'labels'));
      expect(appended.outcome).toBe('inserted');
      expect(appended.newlyLabeled).toBe(true);
      expect(appended.item?.label).toBe('groceries');
      expect((await store.transactions('u1', { labeledOnly: true })).map((row) => row.label)).toEqual(['groceries']);
    });

    it('keeps newlyLabeled stable across a redelivery of the label, and false for a producer resend', async () => {
      const store = withSingleAppends(await create());
      await store.appendTransaction(transaction(), position(1));
      await store.appendLabel(label(), position(1, 'labels'));
      const redelivered = await store.appendLabel(label(), position(1, 'labels'));
      expect(redelivered).toMatchObject({ outcome: 'redelivered', newlyLabeled: true });
      const resent = await store.appendLabel(label(), position(2, 'labels'));
      expect(resent).toMatchObject({ outcome: 'duplicate', newlyLabeled: false });
      expect((await store.stats()).labels).toBe(1);
    });

    it('does not report a relabel of an already labeled item as newly labeled', async () => {
      const store = withSingleAppends(await create());
      await store.appendTransaction(transaction(), position(1));
      await store.appendLabel(label(), position(1, 'labels'));
      const relabel = await store.appendLabel(label({ eventId: 'label-event-2', label: 'dining', recordedAt: 3_000 }), position(2, 'labels'));
      expect(relabel.newlyLabeled).toBe(false);
      expect(relabel.item?.label).toBe('dining');
    });

    it('holds a label that arrives before its item and applies it when the item arrives', async () => {
      const store = withSingleAppends(await create());
      const early = await store.appendLabel(label(), position(1, 'labels'));
      expect(early).toEqual({ outcome: 'inserted', newlyLabeled: false, item: null });
      expect(await store.appendTransaction(transaction(), position(1))).toEqual({ outcome: 'inserted', labeled: true });
      expect((await store.transactions('u1'))[0]?.label).toBe('groceries');
    });

    it('applies an early label to an expense of an organisation', async () => {
      const store = withSingleAppends(await create());
      await store.appendLabel(label({ scope: { type: 'org', id: 'o1' }, itemId: 'e1', label: 'fraud' }), position(1, 'labels'));
      await store.appendExpense(expense(), position(1, 'expenses'));
      expect((await store.expenses('o1')).map((row) => row.label)).toEqual(['fraud']);
      expect((await store.sheetExpenses('s1')).map((row) => row.expenseId)).toEqual(['e1']);
    });

    it('keeps the label given last when an older correction arrives late', async () => {
      const store = withSingleAppends(await create());
      await store.appendTransaction(transaction(), position(1));
      await store.appendLabel(label({ eventId: 'newer', label: 'dining', recordedAt: 5_000 }), position(1, 'labels'));
      await store.appendLabel(label({ eventId: 'older', label: 'groceries', recordedAt: 4_000 }), position(2, 'labels'));
      expect((await store.transactions('u1'))[0]?.label).toBe('dining');
    });

    it('returns the newest rows oldest first when limited, and honours since', async () => {
      const store = withSingleAppends(await create());
      for (const [index, occurredAt] of [300, 100, 200].entries()) {
        await store.appendTransaction(transaction({ eventId: `e${index}`, transactionId: `t${index}`, occurredAt }), position(index));
      }
      expect((await store.transactions('u1', { limit: 2 })).map((row) => row.occurredAt)).toEqual([200, 300]);
      expect((await store.transactions('u1', { since: 200 })).map((row) => row.occurredAt)).toEqual([200, 300]);
    });

    it('stores a sheet once', async () => {
      const store = withSingleAppends(await create());
      const sheet = { eventId: 'sheet-event', orgId: 'o1', sheetId: 's1', expenseCount: 1, submittedAt: 5_000 };
      expect((await store.appendSheet(sheet, position(1, 'sheets'))).outcome).toBe('inserted');
      expect((await store.appendSheet(sheet, position(2, 'sheets'))).outcome).toBe('duplicate');
      expect(await store.sheet('s1')).toEqual(sheet);
      expect(await store.sheet('missing')).toBeNull();
      expect((await store.stats()).sheets).toBe(1);
    });
    it('stores a batch in one call: an item and its label in the same batch credit one event', async () => {
      const store = await create();
      const results = await store.appendBatch([
        { input: { type: 'label', event: label() }, position: position(1, 'mixed') },
        { input: { type: 'transaction', event: transaction() }, position: position(2, 'mixed') },
        { input: { type: 'transaction', event: transaction() }, position: position(3, 'mixed') },
      ]);
      expect(results.map((result) => result.outcome)).toEqual(['inserted', 'inserted', 'duplicate']);
      expect(results.filter((result) => result.labeled)).toHaveLength(1);
      const again = await store.appendBatch([
        { input: { type: 'label', event: label() }, position: position(1, 'mixed') },
        { input: { type: 'transaction', event: transaction() }, position: position(2, 'mixed') },
      ]);
      expect(again.map((result) => [result.outcome, result.labeled])).toEqual(results.slice(0, 2).map((result) => ['redelivered', result.labeled]));
    });

    it('keeps items of different users apart whatever their ids hold', async () => {
      const store = withSingleAppends(await create());
      await store.appendTransaction(transaction({ userId: 'a/b', transactionId: 'c', eventId: 'e1' }), position(1));
      await store.appendTransaction(transaction({ userId: 'a', transactionId: 'b/c', eventId: 'e2' }), position(2));
      const labelled = await store.appendLabel(label({ scope: { type: 'user', id: 'a' }, itemId: 'b/c' }), position(1, 'labels'));
      expect(labelled.newlyLabeled).toBe(true);
      expect((await store.transactions('a/b'))[0]?.label).toBeNull();
      expect((await store.transactions('a'))[0]?.label).toBe('groceries');
    });

    it('lists a stored sheet as pending analysis until it is analysed, and leases it to one analyst', async () => {
      const store = withSingleAppends(await create());
      const sheet = { eventId: 'sheet-event', orgId: 'o1', sheetId: 's1', expenseCount: 1, submittedAt: 5_000 };
      await store.appendSheet(sheet, position(1, 'sheets'));
      expect((await store.pendingAnalyses(10)).map((row) => row.sheetId)).toEqual(['s1']);
      expect(await store.claimAnalysis(sheet, 10_000, 1_000)).toBe(true);
      expect(await store.claimAnalysis(sheet, 10_500, 1_000)).toBe(false);
      expect(await store.claimAnalysis(sheet, 11_001, 1_000)).toBe(true);
      await store.markAnalysed(sheet, 11_500);
      expect(await store.pendingAnalyses(10)).toEqual([]);
      expect(await store.claimAnalysis(sheet, 99_000, 1_000)).toBe(false);
    });

    it('remembers which dead letters were sent', async () => {
      const store = await create();
      expect(await store.deadLettered(['a', 'b'])).toEqual(new Set());
      await store.recordDeadLettered(['a'], 1);
      await store.recordDeadLettered(['a'], 2);
      expect(await store.deadLettered(['a', 'b'])).toEqual(new Set(['a']));
    });
  });
}
