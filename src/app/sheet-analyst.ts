import type { TopicNames } from '../contract/topic-definitions.js';
import type { SheetAnalysed, SheetSubmitted } from '../domain/events.js';
import type { RetrainPolicies } from '../domain/policy-config.js';
import { describeError } from '../domain/errors.js';
import { orgScope, type Scope } from '../domain/scope.js';
import type { Clock } from '../ports/clock.js';
import type { CounterStore } from '../ports/counter-store.js';
import type { EventSink } from '../ports/event-bus.js';
import type { EventStore } from '../ports/event-store.js';
import type { ModelVersion } from '../ports/model-registry.js';
import { loadAnomalyDetector, scoreExpenses, type LoadedAnomalyDetector } from '../training/trainers/anomaly-trainer.js';
import type { ChampionCache } from './champion-cache.js';
import type { OutputCodecs } from './event-codecs.js';
import { SerialRunner } from './serial-runner.js';

export interface SheetAnalystDeps {
  store: EventStore;
  counters: CounterStore;
  champions: ChampionCache;
  sink: EventSink;
  codecs: OutputCodecs;
  topics: TopicNames;
  policies: RetrainPolicies;
  clock: Clock;
  /** The longest a sheet waits for its organisation's open training before it is analysed with the champion it has. */
  trainingWaitMs: number;
  onError?: (error: unknown) => void;
  onAnalysed?: (event: SheetAnalysed) => void;
  /** A sheet analysed without its champion, whose artifact cannot be loaded. */
  warn?: (fields: Record<string, unknown>, message: string) => void;
}

/** The champion's artifact was read but cannot be loaded (garbage, truncated, an unknown format). */
class UnloadableChampion extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/** How long one analyst holds a sheet it is analysing; another takes it over after a crash. */
const ANALYSIS_LEASE_MS = 15_000;

/**
 * Analyses submitted sheets from the store's pending list: the ingest batch stored the
 * sheet (and so its request for analysis) before committing its offset, so nothing is
 * lost to a crash. "Train before analysis": while the organisation's anomaly model has an
 * open decision (a retrain that ingest decided), the sheet waits for it, up to
 * `trainingWaitMs`. Each sheet is leased before it is analysed, so analysts in several
 * processes analyse it once; it is marked analysed after SheetAnalysed is acknowledged.
 */
export class SheetAnalyst {
  readonly stats = { total: 0, trainedBeforeAnalysis: 0, rateSum: 0 };
  private readonly runner: SerialRunner;
  /** Sheets found waiting on an open training in the last run: the run is not idle while some wait. */
  waiting = 0;

  constructor(private readonly deps: SheetAnalystDeps) {
    this.runner = new SerialRunner(() => this.analysePending(), deps.onError);
  }

  /** Looks at the pending sheets now (after a batch stored sheets, a training finished, or on a tick). */
  kick(): Promise<void> {
    return this.runner.kick();
  }

  get idle(): boolean {
    return this.runner.idle;
  }

  private async analysePending(): Promise<void> {
    const { store, counters, clock, trainingWaitMs } = this.deps;
    let waiting = 0;
    for (const sheet of await store.pendingAnalyses(200)) {
      const now = clock.now();
      const org = await counters.get(orgScope(sheet.orgId), 'anomaly');
      if (org?.openDecision != null && now - sheet.submittedAt < trainingWaitMs) {
        waiting += 1;
        continue;
      }
      if (!(await store.claimAnalysis(sheet, now, ANALYSIS_LEASE_MS))) continue;
      const trainedBeforeAnalysis = org?.lastTrainedAt != null && org.lastTrainedAt >= sheet.submittedAt;
      await this.analyse(sheet, trainedBeforeAnalysis);
      await store.markAnalysed(sheet, clock.now());
    }
    this.waiting = waiting;
  }

  async analyse(request: Pick<SheetSubmitted, 'sheetId' | 'orgId'>, trainedBeforeAnalysis: boolean): Promise<SheetAnalysed> {
    const { store, counters, sink, codecs, topics, policies, clock } = this.deps;
    const scope = orgScope(request.orgId);
    const expenses = await store.sheetExpenses(request.sheetId);
    const champion = await this.champion(scope);
    let anomalies: SheetAnalysed['anomalies'] = [];
    let anomalyRate = 0;
    if (champion !== null && expenses.length > 0) {
      const { scores, flagged } = scoreExpenses(champion.model, expenses);
      anomalies = expenses.flatMap((expense, index) => (flagged[index] === true ? [{ expenseId: expense.expenseId, score: scores[index] ?? 0 }] : []));
      anomalyRate = anomalies.length / expenses.length;
      // One sample per sheet: a re-analysis after a crash does not add it twice.
      await counters.addSample(scope, 'anomaly', { id: request.sheetId, value: anomalyRate, window: policies.anomaly.performanceWindow });
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
    this.deps.onAnalysed?.(event);
    return event;
  }

  /**
   * The organisation's loaded champion. One whose artifact cannot be loaded is the model's
   * problem, not the sheet's: the sheet is analysed as with no champion (modelVersion null)
   * rather than held back for good, since nothing but a new champion would ever load.
   * Errors reading the registry are not that: they reject, and the sheet waits.
   */
  private async champion(scope: Scope): Promise<{ version: ModelVersion; model: LoadedAnomalyDetector } | null> {
    try {
      return await this.deps.champions.get(scope, 'anomaly', (artifact) => {
        try {
          return loadAnomalyDetector(artifact);
        } catch (error) {
          throw new UnloadableChampion(error);
        }
      });
    } catch (error) {
      if (!(error instanceof UnloadableChampion)) throw error;
      this.deps.warn?.({ scope, kind: 'anomaly', ...describeError(error.reason) }, 'champion cannot be loaded; sheet analysed without a model');
      return null;
    }
  }
}
