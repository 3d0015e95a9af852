import type { ExpenseRecorded, LabelRecorded, SheetSubmitted, TransactionRecorded } from '../../domain/events.js';
import type {
  AppendOutcome,
  EventPosition,
  EventStore,
  HistoryQuery,
  LabelAppend,
  StoredExpense,
  StoredTransaction,
} from '../../ports/event-store.js';

function samePosition(a: EventPosition, b: EventPosition): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

function newestFirstLimited<T extends { occurredAt: number }>(rows: T[], query: HistoryQuery): T[] {
  const since = query.since ?? Number.NEGATIVE_INFINITY;
  const kept = rows.filter((row) => row.occurredAt >= since);
  kept.sort((a, b) => a.occurredAt - b.occurredAt);
  return query.limit === undefined ? kept : kept.slice(Math.max(0, kept.length - query.limit));
}

/** The embedded mode's event store: idempotent by eventId, like the MongoDB one. */
export class MemoryEventStore implements EventStore {
  private readonly positions = new Map<string, EventPosition>();
  private readonly transactionsByUser = new Map<string, Map<string, StoredTransaction>>();
  private readonly expensesByOrg = new Map<string, Map<string, StoredExpense>>();
  private readonly expensesBySheet = new Map<string, StoredExpense[]>();
  private readonly sheets = new Map<string, SheetSubmitted>();
  /** Latest label per `<scopeType>:<scopeId>/<itemId>`, and the label event that first labeled the item. */
  private readonly labels = new Map<string, { label: string; recordedAt: number }>();
  private readonly firstLabelEvent = new Map<string, string>();
  private labelCount = 0;
  /** Transactions that were labeled when inserted: a redelivery must report what the first insert reported. */
  private readonly labeledAtInsert = new Set<string>();

  private admit(eventId: string, position: EventPosition): AppendOutcome {
    const seen = this.positions.get(eventId);
    if (seen === undefined) {
      this.positions.set(eventId, { ...position });
      return 'inserted';
    }
    return samePosition(seen, position) ? 'redelivered' : 'duplicate';
  }

  appendTransaction(event: TransactionRecorded, position: EventPosition): Promise<{ outcome: AppendOutcome; labeled: boolean }> {
    const outcome = this.admit(event.eventId, position);
    let rows = this.transactionsByUser.get(event.userId);
    if (rows === undefined) {
      rows = new Map();
      this.transactionsByUser.set(event.userId, rows);
    }
    if (outcome === 'inserted' && !rows.has(event.transactionId)) {
      const pending = this.labels.get(`user:${event.userId}/${event.transactionId}`);
      const label = pending?.label ?? event.category;
      rows.set(event.transactionId, { ...event, label });
      if (label !== null) this.labeledAtInsert.add(event.eventId);
    }
    const labeled = outcome !== 'duplicate' && this.labeledAtInsert.has(event.eventId);
    return Promise.resolve({ outcome, labeled });
  }

  appendExpense(event: ExpenseRecorded, position: EventPosition): Promise<{ outcome: AppendOutcome }> {
    const outcome = this.admit(event.eventId, position);
    if (outcome === 'inserted') {
      let rows = this.expensesByOrg.get(event.orgId);
      if (rows === undefined) {
        rows = new Map();
        this.expensesByOrg.set(event.orgId, rows);
      }
      if (!rows.has(event.expenseId)) {
        const pending = this.labels.get(`org:${event.orgId}/${event.expenseId}`);
        const stored: StoredExpense = { ...event, label: pending?.label ?? null };
        rows.set(event.expenseId, stored);
        const sheet = this.expensesBySheet.get(event.sheetId) ?? [];
        sheet.push(stored);
        this.expensesBySheet.set(event.sheetId, sheet);
      }
    }
    return Promise.resolve({ outcome });
  }

  appendSheet(event: SheetSubmitted, position: EventPosition): Promise<{ outcome: AppendOutcome }> {
    const outcome = this.admit(event.eventId, position);
    if (outcome === 'inserted' && !this.sheets.has(event.sheetId)) this.sheets.set(event.sheetId, { ...event });
    return Promise.resolve({ outcome });
  }

  appendLabel(event: LabelRecorded, position: EventPosition): Promise<LabelAppend> {
    const outcome = this.admit(event.eventId, position);
    const itemKey = `${event.scope.type}:${event.scope.id}/${event.itemId}`;
    const item =
      event.scope.type === 'user'
        ? this.transactionsByUser.get(event.scope.id)?.get(event.itemId)
        : this.expensesByOrg.get(event.scope.id)?.get(event.itemId);
    if (outcome === 'duplicate') return Promise.resolve({ outcome, newlyLabeled: false, item: item === undefined ? null : { ...item } });
    if (outcome === 'inserted') {
      this.labelCount += 1;
      const previous = this.labels.get(itemKey);
      // Last label wins by the time it was given, so a late-arriving old correction cannot undo a newer one.
      if (previous === undefined || previous.recordedAt <= event.recordedAt) {
        this.labels.set(itemKey, { label: event.label, recordedAt: event.recordedAt });
      }
      if (item !== undefined) {
        if (item.label === null && !this.firstLabelEvent.has(itemKey)) this.firstLabelEvent.set(itemKey, event.eventId);
        item.label = this.labels.get(itemKey)?.label ?? event.label;
      }
    }
    return Promise.resolve({
      outcome,
      newlyLabeled: this.firstLabelEvent.get(itemKey) === event.eventId,
      item: item === undefined ? null : { ...item },
    });
  }

  transactions(userId: string, query: HistoryQuery = {}): Promise<StoredTransaction[]> {
    const rows = [...(this.transactionsByUser.get(userId)?.values() ?? [])].filter(
      (row) => query.labeledOnly !== true || row.label !== null,
    );
    return Promise.resolve(newestFirstLimited(rows, query).map((row) => ({ ...row })));
  }

  expenses(orgId: string, query: HistoryQuery = {}): Promise<StoredExpense[]> {
    const rows = [...(this.expensesByOrg.get(orgId)?.values() ?? [])];
    return Promise.resolve(newestFirstLimited(rows, query).map((row) => ({ ...row })));
  }

  sheetExpenses(sheetId: string): Promise<StoredExpense[]> {
    return Promise.resolve((this.expensesBySheet.get(sheetId) ?? []).map((row) => ({ ...row })));
  }

  sheet(sheetId: string): Promise<SheetSubmitted | null> {
    const found = this.sheets.get(sheetId);
    return Promise.resolve(found === undefined ? null : { ...found });
  }

  stats(): Promise<{ transactions: number; expenses: number; sheets: number; labels: number }> {
    let transactions = 0;
    for (const rows of this.transactionsByUser.values()) transactions += rows.size;
    let expenses = 0;
    for (const rows of this.expensesByOrg.values()) expenses += rows.size;
    return Promise.resolve({ transactions, expenses, sheets: this.sheets.size, labels: this.labelCount });
  }
}
