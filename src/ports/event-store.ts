import type { ExpenseRecorded, InputEvent, SheetSubmitted, TransactionRecorded } from '../domain/events.js';

/** Where a record came from: lets a store tell a redelivery of the same record from a producer's resend. */
export interface EventPosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * - `inserted`: first time this eventId is seen;
 * - `redelivered`: seen before, from this very position (the broker delivered the record
 *   again, e.g. after a crash before commit): its effects must be re-applied idempotently;
 * - `duplicate`: seen before from another position (a producer resend): no effect.
 */
export type AppendOutcome = 'inserted' | 'redelivered' | 'duplicate';

export interface StoredTransaction extends TransactionRecorded {
  /** The effective label: the latest LabelRecorded for it, else its own category, else null. */
  label: string | null;
}

export interface StoredExpense extends ExpenseRecorded {
  /** 'fraud' / 'legit' once an outcome is known. */
  label: string | null;
}

export interface HistoryQuery {
  /** Only rows that occurred at or after this time. */
  since?: number;
  /** At most this many rows: the newest ones, returned oldest first. */
  limit?: number;
  /** Transactions only: only rows with a label. */
  labeledOnly?: boolean;
}


/** A submitted sheet by its organisation and id (sheet ids are unique per organisation). */
export interface SheetRef {
  orgId: string;
  sheetId: string;
}

/** An input event and where it was read. */
export interface PositionedEvent {
  input: InputEvent;
  position: EventPosition;
}

/** What storing one event of a batch did. */
export interface AppendResult {
  outcome: AppendOutcome;
  /**
   * This event is the one credited with making its item labeled: a transaction stored
   * with a label (its own category, or a label that came first), or the label event that
   * labeled a stored, unlabeled item. Exactly one event per item is credited, and the
   * credit is stored, so a redelivery reports the same answer.
   */
  labeled: boolean;
  /** Transactions, expenses and labels: the item as stored now (null while a label's item has not arrived). */
  item: StoredTransaction | StoredExpense | null;
}

export interface EventStore {
  /**
   * Stores a batch of events (idempotent by scope and eventId) and applies labels to their
   * items. Results are in the order of `events`. A duplicate's effects are not repeated;
   * a redelivery's are, idempotently.
   */
  appendBatch(events: readonly PositionedEvent[]): Promise<AppendResult[]>;

  transactions(userId: string, query?: HistoryQuery): Promise<StoredTransaction[]>;
  expenses(orgId: string, query?: HistoryQuery): Promise<StoredExpense[]>;
  sheetExpenses(sheetId: string): Promise<StoredExpense[]>;
  sheet(sheetId: string): Promise<SheetSubmitted | null>;
  /**
   * Submitted sheets not analysed yet, oldest first (by submittedAt): the analysis a
   * sheet asks for is work stored with the sheet, before its offset is committed, so a
   * restart finds it.
   */
  pendingAnalyses(limit: number): Promise<SheetSubmitted[]>;
  /** Leases a pending sheet's analysis until `now + leaseMs`; false when it is done or leased to someone else. */
  claimAnalysis(sheet: SheetRef, now: number, leaseMs: number): Promise<boolean>;
  markAnalysed(sheet: SheetRef, at: number): Promise<void>;
  /** Which of these dead-letter keys (source position and content) were sent to the DLQ before. */
  deadLettered(keys: readonly string[]): Promise<Set<string>>;
  recordDeadLettered(keys: readonly string[], at: number): Promise<void>;
  /** Counts of stored events by type, for status and the summary. */
  stats(): Promise<{ transactions: number; expenses: number; sheets: number; labels: number }>;
}
