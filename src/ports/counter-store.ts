import type { CounterDelta, ScopeCounters } from '../domain/counters.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';

/**
 * Identifies the input stream a counter update comes from and its position in it.
 * Counters apply an update only if they have not yet applied one at or past that
 * position for that stream, so a redelivered record never counts twice.
 */
export interface CounterGuard {
  stream: string;
  offset: number;
}

export interface CounterStore {
  /** Returns false when the guard shows the update was applied already. */
  apply(scope: Scope, kind: ModelKind, delta: CounterDelta, guard: CounterGuard): Promise<boolean>;
  get(scope: Scope, kind: ModelKind): Promise<ScopeCounters | null>;
  list(filter?: { kind?: ModelKind; scope?: Scope }): Promise<ScopeCounters[]>;
  /**
   * Reserves decision number `sequence` (must be `decisions + 1`); false if another
   * decider took it first.
   */
  claimDecision(scope: Scope, kind: ModelKind, sequence: number): Promise<boolean>;
  /**
   * A training finished: subtract the new data it consumed (the decision's snapshot, so
   * rows that arrived during training still count), set lastTrainedAt and clear the
   * performance window. Idempotent per requestId.
   */
  markTrained(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; trainedAt: number }): Promise<boolean>;
}
