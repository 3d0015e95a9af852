import type { RelearnConfig } from '../config/relearn-config.js';
import { emptyCounters } from '../domain/counters.js';
import { decisionId, REASON_PRIORITY, type Decision } from '../domain/decision.js';
import { evaluateRetrainPolicy, type ChampionFacts, type PolicyVerdict } from '../domain/retrain-policy.js';
import type { Trigger } from '../domain/trigger.js';
import type { Clock } from '../ports/clock.js';
import type { CounterStore } from '../ports/counter-store.js';
import type { DecisionOutbox } from '../ports/decision-outbox.js';
import type { ModelRegistry } from '../ports/model-registry.js';

export interface DeciderDeps {
  counters: CounterStore;
  outbox: DecisionOutbox;
  registry: ModelRegistry;
  clock: Clock;
  config: RelearnConfig;
  /** Called after a decision is recorded, so the relay publishes it now rather than at its next poll. */
  onRecorded: (decision: Decision) => void;
}

/**
 * Applies the retrain policy to one trigger and, when training is due, records the
 * decision in the outbox first (design.md §4: record, then publish from the record).
 */
export class Decider {
  /** The latest verdict per (scope, kind), for status pages and the summary. */
  readonly lastVerdicts = new Map<string, PolicyVerdict>();

  constructor(private readonly deps: DeciderDeps) {}

  async evaluate(trigger: Trigger): Promise<Decision | null> {
    const { counters: store, registry, config, clock } = this.deps;
    const counters = (await store.get(trigger.scope, trigger.kind)) ?? emptyCounters(trigger.scope, trigger.kind);
    const champion = await registry.champion(trigger.scope, trigger.kind);
    const facts: ChampionFacts | null =
      champion === null
        ? null
        : {
            version: champion.version,
            validationAccuracy: champion.metrics.accuracy,
            supportsIncremental: champion.kind === 'categorizer' && champion.engine === 'relearn-forest',
          };
    const now = clock.now();
    const verdict = evaluateRetrainPolicy({
      counters,
      champion: facts,
      config: config.policies[trigger.kind],
      trigger,
      now,
      incrementalOnNewData: config.incrementalOnNewData,
    });
    this.lastVerdicts.set(`${trigger.scope}|${trigger.kind}`, verdict);
    if (!verdict.due) return null;

    const sequence = counters.decisions + 1;
    const decision: Decision = {
      decisionId: decisionId(trigger.scope, trigger.kind, sequence),
      scope: trigger.scope,
      kind: trigger.kind,
      reason: verdict.reason,
      mode: verdict.mode,
      counts: verdict.counts,
      metric: verdict.metric,
      sinceLastTrainingMs: verdict.sinceLastTrainingMs,
      decidedAt: now,
      priority: REASON_PRIORITY[verdict.reason],
      lookbackDays: trigger.lookbackDays ?? config.schedule.lookbackDays,
      force: trigger.force === true,
      hyperparameters: trigger.hyperparameters ?? null,
      publishedAt: null,
    };
    // The outbox's unique id makes a concurrent or repeated decider lose here; the claim
    // then moves the sequence on so the next decision gets a new id.
    const recorded = await this.deps.outbox.record(decision);
    await store.claimDecision(trigger.scope, trigger.kind, sequence);
    if (!recorded) return null;
    this.deps.onRecorded(decision);
    return decision;
  }
}
