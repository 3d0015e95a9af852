/**
 * The events of design.md §2 as TypeScript types. Field names and meanings match the
 * Avro schemas in schemas/; timestamps are epoch milliseconds (timestamp-millis).
 */
import type { ModelKind } from './model-kind.js';
import type { ScopeType } from './scope.js';

export interface TransactionRecorded {
  eventId: string;
  userId: string;
  transactionId: string;
  occurredAt: number;
  amount: number;
  currency: string;
  merchant: string;
  description: string;
  category: string | null;
}

export interface ExpenseRecorded {
  eventId: string;
  orgId: string;
  sheetId: string;
  expenseId: string;
  employeeId: string;
  occurredAt: number;
  amount: number;
  currency: string;
  category: string;
  vendor: string;
  description: string;
}

export interface SheetSubmitted {
  eventId: string;
  orgId: string;
  sheetId: string;
  expenseCount: number;
  submittedAt: number;
}

export interface LabelRecorded {
  eventId: string;
  scope: { type: ScopeType; id: string };
  itemId: string;
  label: string;
  recordedAt: number;
}

export type TrainingReason = 'initial' | 'new-data' | 'interval' | 'performance' | 'drift' | 'scheduled' | 'manual';

export const TRAINING_REASONS: readonly TrainingReason[] = [
  'initial',
  'new-data',
  'interval',
  'performance',
  'drift',
  'scheduled',
  'manual',
];

export type TrainingMode = 'full' | 'incremental';

export interface DecisionMetric {
  name: string;
  value: number;
  threshold: number;
}

export interface TrainingRequested {
  requestId: string;
  scope: string;
  modelKind: ModelKind;
  reason: TrainingReason;
  counts: Record<string, number>;
  metric: DecisionMetric | null;
  requestedAt: number;
  priority: number;
  mode: TrainingMode;
  lookbackDays: number | null;
  force: boolean;
  /** Manual requests only: hyperparameters for this training over the configured ones. */
  hyperparameters?: Record<string, number> | null;
}

export interface TrainingWindow {
  rows: number;
  from: number;
  to: number;
}

export interface ModelUpdated {
  modelId: string;
  scope: string;
  modelKind: ModelKind;
  version: number;
  previousVersion: number | null;
  promoted: boolean;
  decision: string;
  metrics: Record<string, number>;
  championMetrics: Record<string, number> | null;
  trainedOn: TrainingWindow;
  requestId: string;
  trainedAt: number;
}

export interface AnomalousExpense {
  expenseId: string;
  score: number;
}

export interface SheetAnalysed {
  sheetId: string;
  orgId: string;
  modelVersion: number | null;
  anomalies: AnomalousExpense[];
  anomalyRate: number;
  trainedBeforeAnalysis: boolean;
  analysedAt: number;
}

/** The input events relearn ingests, tagged by the topic role they arrive on. */
export type InputEvent =
  | { type: 'transaction'; event: TransactionRecorded }
  | { type: 'expense'; event: ExpenseRecorded }
  | { type: 'sheet'; event: SheetSubmitted }
  | { type: 'label'; event: LabelRecorded };

export type InputEventType = InputEvent['type'];
