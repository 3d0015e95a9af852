import type { TrainingMode, TrainingWindow } from '../domain/events.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { StoredExpense, StoredTransaction } from '../ports/event-store.js';

export type Hyperparameters = Record<string, number | string | boolean>;

/** What a worker thread gets: plain data only, so it crosses postMessage by structured clone. */
export type TrainingTask =
  | (TaskCommon & { kind: 'categorizer'; rows: StoredTransaction[] })
  | (TaskCommon & { kind: 'forecaster'; rows: StoredTransaction[] })
  | (TaskCommon & { kind: 'anomaly'; rows: StoredExpense[] });

interface TaskCommon {
  engine: string;
  mode: TrainingMode;
  seed: number;
  hyperparameters: Hyperparameters;
  championArtifact: Uint8Array | null;
  /** Share of the most recent rows (weeks for the forecaster) held out for validation. */
  heldOutFraction: number;
  /** Incremental updates keep at most this many trees. */
  maxTrees: number;
}

export interface PrimaryMetric {
  name: string;
  higherIsBetter: boolean;
}

export interface TrainingOutcome {
  kind: ModelKind;
  engine: string;
  /** What was actually done: an incremental request falls back to full when it cannot apply. */
  mode: TrainingMode;
  artifact: Uint8Array;
  metrics: Record<string, number>;
  /** The champion's metrics on the very same held-out rows, when there is a champion. */
  championMetrics: Record<string, number> | null;
  primaryMetric: PrimaryMetric;
  trainedOn: TrainingWindow;
  hyperparameters: Hyperparameters;
  trainMs: number;
}

export function taskKind(task: TrainingTask): ModelKind {
  return task.kind;
}
