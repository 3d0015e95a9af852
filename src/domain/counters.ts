import type { ModelKind } from './model-kind.js';
import type { Scope } from './scope.js';

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
  };
}

/** A change to one counter document, derived from one input event. */
export interface CounterDelta {
  total?: number;
  sinceLastTraining?: number;
  sheets?: number;
  /** The event's own time: widens [firstEventAt, lastEventAt]. */
  eventTime?: number;
  /** A live-performance sample to append; the window keeps the newest `performanceWindow`. */
  performanceSample?: number;
  performanceWindow?: number;
}
