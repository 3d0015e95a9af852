import type { Decision } from './decision.js';
import type { ModelKind } from './model-kind.js';
import type { Scope } from './scope.js';
import type { Trigger } from './trigger.js';

/**
 * What the policies read about one (scope, model kind): how much data there is, how much
 * arrived since the last training, when it last trained, and the live-performance window.
 */
export interface ScopeCounters {
  scope: Scope;
  kind: ModelKind;
  /** Rows the model can learn from: transactions (forecaster), labeled transactions (categorizer), expenses (anomaly). */
  total: number;
  /** New rows since the last successful training (labeled rows for the categorizer, sheets for the anomaly model). */
  sinceLastTraining: number;
  /** Submitted sheets (anomaly only). */
  sheets: number;
  firstEventAt: number | null;
  lastEventAt: number | null;
  lastTrainedAt: number | null;
  /** Decisions recorded so far: the next decision's sequence number is this plus one. */
  decisions: number;
  /** Recent live-performance samples, oldest first (prequential hits 0/1, anomaly rates, forecast error ratios). */
  performance: number[];
  /**
   * The decision whose training has not finished yet (queued or running): while it is
   * set, no other decision is recorded for this (scope, kind), whichever process decides.
   */
  openDecision: Decision | null;
  /** The strongest trigger that arrived while a decision was open: evaluated once it closes. */
  followUp: Trigger | null;
  /** When a training of this (scope, kind) last failed; the policy backs off from it. */
  lastFailedAt: number | null;
  /** When this (scope, kind) must be looked at again without new data (time rules, follow-ups, stuck decisions). */
  recheckAt: number | null;
}

export function emptyCounters(scope: Scope, kind: ModelKind): ScopeCounters {
  return {
    scope,
    kind,
    total: 0,
    sinceLastTraining: 0,
    sheets: 0,
    firstEventAt: null,
    lastEventAt: null,
    lastTrainedAt: null,
    decisions: 0,
    performance: [],
    openDecision: null,
    followUp: null,
    lastFailedAt: null,
    recheckAt: null,
  };
}

/** A change to one counter document, derived from one input event. */
export interface CounterDelta {
  total?: number;
  sinceLastTraining?: number;
  sheets?: number;
  /** The event's own time: widens [firstEventAt, lastEventAt]. */
  eventTime?: number;
  /** A summed delta's earliest event time (eventTime is then its latest). */
  firstEventTime?: number;
  /** A live-performance sample to append; the window keeps the newest `performanceWindow`. */
  performanceSample?: number;
  /** A summed delta's samples, oldest first. */
  performanceSamples?: number[];
  performanceWindow?: number;
}

/** Sums deltas of one (scope, kind) in order: counts add, the time range widens, samples queue in order. */
export function sumCounterDeltas(deltas: readonly CounterDelta[]): CounterDelta {
  const sum: CounterDelta = {};
  const samples: number[] = [];
  for (const delta of deltas) {
    if (delta.total !== undefined) sum.total = (sum.total ?? 0) + delta.total;
    if (delta.sinceLastTraining !== undefined) sum.sinceLastTraining = (sum.sinceLastTraining ?? 0) + delta.sinceLastTraining;
    if (delta.sheets !== undefined) sum.sheets = (sum.sheets ?? 0) + delta.sheets;
    if (delta.eventTime !== undefined) {
      sum.firstEventTime = Math.min(sum.firstEventTime ?? delta.eventTime, delta.firstEventTime ?? delta.eventTime);
      sum.eventTime = Math.max(sum.eventTime ?? delta.eventTime, delta.eventTime);
    }
    if (delta.performanceSamples !== undefined) samples.push(...delta.performanceSamples);
    if (delta.performanceSample !== undefined) samples.push(delta.performanceSample);
    if (delta.performanceWindow !== undefined) sum.performanceWindow = delta.performanceWindow;
  }
  if (samples.length > 0) sum.performanceSamples = samples;
  return sum;
}

/** Applies one delta to a counters value: the arithmetic every CounterStore adapter shares, so they cannot disagree. */
export function applyCounterDelta(counters: ScopeCounters, delta: CounterDelta): ScopeCounters {
  const next = { ...counters, performance: [...counters.performance] };
  next.total += delta.total ?? 0;
  next.sinceLastTraining += delta.sinceLastTraining ?? 0;
  next.sheets += delta.sheets ?? 0;
  if (delta.eventTime !== undefined) {
    const first = delta.firstEventTime ?? delta.eventTime;
    next.firstEventAt = next.firstEventAt === null ? first : Math.min(next.firstEventAt, first);
    next.lastEventAt = next.lastEventAt === null ? delta.eventTime : Math.max(next.lastEventAt, delta.eventTime);
  }
  const samples = [...(delta.performanceSamples ?? []), ...(delta.performanceSample === undefined ? [] : [delta.performanceSample])];
  if (samples.length > 0) {
    next.performance.push(...samples);
    const window = delta.performanceWindow ?? 50;
    if (next.performance.length > window) next.performance.splice(0, next.performance.length - window);
  }
  return next;
}
