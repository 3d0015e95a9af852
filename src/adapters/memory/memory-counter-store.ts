import { addSample, applyPlan, closeDecision, countEntries, type CounterState } from '../../domain/counter-update.js';
import { emptyCounters, type CounterDelta, type ScopeCounters } from '../../domain/counters.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import { modelKey } from '../../domain/store-keys.js';
import { groupCounterChanges, type CounterChange, type CounterGuard, type CounterPlanner, type CounterStore, type CounterUpdateResult } from '../../ports/counter-store.js';

function byScopeThenKind(a: ScopeCounters, b: ScopeCounters): number {
  return a.scope === b.scope ? a.kind.localeCompare(b.kind) : a.scope.localeCompare(b.scope);
}

/** The embedded mode's counters: the same rules as the MongoDB adapter (src/domain/counter-update.ts), in a map. */
export class MemoryCounterStore implements CounterStore {
  private readonly documents = new Map<string, CounterState>();

  private state(scope: Scope, kind: ModelKind): CounterState {
    return this.documents.get(modelKey(scope, kind)) ?? { counters: emptyCounters(scope, kind), applied: {}, sampleIds: [] };
  }

  update(stream: string | null, changes: readonly CounterChange[], plan: CounterPlanner): Promise<CounterUpdateResult[]> {
    const grouped = groupCounterChanges(changes);
    const results: CounterUpdateResult[] = [];
    for (const [key, group] of grouped) {
      const { state: counted, counted: didCount } = countEntries(this.state(group.scope, group.kind), stream, group.entries);
      const { state, claimed } = applyPlan(counted, plan(structuredClone(counted.counters)));
      this.documents.set(key, state);
      results.push({ counters: structuredClone(state.counters), counted: didCount, claimed });
    }
    return Promise.resolve(results);
  }

  async apply(scope: Scope, kind: ModelKind, delta: CounterDelta, guard: CounterGuard): Promise<boolean> {
    const [result] = await this.update(guard.stream, [{ scope, kind, offset: guard.offset, fresh: false, delta }], (after) => ({
      decision: null,
      followUp: null,
      recheckAt: after.recheckAt,
    }));
    return result?.counted ?? false;
  }

  get(scope: Scope, kind: ModelKind): Promise<ScopeCounters | null> {
    const found = this.documents.get(modelKey(scope, kind));
    return Promise.resolve(found === undefined ? null : structuredClone(found.counters));
  }

  getMany(keys: readonly { scope: Scope; kind: ModelKind }[], _options?: { maxAgeMs?: number }): Promise<ScopeCounters[]> {
    const found = keys.flatMap((key) => {
      const state = this.documents.get(modelKey(key.scope, key.kind));
      return state === undefined ? [] : [structuredClone(state.counters)];
    });
    return Promise.resolve(found);
  }

  list(filter: { kind?: ModelKind; scope?: Scope } = {}): Promise<ScopeCounters[]> {
    const rows = [...this.documents.values()]
      .map((state) => state.counters)
      .filter((counters) => (filter.kind === undefined || counters.kind === filter.kind) && (filter.scope === undefined || counters.scope === filter.scope))
      .sort(byScopeThenKind);
    return Promise.resolve(rows.map((counters) => structuredClone(counters)));
  }

  dueForRecheck(now: number, limit: number): Promise<ScopeCounters[]> {
    const due = [...this.documents.values()]
      .map((state) => state.counters)
      .filter((counters) => counters.recheckAt !== null && counters.recheckAt <= now)
      .sort((a, b) => (a.recheckAt ?? 0) - (b.recheckAt ?? 0) || byScopeThenKind(a, b))
      .slice(0, Math.max(0, limit));
    return Promise.resolve(due.map((counters) => structuredClone(counters)));
  }

  addSample(scope: Scope, kind: ModelKind, sample: { id: string; value: number; window: number }): Promise<boolean> {
    const next = addSample(this.state(scope, kind), sample);
    if (next === null) return Promise.resolve(false);
    this.documents.set(modelKey(scope, kind), next);
    return Promise.resolve(true);
  }

  private close(scope: Scope, kind: ModelKind, requestId: string, outcome: Parameters<typeof closeDecision>[2]): Promise<boolean> {
    const next = closeDecision(this.state(scope, kind), requestId, outcome);
    if (next === null) return Promise.resolve(false);
    this.documents.set(modelKey(scope, kind), next);
    return Promise.resolve(true);
  }

  markTrained(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; trainedAt: number }): Promise<boolean> {
    return this.close(scope, kind, update.requestId, { kind: 'trained', consumed: update.consumed, at: update.trainedAt });
  }

  markFailed(scope: Scope, kind: ModelKind, update: { requestId: string; consumed: number; failedAt: number }): Promise<boolean> {
    return this.close(scope, kind, update.requestId, { kind: 'failed', consumed: update.consumed, at: update.failedAt });
  }

  closeDecision(scope: Scope, kind: ModelKind, requestId: string, now: number): Promise<boolean> {
    return this.close(scope, kind, requestId, { kind: 'closed', at: now });
  }
}
