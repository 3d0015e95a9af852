import type { Decision } from '../domain/decision.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';

/**
 * Decisions are recorded here first and published from here: a process that dies
 * between the two publishes on restart, and the unique decisionId keeps it to one.
 */
export interface DecisionOutbox {
  /** False when a decision with this id exists already. */
  record(decision: Decision): Promise<boolean>;
  /** Unpublished decisions, oldest first. */
  pending(limit: number): Promise<Decision[]>;
  markPublished(decisionId: string, at: number): Promise<void>;
  get(decisionId: string): Promise<Decision | null>;
  /** Newest first. */
  list(filter?: { scope?: Scope; kind?: ModelKind; limit?: number }): Promise<Decision[]>;
}
