import { emptyCounters, type CounterDelta, type ScopeCounters } from '../../domain/counters.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { CounterGuard, CounterStore } from '../../ports/counter-store.js';

interface CounterDocument {
  counters: ScopeCounters;
  /** Highest applied offset per input stream. */
  applied: Map<string, number>;
  trainedRequests: Set<string>;
}

/** Applies one delta to a counters value; shared by every adapter so they cannot disagree. */
export function applyCounterDelta(counters: ScopeCounters, delta: CounterDelta): ScopeCounters {
  const next = { ...counters, performance: [...counters.performance] };
  next.total += delta.total ?? 0;
  next.sinceLastTraining += delta.sinceLastTraining ?? 0;
  next.sheets += delta.sheets ?? 0;
  if (delta.eventTime !== undefined) {
    next.firstEventAt = next.firstEventAt === null ? delta.eventTime : Math.min(next.firstEventAt, delta.eventTime);
    next.lastEventAt = next.lastEventAt === null ? delta.eventTime : Math.max(next.lastEventAt, delta.eventTime);
  }
  if (delta.performanceSample !== undefined) {
    next.performance.push(delta.performanceSample);
    const window = delta.performanceWindow ?? 50;
    if (next.performance.length > window) next.performance.splice(0, next.performance.length - window);
  }
  return next;
}

export class MemoryCounterStore implements CounterStore {
  private readonly documents = new Map<string, CounterDocument>();

  private document(scope: Scope, kind: ModelKind): CounterDocument {
    const key = `${scope}|${kind}`;
    let found = this.documents.get(key);
    if (found === undefined) {
      found = { counters: emptyCounters(scope, kind), applied: new Map(), trainedRequests: new Set() };
      this.documents.set(key, found);
    }
    return found;
  }

  apply(scope: Scope, kind: ModelKind, delta: CounterDelta, guard: CounterGuard): Promise<boolean> {
    const document = this.document(scope, kind);
    const last = document.applied.get(guard.stream);
    if (last !== undefined && last >= guard.offset) return Promise.resolve(false);
    document.applied.set(guard.stream, guard.offset);
    document.counters = applyCounterDelta(document.counters, delta);
    return Promise.resolve(true);
  }

  get(scope: Scope, kind: ModelKind): Promise<ScopeCounters | null> {
    const found = this.documents.get(`${scope}|${kind}`);
    return Promise.resolve(found === undefined ? null : structuredClone(found.counters));
  }

  list(filter: { kind?: ModelKind; scope?: Scope } = {}): Promise<ScopeCounters[]> {
    const rows = [...this.documents.values()]
      .map((document) => document.counters)
      .filter((counters) => (filter.kind === undefined || counters.kind === filter.kind) && (filter.scope === undefined || counters.scope === filter.scope))
      .sort((a, b) => (a.scope === b.scope ? a.kind.localeCompare(b.kind) : a.scope.localeCompare(b.scope)));
    return Promise.resolve(rows.map((counters) => structuredClone(counters)));
  }

  claimDecision(scope: Scope, kind: ModelKind, sequence: number): Promise<boolean> {
    const document = this.document(scope, kind);
    if (document.counters.decisions !== sequence - 1) return Promise.resolve(false);
    document.counters = { ...document.counters, decisions: sequence };
    return Promise.resolve(true);
  }

  markTrained(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; trainedAt: number }): Promise<boolean> {
    const document = this.document(scope, kind);
    if (document.trainedRequests.has(update.requestId)) return Promise.resolve(false);
    document.trainedRequests.add(update.requestId);
    const counters = document.counters;
    document.counters = {
      ...counters,
      sinceLastTraining: Math.max(0, counters.sinceLastTraining - update.consumed),
      lastTrainedAt: Math.max(counters.lastTrainedAt ?? Number.NEGATIVE_INFINITY, update.trainedAt),
      performance: [],
    };
    return Promise.resolve(true);
  }
}
