import { type AnyBulkWriteOperation, type Collection, type Db, type Filter } from 'mongodb';

import type { InputEvent, SheetSubmitted } from '../../domain/events.js';
import { inputEventKey, inputItemKey } from '../../domain/input-event-keys.js';
import { labelItem, type ItemLabelState, type LatestLabel } from '../../domain/item-labeling.js';
import { RelearnError } from '../../domain/errors.js';
import { orgScope } from '../../domain/scope.js';
import { scopedKey } from '../../domain/store-keys.js';
import type {
  AppendOutcome,
  AppendResult,
  EventPosition,
  EventStore,
  HistoryQuery,
  PositionedEvent,
  SheetRef,
  StoredExpense,
  StoredTransaction,
} from '../../ports/event-store.js';
import { changeDocument, compareAndSetMany, firstRevision, initialRevision, type Revisioned, type StringKeyed } from './compare-and-set.js';
import { findByIds, KEYS_PER_QUERY_MOSTLY_MISSING } from './find-by-ids.js';
import { duplicateKeyIndexes } from './is-duplicate-key-error.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';

type EventType = InputEvent['type'];

interface EventDocument {
  _id: string;
  type: EventType;
  position: EventPosition;
}

/** One stored transaction or expense: `row` is what readers get back, the rest how it got its label. */
interface ItemDocument<Row> extends Revisioned, Omit<ItemLabelState, 'label'> {
  row: Row;
}

interface LabelDocument extends LatestLabel, Revisioned {
  eventId: string;
}


/** A submitted sheet and its analysis: pending while `analysedAt` is null, leased until `analysisLease`. */
interface SheetDocument extends Revisioned {
  row: SheetSubmitted;
  analysedAt: number | null;
  analysisLease: number;
}

/** A record sent to the DLQ, by source position and content (a re-created topic reuses positions). */
interface DeadLetterDocument {
  _id: string;
  at: number;
}

type AnyItem = StoredTransaction | StoredExpense;

/** An event of the batch that is not a producer's resend, with its item key ('' for sheets). */
interface LiveEvent extends PositionedEvent {
  itemKey: string;
}

/** Concurrent labelers of one item retry this often before the batch fails (and is redelivered). */
const MAX_CONFLICT_ROUNDS = 20;

function samePosition(a: EventPosition, b: EventPosition): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

/** Runs an unordered bulk write in which duplicate keys are expected (inserts that lost to an earlier one) and harmless; returns their positions. */
async function bulkIgnoringDuplicates(collection: Collection<StringKeyed>, operations: AnyBulkWriteOperation<StringKeyed>[]): Promise<Set<number>> {
  if (operations.length === 0) return new Set();
  try {
    await collection.bulkWrite(operations, { ordered: false });
  } catch (error) {
    const duplicates = duplicateKeyIndexes(error);
    if (duplicates === null) throw error;
    return duplicates;
  }
  return new Set();
}

/**
 * The event store on MongoDB, a batch at a time. An event's `_id` is its scope and
 * eventId, so one unordered insert admits each event once; for the keys refused as
 * duplicates, one `$in` read of their stored positions tells a redelivery (same
 * position: its effects are repeated, idempotently) from a producer's resend (no effect).
 * Items are inserted if absent; labels are kept per item (the latest by recordedAt) and
 * applied to items by a compare-and-set on the item's revision, which also records which
 * event gets the credit for labeling it. Every hot query filters on `_id` alone or on
 * `{_id, rev}` / `{_id, recordedAt}`, each the exact key of an index.
 */
export class MongoEventStore implements EventStore {
  private readonly events: Collection<EventDocument>;
  private readonly transactionRows: Collection<ItemDocument<StoredTransaction>>;
  private readonly expenseRows: Collection<ItemDocument<StoredExpense>>;
  private readonly sheets: Collection<SheetDocument>;
  private readonly labels: Collection<LabelDocument>;
  private readonly deadLetters: Collection<DeadLetterDocument>;

  constructor(db: Db) {
    this.events = db.collection(MONGO_COLLECTIONS.events);
    this.transactionRows = db.collection(MONGO_COLLECTIONS.transactions);
    this.expenseRows = db.collection(MONGO_COLLECTIONS.expenses);
    this.sheets = db.collection(MONGO_COLLECTIONS.sheets);
    this.labels = db.collection(MONGO_COLLECTIONS.labels);
    this.deadLetters = db.collection(MONGO_COLLECTIONS.deadLetters);
  }

  async appendBatch(events: readonly PositionedEvent[]): Promise<AppendResult[]> {
    if (events.length === 0) return [];
    const outcomes = await this.admit(events);
    // Each item key computed once (a JSON pair per event).
    const itemKeys = events.map(({ input }) => inputItemKey(input));
    const live = events.flatMap(({ input, position }, index): LiveEvent[] => (outcomes[index] === 'duplicate' ? [] : [{ input, position, itemKey: itemKeys[index] ?? '' }]));
    const [labels, insertedTransactions, insertedExpenses] = await Promise.all([this.storeLatestLabels(live), this.insertItems(live, 'transaction'), this.insertItems(live, 'expense'), this.insertSheets(live)]);
    const [transactions, expenses] = await Promise.all([this.reconcile(live, 'user', insertedTransactions, labels), this.reconcile(live, 'org', insertedExpenses, labels)]);
    return events.map(({ input }, index): AppendResult => {
      const outcome = outcomes[index] ?? 'duplicate';
      const key = itemKeys[index] ?? null;
      const items = input.type === 'transaction' || (input.type === 'label' && input.event.scope.type === 'user') ? transactions : expenses;
      const stored = key === null ? undefined : items.get(key);
      if (outcome === 'duplicate' || stored === undefined) return { outcome, labeled: false, item: stored === undefined ? null : { ...stored.row } };
      return { outcome, labeled: stored.labeledBy === input.event.eventId, item: { ...stored.row } };
    });
  }

  /** One unordered insert for the batch; refused keys are read back to tell redeliveries from resends. */
  private async admit(events: readonly PositionedEvent[]): Promise<AppendOutcome[]> {
    const documents = events.map(({ input, position }): EventDocument => ({ _id: inputEventKey(input), type: input.type, position: { ...position } }));
    let refused = new Set<number>();
    try {
      await this.events.insertMany(documents, { ordered: false });
    } catch (error) {
      const duplicates = duplicateKeyIndexes(error);
      if (duplicates === null) throw error;
      refused = duplicates;
    }
    if (refused.size === 0) return documents.map(() => 'inserted');
    const refusedKeys = [...new Set([...refused].map((index) => documents[index]?._id ?? ''))];
    const stored = new Map((await findByIds(this.events, refusedKeys)).map((document) => [document._id, document.position]));
    return documents.map((document, index): AppendOutcome => {
      if (!refused.has(index)) return 'inserted';
      const position = stored.get(document._id);
      if (position === undefined) throw new RelearnError('UNAVAILABLE', `event ${document._id} was refused as a duplicate but cannot be read back`, { retriable: true });
      return samePosition(position, document.position) ? 'redelivered' : 'duplicate';
    });
  }

  /**
   * The latest label per item (by recordedAt): the batch's latest label for each item is
   * compared with the stored one and written by compare-and-set, redone where another
   * process wrote meanwhile. Returns the latest label of each of those items as this call
   * left it (written, or found newer), so reconcile need not read them again.
   */
  private async storeLatestLabels(live: readonly LiveEvent[]): Promise<Map<string, LatestLabel>> {
    const latest = new Map<string, { label: string; recordedAt: number; eventId: string }>();
    for (const { input, itemKey: key } of live) {
      if (input.type !== 'label') continue;
      const seen = latest.get(key);
      if (seen === undefined || seen.recordedAt <= input.event.recordedAt) latest.set(key, { label: input.event.label, recordedAt: input.event.recordedAt, eventId: input.event.eventId });
    }
    const known = new Map<string, LatestLabel>();
    let open = [...latest.keys()];
    for (let round = 0; open.length > 0; round += 1) {
      if (round >= MAX_CONFLICT_ROUNDS) throw new RelearnError('UNAVAILABLE', `${open.length} labels kept changing under ${MAX_CONFLICT_ROUNDS} attempts`, { retriable: true });
      const stored = new Map((await findByIds(this.labels, open)).map((document) => [document._id, document]));
      const writes = [];
      for (const key of open) {
        const label = latest.get(key);
        const current = stored.get(key);
        if (label === undefined) continue;
        if (current !== undefined && (current.recordedAt > label.recordedAt || (current.recordedAt === label.recordedAt && current.label === label.label))) {
          known.set(key, { label: current.label, recordedAt: current.recordedAt });
          continue;
        }
        writes.push({ expectedRev: current?.rev ?? null, history: current?.revs ?? [], next: { _id: key, ...label } });
      }
      const landed = await compareAndSetMany(this.labels, writes);
      for (const write of writes) if (landed.has(write.next._id)) known.set(write.next._id, { label: write.next.label, recordedAt: write.next.recordedAt });
      open = writes.map((write) => write.next._id).filter((key) => !landed.has(key));
    }
    return known;
  }

  /**
   * Inserts the batch's items that are not stored yet (the first event of the batch per item
   * key). Returns the documents this call inserted, as inserted: the server refused the
   * others as duplicate keys (stored before), and those are the ones to read back.
   */
  private async insertItems(live: readonly LiveEvent[], type: 'transaction' | 'expense'): Promise<Map<string, ItemDocument<AnyItem>>> {
    const firstByKey = new Map<string, Omit<ItemDocument<AnyItem>, 'rev'>>();
    for (const { input, itemKey: key } of live) {
      if (input.type !== type) continue;
      if (firstByKey.has(key)) continue;
      const category = input.type === 'transaction' ? input.event.category : null;
      firstByKey.set(key, {
        _id: key,
        row: { ...input.event, label: category },
        insertedBy: input.event.eventId,
        labelRecordedAt: null,
        labeledBy: category === null ? null : input.event.eventId,
      });
    }
    const collection = (type === 'transaction' ? this.transactionRows : this.expenseRows) as unknown as Collection<StringKeyed>;
    const documents = [...firstByKey.values()].map((document) => ({ ...document, _id: document._id as string, ...initialRevision(document._id as string) }) as ItemDocument<AnyItem>);
    // Inserted, not upserted: an item stored already refuses the insert as a duplicate key, which is cheaper than an upsert's match.
    const refused = await bulkIgnoringDuplicates(
      collection,
      documents.map((document) => ({ insertOne: { document } })),
    );
    return new Map(documents.filter((_, index) => !refused.has(index)).map((document) => [document._id, document]));
  }

  private async insertSheets(live: readonly LiveEvent[]): Promise<void> {
    const operations: AnyBulkWriteOperation<StringKeyed>[] = [];
    for (const { input } of live) {
      if (input.type !== 'sheet') continue;
      const _id = scopedKey(orgScope(input.event.orgId), input.event.sheetId);
      operations.push({ updateOne: { filter: { _id }, update: { $setOnInsert: { row: { ...input.event }, analysedAt: null, analysisLease: 0, ...firstRevision(_id) } }, upsert: true } });
    }
    await bulkIgnoringDuplicates(this.sheets as unknown as Collection<StringKeyed>, operations);
  }

  /**
   * Gives the batch's items (user scope: transactions; org scope: expenses) the latest
   * label stored for them, by compare-and-set; re-reads and redoes the items another
   * process changed meanwhile. Returns the items as stored afterwards.
   *
   * An item this batch has just inserted, with no label stored for it (the labels are read
   * after the insert), is not read back: it is as inserted. Another process could only
   * have labeled it since for a label stored after that read, and then it credits its own
   * label event and leaves `labeledBy` as it was if set: this batch's answer is the same.
   */
  private async reconcile(
    live: readonly LiveEvent[],
    scopeType: 'user' | 'org',
    inserted: ReadonlyMap<string, ItemDocument<AnyItem>>,
    labels: ReadonlyMap<string, LatestLabel>,
  ): Promise<Map<string, ItemDocument<AnyItem>>> {
    const eventIds = new Set<string>();
    const labelEventByKey = new Map<string, { eventId: string; recordedAt: number }>();
    const keys = new Set<string>();
    for (const { input, itemKey: key } of live) {
      const isItem = scopeType === 'user' ? input.type === 'transaction' : input.type === 'expense';
      const isLabel = input.type === 'label' && input.event.scope.type === scopeType;
      if (!isItem && !isLabel) continue;
      keys.add(key);
      eventIds.add(input.event.eventId);
      if (input.type === 'label') {
        const seen = labelEventByKey.get(key);
        if (seen === undefined || seen.recordedAt <= input.event.recordedAt) labelEventByKey.set(key, { eventId: input.event.eventId, recordedAt: input.event.recordedAt });
      }
    }
    const stored = new Map<string, ItemDocument<AnyItem>>();
    if (keys.size === 0) return stored;
    const collection = (scopeType === 'user' ? this.transactionRows : this.expenseRows) as unknown as Collection<ItemDocument<AnyItem>>;
    // The labels this batch stored are known; the others (mostly none: labels rarely come before their item) are read.
    const latest = new Map<string, LatestLabel>();
    const unread = [...keys].filter((key) => {
      const label = labels.get(key);
      if (label !== undefined) latest.set(key, label);
      return label === undefined;
    });
    for (const document of await findByIds(this.labels, unread, {}, KEYS_PER_QUERY_MOSTLY_MISSING)) latest.set(document._id, { label: document.label, recordedAt: document.recordedAt });
    let open: string[] = [];
    for (const key of keys) {
      const fresh = inserted.get(key);
      if (fresh !== undefined && !latest.has(key)) stored.set(key, fresh);
      else open.push(key);
    }
    for (let round = 0; open.length > 0; round += 1) {
      if (round >= MAX_CONFLICT_ROUNDS) throw new RelearnError('UNAVAILABLE', `${open.length} items kept changing under ${MAX_CONFLICT_ROUNDS} attempts`, { retriable: true });
      const items = await findByIds(collection, open);
      const writes = [];
      for (const item of items) {
        const next = labelItem({ ...item, label: item.row.label }, latest.get(item._id) ?? null, { eventIds, labelEventId: labelEventByKey.get(item._id)?.eventId ?? null });
        if (next === null) {
          stored.set(item._id, item);
          continue;
        }
        const { label, ...fields } = next;
        const { rev: _rev, revs, cas: _cas, ...unchanged } = item;
        writes.push({ expectedRev: item.rev, history: revs ?? [item.rev], next: { ...unchanged, ...fields, row: { ...item.row, label } } });
      }
      const landed = await compareAndSetMany(collection, writes);
      for (const write of writes) if (landed.has(write.next._id)) stored.set(write.next._id, { ...write.next, rev: '', cas: '' });
      // Keys with no item yet (a label ahead of its item) are done: the item's insert adopts the label later.
      const present = new Set(items.map((item) => item._id));
      open = open.filter((key) => present.has(key) && !stored.has(key));
    }
    return stored;
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
    // Filter on row.sheetId alone: the `{'row.sheetId': 1}` index is its exact key.
    const rows = await this.expenseRows.find({ 'row.sheetId': sheetId }).sort({ 'row.occurredAt': 1, _id: 1 }).toArray();
    return rows.map((document) => document.row);
  }

  async sheet(sheetId: string): Promise<SheetSubmitted | null> {
    const found = await this.sheets.findOne({ 'row.sheetId': sheetId });
    return found === null ? null : found.row;
  }

  async pendingAnalyses(limit: number): Promise<SheetSubmitted[]> {
    if (limit <= 0) return [];
    // Filter on analysedAt alone (the `{analysedAt: 1}` index); a handful are pending at a time, so sorting them here is cheap.
    const rows = await this.sheets.find({ analysedAt: null }).limit(limit).toArray();
    return rows.map((document) => document.row).sort((a, b) => a.submittedAt - b.submittedAt);
  }

  async claimAnalysis(sheet: SheetRef, now: number, leaseMs: number): Promise<boolean> {
    return changeDocument(this.sheets, scopedKey(orgScope(sheet.orgId), sheet.sheetId), (current) =>
      current.analysedAt !== null || current.analysisLease > now ? null : { ...current, analysisLease: now + leaseMs },
    );
  }

  async markAnalysed(sheet: SheetRef, at: number): Promise<void> {
    await changeDocument(this.sheets, scopedKey(orgScope(sheet.orgId), sheet.sheetId), (current) =>
      current.analysedAt !== null ? null : { ...current, analysedAt: at, analysisLease: Number.MAX_SAFE_INTEGER },
    );
  }

  async deadLettered(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const found = await findByIds(this.deadLetters, keys, { projection: { _id: 1 } });
    return new Set(found.map((document) => document._id));
  }

  async recordDeadLettered(keys: readonly string[], at: number): Promise<void> {
    await bulkIgnoringDuplicates(
      this.deadLetters as unknown as Collection<StringKeyed>,
      keys.map((_id) => ({ insertOne: { document: { _id, at } } })),
    );
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
