import type { ExpenseRecorded, LabelRecorded, SheetSubmitted, TransactionRecorded } from '../domain/events.js';

/** The input topic a record is produced to (default names: transactions.v1, expenses.v1, expense-sheets.v1, labels.v1). */
export type InputTopicRole = 'transactions' | 'expenses' | 'expense-sheets' | 'labels';

export const INPUT_TOPIC_ROLES: readonly InputTopicRole[] = ['transactions', 'expenses', 'expense-sheets', 'labels'];

/** What kind of suspicious expense was planted; the anomaly detector should rank these high. */
export type PlantedAnomalyKind = 'inflated-amount' | 'off-hours' | 'round-amount' | 'unusual-vendor' | 'duplicate-submission';

export const PLANTED_ANOMALY_KINDS: readonly PlantedAnomalyKind[] = [
  'inflated-amount',
  'off-hours',
  'round-amount',
  'unusual-vendor',
  'duplicate-submission',
];

/**
 * 'undecodable-bytes': bytes is random junk that is not a Confluent frame (value null).
 * The others: value is a full event object of the role's type with one impossible field, bytes null.
 */
export type InvalidFlaw =
  | 'undecodable-bytes'
  | 'nan-amount'
  | 'infinite-amount'
  | 'negative-expense-count'
  | 'missing-event-id'
  | 'unknown-scope-type';

export const INVALID_FLAWS: readonly InvalidFlaw[] = [
  'undecodable-bytes',
  'nan-amount',
  'infinite-amount',
  'negative-expense-count',
  'missing-event-id',
  'unknown-scope-type',
];

interface EventRecordBase {
  kind: 'event';
  /** The Kafka key: userId for transactions and user labels, sheetId for expenses and sheets, orgId for org labels. */
  key: string;
  /** When the producer publishes it (epoch ms); records come sorted by this. */
  at: number;
  /** True for the second copy of a resent event (same eventId). */
  resend: boolean;
}

/**
 * Ground truth the producing app would not send: for scoring models in tests and benchmarks
 * (accuracy on unlabeled transactions, ROC-AUC on planted anomalies). Never part of `event`.
 */
export interface TransactionTruth {
  /** The merchant's usual category; a user's label can differ from it (label noise). */
  category: string;
}

export interface ExpenseTruth {
  /** Null for an ordinary expense. */
  anomaly: PlantedAnomalyKind | null;
}

export type SimulatedEventRecord =
  | (EventRecordBase & { role: 'transactions'; event: TransactionRecorded; truth: TransactionTruth })
  | (EventRecordBase & { role: 'expenses'; event: ExpenseRecorded; truth: ExpenseTruth })
  | (EventRecordBase & { role: 'expense-sheets'; event: SheetSubmitted })
  | (EventRecordBase & { role: 'labels'; event: LabelRecorded });

export interface SimulatedInvalidRecord {
  kind: 'invalid';
  role: InputTopicRole;
  key: string;
  at: number;
  flaw: InvalidFlaw;
  value: Record<string, unknown> | null;
  bytes: Uint8Array | null;
}

export type SimulatedRecord = SimulatedEventRecord | SimulatedInvalidRecord;
