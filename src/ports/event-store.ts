import type { ExpenseRecorded, LabelRecorded, SheetSubmitted, TransactionRecorded } from '../domain/events.js';

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

export interface LabelAppend {
  outcome: AppendOutcome;
  newlyLabeled: boolean;
  /** The item the label applies to, once stored (with the label applied); null while it has not arrived. */
  item: StoredTransaction | StoredExpense | null;
}

export interface EventStore {
  /** `labeled`: whether this insert made a labeled row (own category, or a label that arrived earlier). */
  appendTransaction(event: TransactionRecorded, position: EventPosition): Promise<{ outcome: AppendOutcome; labeled: boolean }>;
  appendExpense(event: ExpenseRecorded, position: EventPosition): Promise<{ outcome: AppendOutcome }>;
  appendSheet(event: SheetSubmitted, position: EventPosition): Promise<{ outcome: AppendOutcome }>;
  /**
   * Stores the label and applies it to its item. `newlyLabeled` is true when this label
   * event is the one that turned an existing, unlabeled item into a labeled one (stable
   * across redeliveries, so counting from it stays exact).
   */
  appendLabel(event: LabelRecorded, position: EventPosition): Promise<LabelAppend>;

  transactions(userId: string, query?: HistoryQuery): Promise<StoredTransaction[]>;
  expenses(orgId: string, query?: HistoryQuery): Promise<StoredExpense[]>;
  sheetExpenses(sheetId: string): Promise<StoredExpense[]>;
  sheet(sheetId: string): Promise<SheetSubmitted | null>;
  /** Counts of stored events by type, for status and the summary. */
  stats(): Promise<{ transactions: number; expenses: number; sheets: number; labels: number }>;
}
