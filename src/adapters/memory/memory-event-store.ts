import type { SheetSubmitted } from '../../domain/events.js';
import { inputEventKey, inputItemKey } from '../../domain/input-event-keys.js';
import { labelItem, type ItemLabelState, type LatestLabel } from '../../domain/item-labeling.js';
import type { AppendOutcome, AppendResult, EventPosition, EventStore, HistoryQuery, PositionedEvent, SheetRef, StoredExpense, StoredTransaction } from '../../ports/event-store.js';

function samePosition(a: EventPosition, b: EventPosition): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

function newestFirstLimited<T extends { occurredAt: number }>(rows: T[], query: HistoryQuery): T[] {
  const since = query.since ?? Number.NEGATIVE_INFINITY;
  const kept = rows.filter((row) => row.occurredAt >= since);
  kept.sort((a, b) => a.occurredAt - b.occurredAt);
  return query.limit === undefined ? kept : kept.slice(Math.max(0, kept.length - query.limit));
}

function sheetKey(sheet: SheetRef): string {
  return JSON.stringify([sheet.orgId, sheet.sheetId]);
}

interface StoredItem<Row> extends Omit<ItemLabelState, 'label'> {
  row: Row;
}

/** The embedded mode's event store: the same rules as the MongoDB one (src/domain/item-labeling.ts), in maps. */
export class MemoryEventStore implements EventStore {
  private readonly positions = new Map<string, EventPosition>();
  private readonly transactionsByUser = new Map<string, Map<string, StoredItem<StoredTransaction>>>();
  private readonly expensesByOrg = new Map<string, Map<string, StoredItem<StoredExpense>>>();
  private readonly expensesBySheet = new Map<string, StoredExpense[]>();
  private readonly items = new Map<string, StoredItem<StoredTransaction> | StoredItem<StoredExpense>>();
  private readonly sheets = new Map<string, SheetSubmitted>();
  private readonly labels = new Map<string, LatestLabel>();
  private labelCount = 0;
  /** Per sheet key: when its analysis lease ends (Infinity once analysed). */
  private readonly analysisLeases = new Map<string, number>();
  private readonly deadLetterKeys = new Set<string>();

  private admit(key: string, position: EventPosition): AppendOutcome {
    const seen = this.positions.get(key);
    if (seen === undefined) {
      this.positions.set(key, { ...position });
      return 'inserted';
    }
    return samePosition(seen, position) ? 'redelivered' : 'duplicate';
  }

  appendBatch(events: readonly PositionedEvent[]): Promise<AppendResult[]> {
    const outcomes = events.map(({ input, position }) => this.admit(inputEventKey(input), position));
    const live = events.filter((_, index) => outcomes[index] !== 'duplicate');
    const eventIds = new Set(live.map(({ input }) => input.event.eventId));
    const labelEventByKey = new Map<string, string>();
    for (const [index, { input }] of events.entries()) {
      if (outcomes[index] === 'duplicate') continue;
      const key = inputItemKey(input) ?? '';
      switch (input.type) {
        case 'label': {
          if (outcomes[index] === 'inserted') this.labelCount += 1;
          const previous = this.labels.get(key);
          if (previous === undefined || previous.recordedAt <= input.event.recordedAt) {
            this.labels.set(key, { label: input.event.label, recordedAt: input.event.recordedAt });
            labelEventByKey.set(key, input.event.eventId);
          }
          break;
        }
        case 'transaction':
          if (!this.items.has(key)) {
            const item: StoredItem<StoredTransaction> = {
              row: { ...input.event, label: input.event.category },
              insertedBy: input.event.eventId,
              labelRecordedAt: null,
              labeledBy: input.event.category === null ? null : input.event.eventId,
            };
            this.items.set(key, item);
            this.rowsOf(this.transactionsByUser, input.event.userId).set(input.event.transactionId, item);
          }
          break;
        case 'expense':
          if (!this.items.has(key)) {
            const item: StoredItem<StoredExpense> = { row: { ...input.event, label: null }, insertedBy: input.event.eventId, labelRecordedAt: null, labeledBy: null };
            this.items.set(key, item);
            this.rowsOf(this.expensesByOrg, input.event.orgId).set(input.event.expenseId, item);
            const sheet = this.expensesBySheet.get(input.event.sheetId) ?? [];
            sheet.push(item.row);
            this.expensesBySheet.set(input.event.sheetId, sheet);
          }
          break;
        case 'sheet':
          if (!this.sheets.has(input.event.sheetId)) this.sheets.set(input.event.sheetId, { ...input.event });
          break;
      }
    }
    for (const { input } of live) {
      const key = inputItemKey(input);
      const item = key === null ? undefined : this.items.get(key);
      if (key === null || item === undefined) continue;
      const next = labelItem({ ...item, label: item.row.label }, this.labels.get(key) ?? null, { eventIds, labelEventId: labelEventByKey.get(key) ?? null });
      if (next === null) continue;
      // The row object is shared with the sheet index: label it in place.
      item.row.label = next.label;
      item.labelRecordedAt = next.labelRecordedAt;
      item.labeledBy = next.labeledBy;
    }
    return Promise.resolve(
      events.map(({ input }, index): AppendResult => {
        const outcome = outcomes[index] ?? 'duplicate';
        const key = inputItemKey(input);
        const item = key === null ? undefined : this.items.get(key);
        return { outcome, labeled: outcome !== 'duplicate' && item?.labeledBy === input.event.eventId, item: item === undefined ? null : { ...item.row } };
      }),
    );
  }

  private rowsOf<Row>(byOwner: Map<string, Map<string, StoredItem<Row>>>, owner: string): Map<string, StoredItem<Row>> {
    let rows = byOwner.get(owner);
    if (rows === undefined) {
      rows = new Map();
      byOwner.set(owner, rows);
    }
    return rows;
  }

  transactions(userId: string, query: HistoryQuery = {}): Promise<StoredTransaction[]> {
    const rows = [...(this.transactionsByUser.get(userId)?.values() ?? [])].map((item) => item.row).filter(
      (row) => query.labeledOnly !== true || row.label !== null,
    );
    return Promise.resolve(newestFirstLimited(rows, query).map((row) => ({ ...row })));
  }

  expenses(orgId: string, query: HistoryQuery = {}): Promise<StoredExpense[]> {
    const rows = [...(this.expensesByOrg.get(orgId)?.values() ?? [])].map((item) => item.row);
    return Promise.resolve(newestFirstLimited(rows, query).map((row) => ({ ...row })));
  }

  sheetExpenses(sheetId: string): Promise<StoredExpense[]> {
    return Promise.resolve((this.expensesBySheet.get(sheetId) ?? []).map((row) => ({ ...row })));
  }

  sheet(sheetId: string): Promise<SheetSubmitted | null> {
    const found = this.sheets.get(sheetId);
    return Promise.resolve(found === undefined ? null : { ...found });
  }

  pendingAnalyses(limit: number): Promise<SheetSubmitted[]> {
    const pending = [...this.sheets.values()]
      .filter((sheet) => this.analysisLeases.get(sheetKey(sheet)) !== Number.POSITIVE_INFINITY)
      .sort((a, b) => a.submittedAt - b.submittedAt)
      .slice(0, Math.max(0, limit));
    return Promise.resolve(pending.map((sheet) => ({ ...sheet })));
  }

  claimAnalysis(sheet: SheetRef, now: number, leaseMs: number): Promise<boolean> {
    const key = sheetKey(sheet);
    if (!this.sheets.has(sheet.sheetId) || (this.analysisLeases.get(key) ?? Number.NEGATIVE_INFINITY) > now) return Promise.resolve(false);
    this.analysisLeases.set(key, now + leaseMs);
    return Promise.resolve(true);
  }

  markAnalysed(sheet: SheetRef, _at: number): Promise<void> {
    this.analysisLeases.set(sheetKey(sheet), Number.POSITIVE_INFINITY);
    return Promise.resolve();
  }

  deadLettered(keys: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(keys.filter((key) => this.deadLetterKeys.has(key))));
  }

  recordDeadLettered(keys: readonly string[], _at: number): Promise<void> {
    for (const key of keys) this.deadLetterKeys.add(key);
    return Promise.resolve();
  }

  stats(): Promise<{ transactions: number; expenses: number; sheets: number; labels: number }> {
    let transactions = 0;
    for (const rows of this.transactionsByUser.values()) transactions += rows.size;
    let expenses = 0;
    for (const rows of this.expensesByOrg.values()) expenses += rows.size;
    return Promise.resolve({ transactions, expenses, sheets: this.sheets.size, labels: this.labelCount });
  }
}
