import type { TopicNames } from '../contract/topic-definitions.js';
import type { SheetAnalysed } from '../domain/events.js';
import type { RetrainPolicies } from '../domain/policy-config.js';
import { orgScope } from '../domain/scope.js';
import type { Clock } from '../ports/clock.js';
import type { CounterStore } from '../ports/counter-store.js';
import type { EventSink } from '../ports/event-bus.js';
import type { EventStore } from '../ports/event-store.js';
import { loadAnomalyDetector, scoreExpenses } from '../training/trainers/anomaly-trainer.js';
import type { ChampionCache } from './champion-cache.js';
import type { OutputCodecs } from './event-codecs.js';

export interface SheetAnalystDeps {
  store: EventStore;
  counters: CounterStore;
  champions: ChampionCache;
  sink: EventSink;
  codecs: OutputCodecs;
  topics: TopicNames;
  policies: RetrainPolicies;
  clock: Clock;
}

/**
 * Scores a submitted sheet with the organisation's champion anomaly model, publishes
 * SheetAnalysed, and feeds the sheet's anomaly rate to the live-performance window.
 */
export class SheetAnalyst {
  readonly stats = { total: 0, trainedBeforeAnalysis: 0, rateSum: 0 };

  constructor(private readonly deps: SheetAnalystDeps) {}

  async analyse(request: { sheetId: string; orgId: string }, trainedBeforeAnalysis: boolean): Promise<SheetAnalysed> {
    const { store, champions, counters, sink, codecs, topics, policies, clock } = this.deps;
    const scope = orgScope(request.orgId);
    const expenses = await store.sheetExpenses(request.sheetId);
    const champion = await champions.get(scope, 'anomaly', loadAnomalyDetector);
    let anomalies: SheetAnalysed['anomalies'] = [];
    let anomalyRate = 0;
    if (champion !== null && expenses.length > 0) {
      const { scores, flagged } = scoreExpenses(champion.model, expenses);
      anomalies = expenses.flatMap((expense, index) => (flagged[index] === true ? [{ expenseId: expense.expenseId, score: scores[index] ?? 0 }] : []));
      anomalyRate = anomalies.length / expenses.length;
      // One sample per sheet: the guard's stream is the sheet itself, so a re-analysis does not count twice.
      await counters.apply(
        scope,
        'anomaly',
        { performanceSample: anomalyRate, performanceWindow: policies.anomaly.performanceWindow },
        { stream: `analysis/${request.sheetId}`, offset: 0 },
      );
    }
    const event: SheetAnalysed = {
      sheetId: request.sheetId,
      orgId: request.orgId,
      modelVersion: champion?.version.version ?? null,
      anomalies,
      anomalyRate,
      trainedBeforeAnalysis,
      analysedAt: clock.now(),
    };
    await sink.send(topics['sheet-analyses'], [{ key: request.sheetId, value: await codecs.encodeSheetAnalysed(event) }]);
    this.stats.total += 1;
    this.stats.rateSum += anomalyRate;
    if (trainedBeforeAnalysis) this.stats.trainedBeforeAnalysis += 1;
    return event;
  }
}
