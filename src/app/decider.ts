import type { RelearnConfig } from '../config/relearn-config.js';
import type { ScopeCounters } from '../domain/counters.js';
import { decisionId, REASON_PRIORITY, type Decision } from '../domain/decision.js';
import type { ModelKind } from '../domain/model-kind.js';
import { evaluateRetrainPolicy, nextRecheckAt, type PolicyVerdict } from '../domain/retrain-policy.js';
import type { Scope } from '../domain/scope.js';
import { modelKey } from '../domain/store-keys.js';
import type { Trigger, TriggerSource } from '../domain/trigger.js';
import type { Clock } from '../ports/clock.js';
import type { CounterChange, CounterPlan, CounterStore, CounterUpdateResult } from '../ports/counter-store.js';
import type { DecisionOutbox } from '../ports/decision-outbox.js';
import type { ModelRegistry } from '../ports/model-registry.js';
import { ChampionFactsCache } from './champion-facts-cache.js';
import { LruMap } from './lru-map.js';

export interface DeciderDeps {
  counters: CounterStore;
  outbox: DecisionOutbox;
  registry: ModelRegistry;
  clock: Clock;
  config: RelearnConfig;
  /** Called after decisions are recorded, so the relay publishes them now rather than at its next poll. */
  onRecorded: (decisions: readonly Decision[]) => void;
  /** Bound of the per-(scope, kind) caches (champion facts, latest verdicts): `caches.scopes` of the configuration. */
  cacheCapacity?: number;
}

/** How often a decision that stays open is looked at again (its job may have ended without closing it). */
export const OPEN_DECISION_RECHECK_MS = 10 * 60_000;

/** A verdict, or "a decision is open already" (single flight), per (scope, kind). */
export type DecisionVerdict = PolicyVerdict | { due: false; why: 'training-in-flight'; counts: Record<string, number>; sinceLastTrainingMs: number | null };

/**
 * Applies the retrain policy where the counters are updated: inside the same atomic
 * update of the (scope, kind)'s counter document, so at most one decision is open per
 * (scope, kind) whichever process decides (ingest batches, the periodic re-check, the
 * API, the CLI). A trigger that finds a decision open becomes its one follow-up. Every
 * claimed decision is written to the outbox before the caller goes on (an ingest batch's
 * offsets are committed only after that), and published from there by the relay.
 */
export class Decider {
  /**
   * The latest verdict of a single trigger (re-check, schedule, manual request) per
   * (scope, kind), so a manual request can say why nothing was decided; bounded. Ingest
   * batches do not record theirs: nothing reads them, and with many active scopes they
   * filled the map (about 25 MB of heap at 100,000 entries, issue 12's memory benchmark).
   */
  readonly lastVerdicts: LruMap<string, DecisionVerdict>;
  private readonly facts: ChampionFactsCache;

  constructor(private readonly deps: DeciderDeps) {
    const capacity = deps.cacheCapacity ?? 100_000;
    this.lastVerdicts = new LruMap(capacity);
    this.facts = new ChampionFactsCache(deps.registry, capacity, 60_000, () => deps.clock.now());
  }

  /** One trigger (timer, schedule, manual): the decision it led to, or null. */
  async evaluate(trigger: Trigger): Promise<Decision | null> {
    const decided = await this.apply(null, [{ scope: trigger.scope, kind: trigger.kind }], () => trigger);
    return decided[0] ?? null;
  }

  /**
   * An ingest batch's counter changes, decided per touched (scope, kind) from the counts
   * they produced. Returns the decisions recorded (newly claimed, or claimed by an
   * earlier attempt of this batch that died before recording them).
   */
  async applyBatch(stream: string, changes: readonly CounterChange[], at: number): Promise<Decision[]> {
    return this.apply(stream, changes, (counters) => ({ scope: counters.scope, kind: counters.kind, source: 'count', at }));
  }

  /** Forgets what is cached of a (scope, kind)'s champion (a training finished or a model was rolled back). */
  championChanged(scope: Scope, kind: ModelKind): void {
    this.facts.invalidate(scope, kind);
  }

  private async apply(stream: string | null, changes: readonly CounterChange[], triggerOf: (counters: ScopeCounters) => Trigger): Promise<Decision[]> {
    const { counters: store, outbox } = this.deps;
    const stale: ScopeCounters[] = [];
    const results = await store.update(stream, changes, (after) => this.plan(after, triggerOf(after), stale));
    // Keys whose champion was not cached (or may have changed): read it, then plan them again.
    let second: CounterUpdateResult[] = [];
    if (stale.length > 0) {
      await this.facts.load(stale.map((counters) => ({ scope: counters.scope, kind: counters.kind, lastTrainedAt: counters.lastTrainedAt })));
      second = await store.update(null, stale.map((counters) => ({ scope: counters.scope, kind: counters.kind })), (after) => this.plan(after, triggerOf(after), null));
    }
    const decisions = new Map<string, Decision>();
    for (const result of [...results, ...second]) {
      if (result.claimed !== null) decisions.set(result.claimed.decisionId, result.claimed);
      // A redelivered batch counts nothing; the decision its first attempt claimed may not have reached the outbox.
      else if (stream !== null && !result.counted && result.counters.openDecision !== null) decisions.set(result.counters.openDecision.decisionId, result.counters.openDecision);
    }
    const recorded = [...decisions.values()];
    if (recorded.length > 0) {
      await outbox.recordMany(recorded);
      this.deps.onRecorded(recorded);
    }
    return results.flatMap((result) => (result.claimed === null ? [] : [result.claimed])).concat(second.flatMap((result) => (result.claimed === null ? [] : [result.claimed])));
  }

  /** The plan for one (scope, kind); with `stale` given, a champion that is not cached defers the verdict to a second pass. */
  private plan(counters: ScopeCounters, trigger: Trigger, stale: ScopeCounters[] | null): CounterPlan {
    const { config, clock } = this.deps;
    const now = clock.now();
    const policy = config.policies[counters.kind];
    const key = modelKey(counters.scope, counters.kind);
    const record = trigger.source !== 'count';
    if (counters.openDecision !== null) {
      const counts = { total: counters.total, sinceLastTraining: counters.sinceLastTraining };
      if (record) this.lastVerdicts.set(key, { due: false, why: 'training-in-flight', counts, sinceLastTrainingMs: null });
      // Count triggers need no follow-up: the counts stay in the document and the close asks for a re-check.
      const followUp = trigger.source === 'count' ? null : trigger;
      return { decision: null, followUp, recheckAt: Math.max(counters.recheckAt ?? 0, counters.openDecision.decidedAt + OPEN_DECISION_RECHECK_MS) };
    }
    const facts = this.facts.peek(counters.scope, counters.kind, counters.lastTrainedAt);
    if (facts === undefined && stale !== null) {
      stale.push(counters);
      return { decision: null, followUp: null, recheckAt: counters.recheckAt };
    }
    // A follow-up left by the decision that just closed takes the place of a weaker trigger.
    const effective = counters.followUp !== null && sourceRank(counters.followUp.source) > sourceRank(trigger.source) ? { ...counters.followUp, at: trigger.at } : trigger;
    const verdict = evaluateRetrainPolicy({
      counters,
      champion: facts ?? null,
      config: policy,
      trigger: effective,
      now,
      incrementalOnNewData: config.incrementalOnNewData,
    });
    if (record) this.lastVerdicts.set(key, verdict);
    if (!verdict.due) return { decision: null, followUp: null, recheckAt: nextRecheckAt(counters, policy, now) };
    const decision: Decision = {
      decisionId: decisionId(counters.scope, counters.kind, counters.decisions + 1),
      scope: counters.scope,
      kind: counters.kind,
      reason: verdict.reason,
      mode: verdict.mode,
      counts: verdict.counts,
      metric: verdict.metric,
      sinceLastTrainingMs: verdict.sinceLastTrainingMs,
      decidedAt: now,
      priority: REASON_PRIORITY[verdict.reason],
      lookbackDays: effective.lookbackDays ?? config.schedule.lookbackDays,
      force: effective.force === true,
      hyperparameters: effective.hyperparameters ?? null,
      publishedAt: null,
    };
    return { decision, followUp: null, recheckAt: now + OPEN_DECISION_RECHECK_MS };
  }
}

const RANK: Readonly<Record<TriggerSource, number>> = { manual: 4, performance: 3, schedule: 2, timer: 1, count: 0 };

function sourceRank(source: TriggerSource): number {
  return RANK[source];
}
