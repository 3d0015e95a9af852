import type { ScopeCounters } from './counters.js';
import type { DecisionMetric, TrainingMode, TrainingReason } from './events.js';
import type { RetrainPolicyConfig } from './policy-config.js';
import type { Trigger } from './trigger.js';

/** What the policy knows about the current champion, if there is one. */
export interface ChampionFacts {
  version: number;
  /** The categorizer's held-out validation accuracy at training time. */
  validationAccuracy?: number;
  /** Whether the champion can be extended in place (incremental training). */
  supportsIncremental: boolean;
}

export type NotDueWhy = 'insufficient-data' | 'not-enough-new-data' | 'too-soon' | 'performance-ok' | 'no-new-data' | 'backing-off';

export type PolicyVerdict =
  | {
      due: true;
      reason: TrainingReason;
      mode: TrainingMode;
      metric: DecisionMetric | null;
      counts: Record<string, number>;
      sinceLastTrainingMs: number | null;
    }
  | { due: false; why: NotDueWhy; counts: Record<string, number>; sinceLastTrainingMs: number | null };

export interface PolicyInput {
  counters: ScopeCounters;
  champion: ChampionFacts | null;
  config: RetrainPolicyConfig;
  trigger: Trigger;
  now: number;
  /** Use incremental training for plain new-data retrains when the champion supports it. */
  incrementalOnNewData: boolean;
}

function countsOf(counters: ScopeCounters): Record<string, number> {
  const counts: Record<string, number> = {
    total: counters.total,
    sinceLastTraining: counters.sinceLastTraining,
  };
  if (counters.sheets > 0) counts.sheets = counters.sheets;
  if (counters.firstEventAt !== null && counters.lastEventAt !== null) {
    counts.spanMs = counters.lastEventAt - counters.firstEventAt;
  }
  return counts;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/**
 * The live-performance rule of design.md §3 for each kind, or null when the window
 * does not (yet) say anything. Boundaries are strict: an anomaly rate of exactly 5% or
 * 30% is healthy; 4.9% and 30.1% are not.
 */
export function performanceBreach(input: PolicyInput): DecisionMetric | null {
  const { counters, champion, config } = input;
  if (champion === null) return null;
  const window = counters.performance.slice(-config.performanceWindow);
  if (window.length < config.minPerformanceSamples) return null;
  const value = mean(window);
  switch (counters.kind) {
    case 'categorizer': {
      if (champion.validationAccuracy === undefined) return null;
      const threshold = champion.validationAccuracy - config.maxAccuracyDrop;
      return value < threshold - 1e-12 ? { name: 'prequentialAccuracy', value, threshold } : null;
    }
    case 'anomaly':
      // The tolerance absorbs float rounding of the mean: ten 5% samples average 0.04999…96, which is 5%.
      if (value > config.maxAnomalyRate + 1e-12) return { name: 'anomalyRate', value, threshold: config.maxAnomalyRate };
      if (value < config.minAnomalyRate - 1e-12) return { name: 'anomalyRate', value, threshold: config.minAnomalyRate };
      return null;
    case 'forecaster': {
      // Samples are the model's error divided by the seasonal-naive baseline's error over
      // a closed period: above 1 the model does worse than naive.
      const last = window[window.length - 1] ?? Number.NaN;
      return last > 1 ? { name: 'errorVsSeasonalNaive', value: last, threshold: 1 } : null;
    }
  }
}

function hasInitialData(counters: ScopeCounters, config: RetrainPolicyConfig): boolean {
  const span = counters.firstEventAt === null || counters.lastEventAt === null ? 0 : counters.lastEventAt - counters.firstEventAt;
  return counters.total >= config.minInitialRows && counters.sheets >= config.minInitialSheets && span >= config.minInitialSpanMs;
}

/** Decides whether one (scope, kind) should train now, and why. Pure. */
export function evaluateRetrainPolicy(input: PolicyInput): PolicyVerdict {
  const { counters, champion, config, trigger, now } = input;
  const counts = countsOf(counters);
  const sinceLastTrainingMs = counters.lastTrainedAt === null ? null : now - counters.lastTrainedAt;
  const due = (reason: TrainingReason, mode: TrainingMode, metric: DecisionMetric | null = null): PolicyVerdict => ({
    due: true,
    reason,
    mode,
    metric,
    counts,
    sinceLastTrainingMs,
  });
  const notDue = (why: NotDueWhy): PolicyVerdict => ({ due: false, why, counts, sinceLastTrainingMs });

  if (trigger.source === 'manual') {
    if (trigger.force === true) return due('manual', 'full');
  }
  if (backingOff(counters, config, now) && trigger.force !== true) return notDue('backing-off');
  if (trigger.source === 'manual') {
    if (champion === null && !hasInitialData(counters, config)) return notDue('insufficient-data');
    return counters.total > 0 ? due('manual', 'full') : notDue('insufficient-data');
  }

  if (champion === null || counters.lastTrainedAt === null) {
    return hasInitialData(counters, config) ? due('initial', 'full') : notDue('insufficient-data');
  }

  const breach = performanceBreach(input);
  if (breach !== null && sinceLastTrainingMs !== null && sinceLastTrainingMs >= config.performanceCooldownMs) {
    return due('performance', 'full', breach);
  }

  if (counters.sinceLastTraining <= 0) return notDue('no-new-data');
  if (counters.sinceLastTraining < config.minNewData) return notDue('not-enough-new-data');
  if (sinceLastTrainingMs === null || sinceLastTrainingMs < config.minIntervalMs) return notDue('too-soon');

  switch (trigger.source) {
    case 'count':
    case 'performance': {
      const mode: TrainingMode = input.incrementalOnNewData && champion.supportsIncremental ? 'incremental' : 'full';
      return due('new-data', mode);
    }
    case 'timer':
      return due('interval', 'full');
    case 'schedule':
      return due('scheduled', 'full');
  }
}

/**
 * After a failed training (not enough usable rows, one class only, ...) the same data
 * would fail again: the (scope, kind) waits until the retrain rule is met again, counted
 * from the failure: `minNewData` new rows (the failure consumed what it saw) and
 * `minIntervalMs` since it. Without this every later event decided again.
 */
export function backingOff(counters: ScopeCounters, config: RetrainPolicyConfig, now: number): boolean {
  if (counters.lastFailedAt === null) return false;
  if (counters.lastTrainedAt !== null && counters.lastTrainedAt >= counters.lastFailedAt) return false;
  return counters.sinceLastTraining < config.minNewData || now - counters.lastFailedAt < config.minIntervalMs;
}

/**
 * When a (scope, kind) that is not due now may become due with no new data: time alone
 * can satisfy the interval rule, the performance cool-down or a failure's back-off. Null
 * when only new data can change the verdict (the next event re-evaluates it then).
 */
export function nextRecheckAt(counters: ScopeCounters, config: RetrainPolicyConfig, now: number): number | null {
  const candidates: number[] = [];
  if (counters.lastFailedAt !== null && backingOff(counters, config, now) && counters.sinceLastTraining >= config.minNewData) {
    candidates.push(counters.lastFailedAt + config.minIntervalMs);
  }
  if (counters.lastTrainedAt !== null) {
    if (counters.sinceLastTraining >= config.minNewData) candidates.push(counters.lastTrainedAt + config.minIntervalMs);
    if (counters.performance.length >= config.minPerformanceSamples) candidates.push(counters.lastTrainedAt + config.performanceCooldownMs);
  }
  // A moment already past was looked at by this very evaluation: only new data changes it now.
  const future = candidates.filter((at) => at > now);
  return future.length > 0 ? Math.min(...future) : null;
}
