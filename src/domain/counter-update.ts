import { applyCounterDelta, sumCounterDeltas, type CounterDelta, type ScopeCounters } from './counters.js';
import type { Decision } from './decision.js';
import { strongerTrigger, type Trigger } from './trigger.js';

/** What a counter document holds besides the counters: the bookkeeping that keeps updates exactly-once. */
export interface CounterBookkeeping {
  /** Highest counted offset per input stream (topic/partition). Bounded by the number of input partitions. */
  applied: Record<string, number>;
  /** Ids of the newest samples added outside a stream (sheet analyses), as many as the performance window. */
  sampleIds: string[];
}

export interface CounterState extends CounterBookkeeping {
  counters: ScopeCounters;
}

/** One entry of a batch as the arithmetic needs it. */
export interface CountedEntry {
  offset: number;
  fresh: boolean;
  delta: CounterDelta;
}

export interface PlannedUpdate {
  state: CounterState;
  /** Some entry was counted. */
  counted: boolean;
  /** The decision claimed by this update, if any. */
  claimed: Decision | null;
  /** Whether anything changed, i.e. whether a write is needed. */
  changed: boolean;
}

/**
 * The counting rule every CounterStore adapter applies inside one atomic document update.
 * An entry counts when the event store saw its event for the first time (`fresh`) or
 * when its offset is past the stream's applied offset (a redelivery of an event whose
 * counting a crash interrupted). The applied offset then moves to the highest counted
 * offset: it can move backwards only through fresh events, i.e. on a re-created topic.
 */
export function countEntries(state: CounterState, stream: string | null, entries: readonly CountedEntry[]): { state: CounterState; counted: boolean } {
  if (stream === null || entries.length === 0) return { state, counted: false };
  const mark = state.applied[stream];
  const counted = entries.filter((entry) => entry.fresh || mark === undefined || entry.offset > mark);
  if (counted.length === 0) return { state, counted: false };
  const highest = Math.max(...counted.map((entry) => entry.offset));
  return {
    state: {
      ...state,
      counters: applyCounterDelta(state.counters, sumCounterDeltas(counted.map((entry) => entry.delta))),
      applied: { ...state.applied, [stream]: highest },
    },
    counted: true,
  };
}

/** What the planner asked for, applied under single flight: a decision only when none is open, else one follow-up. */
export function applyPlan(
  state: CounterState,
  plan: { decision: Decision | null; followUp: Trigger | null; recheckAt: number | null },
): { state: CounterState; claimed: Decision | null } {
  const counters = { ...state.counters };
  let claimed: Decision | null = null;
  if (plan.decision !== null && counters.openDecision === null) {
    claimed = plan.decision;
    counters.openDecision = plan.decision;
    counters.decisions += 1;
    counters.followUp = null;
  } else if (plan.followUp !== null && counters.openDecision !== null) {
    counters.followUp = counters.followUp === null ? plan.followUp : strongerTrigger(counters.followUp, plan.followUp);
  }
  // With no decision open, a waiting follow-up has had its evaluation.
  if (counters.openDecision === null) counters.followUp = null;
  counters.recheckAt = plan.recheckAt;
  return { state: { ...state, counters }, claimed };
}

/** Closes the open decision `requestId` (training finished, failed or was cancelled). Null when it is not the open one. */
export function closeDecision(
  state: CounterState,
  requestId: string,
  outcome: { kind: 'trained'; consumed: number; at: number } | { kind: 'failed'; consumed: number; at: number } | { kind: 'closed'; at: number },
): CounterState | null {
  const { counters } = state;
  if (counters.openDecision?.decisionId !== requestId) return null;
  const next: ScopeCounters = { ...counters, openDecision: null, recheckAt: outcome.at };
  if (outcome.kind !== 'closed') next.sinceLastTraining = Math.max(0, counters.sinceLastTraining - outcome.consumed);
  if (outcome.kind === 'trained') {
    next.lastTrainedAt = Math.max(counters.lastTrainedAt ?? Number.NEGATIVE_INFINITY, outcome.at);
    next.performance = [];
  }
  if (outcome.kind === 'failed') next.lastFailedAt = outcome.at;
  return { ...state, counters: next };
}

/** Appends a sample once per id among the recent ones. Null when it was added before. */
export function addSample(state: CounterState, sample: { id: string; value: number; window: number }): CounterState | null {
  if (state.sampleIds.includes(sample.id)) return null;
  const counters = applyCounterDelta(state.counters, { performanceSample: sample.value, performanceWindow: sample.window });
  return { ...state, counters, sampleIds: [...state.sampleIds, sample.id].slice(-Math.max(sample.window, 1)) };
}
