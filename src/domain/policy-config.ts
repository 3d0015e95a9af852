import type { ModelKind } from './model-kind.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The retrain policy numbers of design.md §3, one set per model kind. Every number is
 * configurable; these are the defaults.
 */
export interface RetrainPolicyConfig {
  /** Rows needed for the first model (labeled transactions, transactions, expenses). */
  minInitialRows: number;
  /** Anomaly only: sheets needed for the first model. */
  minInitialSheets: number;
  /** Forecaster only: the data must span at least this long for the first model. */
  minInitialSpanMs: number;
  /** New rows (sheets for the anomaly model) since the last training needed for a retrain. */
  minNewData: number;
  /** And at least this long since the last training. */
  minIntervalMs: number;
  /** Live-performance window size (samples). */
  performanceWindow: number;
  /** Minimum samples in the window before the performance rule may fire. */
  minPerformanceSamples: number;
  /** Categorizer: fire when prequential accuracy falls this far (0..1) below validation accuracy. */
  maxAccuracyDrop: number;
  /** Anomaly: fire when the recent anomaly rate leaves [minAnomalyRate, maxAnomalyRate]. */
  minAnomalyRate: number;
  maxAnomalyRate: number;
  /** Minimum time between two performance-triggered trainings, so a bad model does not retrain in a loop. */
  performanceCooldownMs: number;
}

export type RetrainPolicies = Readonly<Record<ModelKind, Readonly<RetrainPolicyConfig>>>;

const COMMON: RetrainPolicyConfig = {
  minInitialRows: 50,
  minInitialSheets: 0,
  minInitialSpanMs: 0,
  minNewData: 20,
  minIntervalMs: 7 * DAY,
  performanceWindow: 50,
  minPerformanceSamples: 50,
  maxAccuracyDrop: 0.1,
  minAnomalyRate: 0.05,
  maxAnomalyRate: 0.3,
  performanceCooldownMs: DAY,
};

export const DEFAULT_RETRAIN_POLICIES: RetrainPolicies = Object.freeze({
  categorizer: Object.freeze({ ...COMMON }),
  forecaster: Object.freeze({ ...COMMON, minInitialSpanMs: 8 * 7 * DAY, performanceWindow: 4, minPerformanceSamples: 1 }),
  anomaly: Object.freeze({
    ...COMMON,
    minInitialSheets: 2,
    minNewData: 10,
    minIntervalMs: DAY,
    performanceWindow: 10,
    minPerformanceSamples: 5,
  }),
});

export const TIME = { HOUR, DAY } as const;
