import type { CountedEntry } from '../domain/counter-update.js';
import type { CounterDelta, ScopeCounters } from '../domain/counters.js';
import type { Decision } from '../domain/decision.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import { modelKey } from '../domain/store-keys.js';
import type { Trigger } from '../domain/trigger.js';

/**
 * Identifies the input stream a counter update comes from and its position in it.
 * Counters apply an update only if they have not yet applied one at or past that
 * position for that stream, so a redelivered record never counts twice.
 */
export interface CounterGuard {
  stream: string;
  offset: number;
}

/** One input event's change to one (scope, kind). */
export interface CounterEntry {
  scope: Scope;
  kind: ModelKind;
  /** The event's offset in the batch's stream (topic/partition). */
  offset: number;
  /**
   * The event store saw this event for the first time in this batch: it has never been
   * counted, whatever the stream's applied offset says (a re-created topic starts its
   * offsets again at 0; an offset at or below the applied one then holds a new event).
   */
  fresh: boolean;
  delta: CounterDelta;
}

/** A (scope, kind) to plan for without counting anything (a timer, a manual request). */
export interface CounterTouch {
  scope: Scope;
  kind: ModelKind;
}

export type CounterChange = CounterEntry | CounterTouch;

/** What the decider wants done with one (scope, kind) once its counters are up to date. */
export interface CounterPlan {
  /** Claim this decision (its sequence is `decisions + 1`); ignored when a decision is open already. */
  decision: Decision | null;
  /** Remember this trigger for when the open decision closes (single flight's one follow-up). */
  followUp: Trigger | null;
  recheckAt: number | null;
}

/** Decides from the counters as they are after the update, inside the update (no second read). */
export type CounterPlanner = (after: ScopeCounters) => CounterPlan;

export interface CounterUpdateResult {
  counters: ScopeCounters;
  /** Some entry was counted now (false: every entry had been counted before, e.g. a redelivered batch). */
  counted: boolean;
  /** The planner's decision was claimed by this update. */
  claimed: Decision | null;
}

/**
 * Counters per (scope, kind), with the decision state that makes "one training in flight"
 * hold across processes: at most one open decision and one follow-up per document, both
 * changed in the same atomic document update as the counts they were decided from.
 */
export interface CounterStore {
  /**
   * Applies a batch's entries of one stream (null: no stream, a plan only), summed per
   * (scope, kind), each (scope, kind) in one atomic update together with what `plan`
   * decides from the result. Entries at or below the stream's applied offset are skipped
   * unless `fresh`. Results follow the order of first appearance of each (scope, kind).
   */
  update(stream: string | null, changes: readonly CounterChange[], plan: CounterPlanner): Promise<CounterUpdateResult[]>;
  /** One delta at one position (tests, tools): `update` with a single entry and no plan. */
  apply(scope: Scope, kind: ModelKind, delta: CounterDelta, guard: CounterGuard): Promise<boolean>;
  get(scope: Scope, kind: ModelKind): Promise<ScopeCounters | null>;
  /**
   * The counters of those of `keys` that exist. With `maxAgeMs`, an adapter may answer from
   * what this process read or wrote of a (scope, kind) within that long instead of reading
   * it again (ingest's look at which champions to sample: `update` still checks what it writes).
   */
  getMany(keys: readonly { scope: Scope; kind: ModelKind }[], options?: { maxAgeMs?: number }): Promise<ScopeCounters[]>;
  list(filter?: { kind?: ModelKind; scope?: Scope }): Promise<ScopeCounters[]>;
  /** (scope, kind) whose `recheckAt` has come, oldest first: what the periodic re-check looks at. */
  dueForRecheck(now: number, limit: number): Promise<ScopeCounters[]>;
  /**
   * Appends one live-performance sample that does not come from an input stream (a sheet's
   * anomaly rate), once per `sampleId` among the window's recent ones.
   */
  addSample(scope: Scope, kind: ModelKind, sample: { id: string; value: number; window: number }): Promise<boolean>;
  /**
   * The open decision's training finished: subtract the new data it consumed (the
   * decision's snapshot, so rows that arrived during training still count), set
   * lastTrainedAt, clear the performance window and the open decision, and ask for a
   * re-check now (a follow-up may wait). Only when `requestId` is the open decision:
   * a repeat does nothing and returns false.
   */
  markTrained(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; trainedAt: number }): Promise<boolean>;
  /** The open decision's training failed for good: like markTrained, but sets lastFailedAt, so the policy backs off. */
  markFailed(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; failedAt: number }): Promise<boolean>;
  /** Closes the open decision without counting anything consumed (cancelled job, repaired stuck decision). */
  closeDecision(scope: Scope, kind: ModelKind, requestId: string, now: number): Promise<boolean>;
}

/** A batch's changes per (scope, kind), in order of first appearance, as every adapter's `update` applies them. */
export function groupCounterChanges(changes: readonly CounterChange[]): Map<string, { scope: Scope; kind: ModelKind; entries: CountedEntry[] }> {
  const grouped = new Map<string, { scope: Scope; kind: ModelKind; entries: CountedEntry[] }>();
  for (const change of changes) {
    const key = modelKey(change.scope, change.kind);
    let group = grouped.get(key);
    if (group === undefined) {
      group = { scope: change.scope, kind: change.kind, entries: [] };
      grouped.set(key, group);
    }
    if ('delta' in change) group.entries.push({ offset: change.offset, fresh: change.fresh, delta: change.delta });
  }
  return grouped;
}
