import type { Decision } from '../domain/decision.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';

/**
 * Decisions are recorded here first and published from here: a process that dies
 * between the two publishes on restart, and the unique decisionId keeps it to one.
 */
export interface PublicationClaim {
  /** When the first claim was taken: every send of the decision came after it. */
  firstClaimedAt: number;
  /** Claims so far, this one included: above 1, an earlier send may have reached the topic. */
  attempts: number;
}

export interface DecisionOutbox {
  /** False when a decision with this id exists already. */
  record(decision: Decision): Promise<boolean>;
  /** Records those of `decisions` not recorded yet (one write for a batch's decisions); returns how many were new. */
  recordMany(decisions: readonly Decision[]): Promise<number>;
  /**
   * Leases an unpublished decision for publishing until `now + leaseMs`: whichever
   * processes run the relay, one publishes it (a crash mid-publish lets the lease expire).
   * Null when it is published or held by another relay.
   */
  claimPublication(decisionId: string, now: number, leaseMs: number): Promise<PublicationClaim | null>;
  /** Gives up a claim (the broker refused the send), so the next relay run may publish it at once; the claim's history stays. */
  releasePublication(decisionId: string): Promise<void>;
  /** Unpublished decisions, oldest first. */
  pending(limit: number): Promise<Decision[]>;
  markPublished(decisionId: string, at: number): Promise<void>;
  get(decisionId: string): Promise<Decision | null>;
  /** Newest first. */
  list(filter?: { scope?: Scope; kind?: ModelKind; limit?: number }): Promise<Decision[]>;
}
