import type { Collection, Db, Filter } from 'mongodb';

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
import { isDuplicateKeyError } from './is-duplicate-key-error.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';

type EventType = 'transaction' | 'expense' | 'sheet' | 'label';

interface EventDocument {
  _id: string;
  type: EventType;
  position: EventPosition;
}

/**
 * One stored transaction or expense. `row` is what readers get back; the other fields
 * record how it got its label, so every step can be repeated after a crash with the
 * same answer.
 */
interface ItemDocument<Row> {
  _id: string;
  row: Row;
  /** The event that inserted the row: only its redelivery reports `labeled` again. */
  insertedBy: string;
  labeledAtInsert: boolean;
  /** recordedAt of the label event the row's label came from; null while it is its own category. */
  labelRecordedAt: number | null;
  /** The label event that turned the unlabeled row into a labeled one. */
  firstLabelEvent: string | null;
}

/** The latest label given to an item, kept whether or not the item has arrived. */
interface LabelDocument {
  _id: string;
  label: string;
  recordedAt: number;
}

interface SheetDocument {
  _id: string;
  row: SheetSubmitted;
}

function samePosition(a: EventPosition, b: EventPosition): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

function itemKey(scopeType: 'user' | 'org', scopeId: string, itemId: string): string {
  return `${scopeType}:${scopeId}/${itemId}`;
}

/** Applies a label to an item unless the item already carries a label given later. */
function notNewerThan<Row>(key: string, recordedAt: number): Filter<ItemDocument<Row>> {
  return { _id: key, $or: [{ labelRecordedAt: null }, { labelRecordedAt: { $lte: recordedAt } }] };
}

/**
 * The event store on MongoDB, idempotent by eventId: the event's `_id` is its eventId,
 * so the `_id` index admits it once; on a duplicate key the stored position tells a
 * redelivery from a producer's resend. A redelivery repeats the effects, and every
 * effect is an insert-if-absent or a guarded update, so repeating it changes nothing.
 */
export class MongoEventStore implements EventStore {
  private readonly events: Collection<EventDocument>;
  private readonly transactionRows: Collection<ItemDocument<StoredTransaction>>;
  private readonly expenseRows: Collection<ItemDocument<StoredExpense>>;
  private readonly sheets: Collection<SheetDocument>;
  private readonly labels: Collection<LabelDocument>;

  constructor(db: Db) {
    this.events = db.collection(MONGO_COLLECTIONS.events);
    this.transactionRows = db.collection(MONGO_COLLECTIONS.transactions);
    this.expenseRows = db.collection(MONGO_COLLECTIONS.expenses);
    this.sheets = db.collection(MONGO_COLLECTIONS.sheets);
    this.labels = db.collection(MONGO_COLLECTIONS.labels);
  }

  private async admit(eventId: string, type: EventType, position: EventPosition): Promise<AppendOutcome> {
    try {
      await this.events.insertOne({ _id: eventId, type, position: { ...position } });
      return 'inserted';
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const seen = await this.events.findOne({ _id: eventId });
    if (seen === null) throw new Error(`event ${eventId} was refused as a duplicate but cannot be read back`);
    return samePosition(seen.position, position) ? 'redelivered' : 'duplicate';
  }

  /** Inserts the row unless one with this key exists; a concurrent insert of the same key is not an error. */
  private async insertItem<Row>(collection: Collection<ItemDocument<Row>>, document: ItemDocument<Row>): Promise<void> {
    try {
      await collection.updateOne({ _id: document._id }, { $setOnInsert: document }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async appendTransaction(event: TransactionRecorded, position: EventPosition): Promise<{ outcome: AppendOutcome; labeled: boolean }> {
    const outcome = await this.admit(event.eventId, 'transaction', position);
    if (outcome === 'duplicate') return { outcome, labeled: false };
    const key = itemKey('user', event.userId, event.transactionId);
    const pending = await this.labels.findOne({ _id: key });
    const label = pending?.label ?? event.category;
    await this.insertItem(this.transactionRows, {
      _id: key,
      row: { ...event, label },
      insertedBy: event.eventId,
      labeledAtInsert: label !== null,
      labelRecordedAt: pending?.recordedAt ?? null,
      firstLabelEvent: null,
    });
    if (pending === null) await this.adoptLateLabel(this.transactionRows, key, event.eventId);
    const stored = await this.transactionRows.findOne({ _id: key });
    return { outcome, labeled: stored !== null && stored.insertedBy === event.eventId && stored.labeledAtInsert };
  }

  async appendExpense(event: ExpenseRecorded, position: EventPosition): Promise<{ outcome: AppendOutcome }> {
    const outcome = await this.admit(event.eventId, 'expense', position);
    if (outcome === 'duplicate') return { outcome };
    const key = itemKey('org', event.orgId, event.expenseId);
    const pending = await this.labels.findOne({ _id: key });
    await this.insertItem(this.expenseRows, {
      _id: key,
      row: { ...event, label: pending?.label ?? null },
      insertedBy: event.eventId,
      labeledAtInsert: pending !== null,
      labelRecordedAt: pending?.recordedAt ?? null,
      firstLabelEvent: null,
    });
    if (pending === null) await this.adoptLateLabel(this.expenseRows, key, event.eventId);
    return { outcome };
  }

  /**
   * A label stored while its item was being inserted found no item to label, and the
   * insert had read no label: look again after the insert. The row takes the label as
   * labeled-at-insert only while it is still unlabeled, the same condition under which
   * the label event claims it, so exactly one of the two reports the row as newly labeled.
   */
  private async adoptLateLabel<Row>(collection: Collection<ItemDocument<Row>>, key: string, eventId: string): Promise<void> {
    const late = await this.labels.findOne({ _id: key });
    if (late === null) return;
    await collection.updateOne({ _id: key, insertedBy: eventId, 'row.label': null, firstLabelEvent: null }, {
      $set: { 'row.label': late.label, labelRecordedAt: late.recordedAt, labeledAtInsert: true },
    });
  }

  async appendSheet(event: SheetSubmitted, position: EventPosition): Promise<{ outcome: AppendOutcome }> {
    const outcome = await this.admit(event.eventId, 'sheet', position);
    if (outcome === 'duplicate') return { outcome };
    try {
      await this.sheets.updateOne({ _id: event.sheetId }, { $setOnInsert: { row: { ...event } } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return { outcome };
  }

  async appendLabel(event: LabelRecorded, position: EventPosition): Promise<LabelAppend> {
    const outcome = await this.admit(event.eventId, 'label', position);
    const key = itemKey(event.scope.type, event.scope.id, event.itemId);
    if (outcome !== 'duplicate') await this.applyLabel(key, event);
    const stored = event.scope.type === 'user' ? await this.transactionRows.findOne({ _id: key }) : await this.expenseRows.findOne({ _id: key });
    return {
      outcome,
      newlyLabeled: outcome !== 'duplicate' && stored !== null && stored.firstLabelEvent === event.eventId,
      item: stored === null ? null : { ...stored.row },
    };
  }

  private async applyLabel(key: string, event: LabelRecorded): Promise<void> {
    // Last label wins by the time it was given, so a late-arriving old correction cannot undo a newer one.
    try {
      await this.labels.updateOne(
        { _id: key, recordedAt: { $lte: event.recordedAt } },
        { $set: { label: event.label, recordedAt: event.recordedAt } },
        { upsert: true },
      );
    } catch (error) {
      // The guard failed on an existing document: a newer label is stored already.
      if (!isDuplicateKeyError(error)) throw error;
    }
    const latest = (await this.labels.findOne({ _id: key })) ?? { _id: key, label: event.label, recordedAt: event.recordedAt };
    if (event.scope.type === 'user') await this.labelItem(this.transactionRows, key, event.eventId, latest);
    else await this.labelItem(this.expenseRows, key, event.eventId, latest);
  }

  /** Gives the item the latest label; `eventId` is the label event being applied. */
  private async labelItem<Row>(collection: Collection<ItemDocument<Row>>, key: string, eventId: string, latest: LabelDocument): Promise<void> {
    const labelFields = { 'row.label': latest.label, labelRecordedAt: latest.recordedAt };
    // Only the first label on an unlabeled row claims it; the filter makes that claim happen once.
    await collection.updateOne({ _id: key, 'row.label': null, firstLabelEvent: null }, {
      $set: { ...labelFields, firstLabelEvent: eventId },
    });
    await collection.updateOne(notNewerThan<Row>(key, latest.recordedAt), { $set: labelFields });
  }

  private async history<Row extends { occurredAt: number }>(
    collection: Collection<ItemDocument<Row>>,
    owner: Record<string, string>,
    query: HistoryQuery,
  ): Promise<Row[]> {
    const filter: Record<string, unknown> = { ...owner };
    if (query.since !== undefined) filter['row.occurredAt'] = { $gte: query.since };
    if (query.labeledOnly === true) filter['row.label'] = { $ne: null };
    if (query.limit === 0) return [];
    let cursor = collection.find(filter as Filter<ItemDocument<Row>>).sort({ 'row.occurredAt': -1, _id: -1 });
    if (query.limit !== undefined) cursor = cursor.limit(query.limit);
    const newestFirst = await cursor.toArray();
    return newestFirst.reverse().map((document) => document.row);
  }

  transactions(userId: string, query: HistoryQuery = {}): Promise<StoredTransaction[]> {
    return this.history(this.transactionRows, { 'row.userId': userId }, query);
  }

  expenses(orgId: string, query: HistoryQuery = {}): Promise<StoredExpense[]> {
    // labeledOnly is a transactions-only filter.
    return this.history(this.expenseRows, { 'row.orgId': orgId }, { ...query, labeledOnly: false });
  }

  async sheetExpenses(sheetId: string): Promise<StoredExpense[]> {
    const rows = await this.expenseRows.find({ 'row.sheetId': sheetId }).sort({ 'row.occurredAt': 1, _id: 1 }).toArray();
    return rows.map((document) => document.row);
  }

  async sheet(sheetId: string): Promise<SheetSubmitted | null> {
    const found = await this.sheets.findOne({ _id: sheetId });
    return found === null ? null : found.row;
  }

  async stats(): Promise<{ transactions: number; expenses: number; sheets: number; labels: number }> {
    const [transactions, expenses, sheets, labels] = await Promise.all([
      this.transactionRows.countDocuments({}),
      this.expenseRows.countDocuments({}),
      this.sheets.countDocuments({}),
      this.events.countDocuments({ type: 'label' }),
    ]);
    return { transactions, expenses, sheets, labels };
  }
}
