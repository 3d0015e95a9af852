import type { ModelKind } from './model-kind.js';
import type { Scope } from './scope.js';
import type { DecisionMetric, TrainingMode, TrainingReason } from './events.js';

/**
 * A recorded decision to train. It carries the figures that caused it so an operator
 * can see why a training ran. Its id is `<scope>/<kind>/<sequence>`: deterministic, so a
 * process that dies between deciding and recording makes the same decision again and
 * the outbox's uniqueness keeps it to one.
 */
export interface Decision {
  decisionId: string;
  scope: Scope;
  kind: ModelKind;
  reason: TrainingReason;
  mode: TrainingMode;
  counts: Record<string, number>;
  metric: DecisionMetric | null;
  /** Milliseconds since the last training, null before the first one. */
  sinceLastTrainingMs: number | null;
  decidedAt: number;
  priority: number;
  lookbackDays: number | null;
  force: boolean;
  /** Manual requests only: hyperparameters for this training over the configured ones. */
  hyperparameters?: Record<string, number> | null;
  /** When the relay published it as a TrainingRequested event; null while pending. */
  publishedAt: number | null;
}

export function decisionId(scope: Scope, kind: ModelKind, sequence: number): string {
  return `${scope}/${kind}/${sequence}`;
}

/** Higher runs first: an operator waiting beats a degraded model beats a missing one beats routine. */
export const REASON_PRIORITY: Readonly<Record<TrainingReason, number>> = {
  manual: 100,
  performance: 80,
  drift: 70,
  initial: 60,
  'new-data': 40,
  interval: 30,
  scheduled: 20,
};
