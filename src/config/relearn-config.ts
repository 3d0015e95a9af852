import { topicNames, type TopicNames } from '../contract/topic-definitions.js';
import type { ModelKind } from '../domain/model-kind.js';
import { DEFAULT_RETRAIN_POLICIES, type RetrainPolicies } from '../domain/policy-config.js';
import type { Hyperparameters } from '../training/training-task.js';

/** Everything the roles need to know, decided once at start-up and frozen. */
export interface RelearnConfig {
  topics: TopicNames;
  policies: RetrainPolicies;
  /**
   * New-data retrains grow the champion's forest instead of rebuilding it (categorizer).
   * Off by default: measured (BENCHMARKS.md, drift recovery), full retrains recover from
   * drift within 200 labeled events against 280 and are 1.6–3.3 points more accurate, at
   * 2.4× the training time, which the fleet benchmark shows is affordable.
   */
  incrementalOnNewData: boolean;
  engines: { categorizer: string; anomaly: string };
  hyperparameters: Readonly<Record<ModelKind, Hyperparameters>>;
  training: {
    /**
     * Training-set bounds: the newest N rows per model. Per-user models learn the user's
     * recent habits; older rows add time, not accuracy (see the closing note's figures).
     */
    maxRows: Readonly<Record<ModelKind, number>>;
    heldOutFraction: number;
    /** Incremental updates retire the oldest trees past this many. */
    maxTrees: number;
    workers: number;
    /** Concurrent trainings per trainer process (each on a worker thread). */
    concurrency: number;
    leaseMs: number;
    maxAttempts: number;
    seed: number;
    /**
     * The longest one training may run on its worker thread; past it the worker is
     * terminated and the job fails for good (TRAINING_TIMEOUT: the same task would time out again).
     */
    timeoutMs: number;
    /** Heap limit of each training worker thread (old generation), in MB: a training that needs more fails alone. */
    workerMemoryMb: number;
  };
  schedule: {
    /** Cron expression for the scheduled re-check of time-based rules (default daily 02:00). */
    cron: string;
    lookbackDays: number | null;
  };
  groups: { ingest: string; trainer: string };
}

export function defaultConfig(overrides: Partial<RelearnConfig> = {}): RelearnConfig {
  return Object.freeze({
    topics: topicNames(),
    policies: DEFAULT_RETRAIN_POLICIES,
    incrementalOnNewData: false,
    engines: { categorizer: 'relearn-forest', anomaly: 'relearn-isolation' },
    hyperparameters: { categorizer: {}, forecaster: {}, anomaly: {} },
    training: {
      maxRows: { categorizer: 2000, forecaster: 5000, anomaly: 5000 },
      heldOutFraction: 0.2,
      maxTrees: 60,
      workers: 2,
      concurrency: 2,
      leaseMs: 60_000,
      maxAttempts: 3,
      seed: 1,
      timeoutMs: 10 * 60_000,
      workerMemoryMb: 1024,
    },
    schedule: { cron: '0 2 * * *', lookbackDays: null },
    groups: { ingest: 'relearn-ingest', trainer: 'relearn-trainer' },
    ...overrides,
  });
}
