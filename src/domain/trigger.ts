import type { ModelKind } from './model-kind.js';
import type { Scope } from './scope.js';

/**
 * Why a (scope, model kind) is being looked at now. Triggers only ask the question;
 * the retrain policy answers it.
 */
export type TriggerSource = 'count' | 'timer' | 'performance' | 'schedule' | 'manual';

export interface Trigger {
  scope: Scope;
  kind: ModelKind;
  source: TriggerSource;
  at: number;
  /** Manual requests only: ignore the thresholds. */
  force?: boolean;
  /** Manual and scheduled requests: limit the training data to the last N days. */
  lookbackDays?: number | null;
  /** Manual requests only: hyperparameters for this training, already validated for the engine. */
  hyperparameters?: Record<string, number> | null;
}

export function triggerKey(trigger: Pick<Trigger, 'scope' | 'kind'>): string {
  return `${trigger.scope}|${trigger.kind}`;
}

const SOURCE_RANK: Readonly<Record<TriggerSource, number>> = {
  manual: 4,
  performance: 3,
  schedule: 2,
  timer: 1,
  count: 0,
};

/**
 * When triggers pile up while a training runs, the follow-up keeps the most important
 * one: a manual request must not be downgraded to a count trigger by a later event.
 */
export function strongerTrigger(a: Trigger, b: Trigger): Trigger {
  const rankA = SOURCE_RANK[a.source];
  const rankB = SOURCE_RANK[b.source];
  if (rankB > rankA) return b;
  if (rankA > rankB) return a;
  return b.at >= a.at ? { ...b, force: Boolean(a.force) || Boolean(b.force) } : a;
}
