// Replays one user's stream through the categorizer's side of the product, decision by
// decision, with the product's own pieces: the memory event store (what the trainer reads),
// the counter arithmetic of the memory counter store, the retrain policy
// (evaluateRetrainPolicy), the trainer's row loading (loadTrainingRows), the trainer itself
// (runTrainingTask, the function the worker threads run), the promotion gate and the
// prequential sample of live-performance.ts.
//
// Time advances an hour at a time, as in the embedded run (src/app/embedded-run.ts): the
// hour's records are ingested (every labeled one is first predicted by the current champion,
// then counted, then offered to the policy as a trigger), then the periodic timer tick is
// offered, then the hour's decision, if any, is trained and gated. Training is synchronous
// here, which is what the embedded run's "ingest, then train, then next hour" amounts to.
// Not replayed: the bus, Avro, the outbox and job queue (they move a decision, they do not
// change it) and the daily cron tick (the hourly timer tick applies the same time rule first).
import { MemoryEventStore } from '../../src/adapters/memory/memory-event-store.js';
import { prequentialSample } from '../../src/app/live-performance.js';
import type { RelearnConfig } from '../../src/config/relearn-config.js';
import { loadTrainingRows } from '../../src/app/training-data.js';
import { applyCounterDelta, emptyCounters, type ScopeCounters } from '../../src/domain/counters.js';
import { decisionId, REASON_PRIORITY } from '../../src/domain/decision.js';
import type { TrainingMode, TrainingReason, TrainingRequested } from '../../src/domain/events.js';
import { fnv1a } from '../../src/domain/features/text-hash.js';
import { evaluateRetrainPolicy, type PolicyVerdict } from '../../src/domain/retrain-policy.js';
import { userScope, type Scope } from '../../src/domain/scope.js';
import type { TriggerSource } from '../../src/domain/trigger.js';
import type { EventPosition, StoredTransaction } from '../../src/ports/event-store.js';
import { promotionVerdict } from '../../src/training/promotion-gate.js';
import { runTrainingTask } from '../../src/training/run-training-task.js';
import { loadCategorizer, type LoadedCategorizer } from '../../src/training/trainers/categorizer-trainer.js';
import type { TrainingTask } from '../../src/training/training-task.js';
import type { UserStream } from './simulated-user-stream.js';

const HOUR = 3_600_000;
/** Card payments made on the last day may be posted the next morning: replay a little past the end. */
const TAIL_MS = 2 * 24 * HOUR;

/** One labeled event, in arrival order: the moment a transaction's label became known. */
export interface LabeledEvent {
  at: number;
  transaction: StoredTransaction;
  /** 1 if the champion of that moment predicted the label, 0 if not; undefined before the first model. */
  hit: number | undefined;
  /** The same for the champion frozen at `freezeAt`, from that moment on. */
  frozenHit: number | undefined;
}

export interface ReplayedTraining {
  at: number;
  reason: TrainingReason;
  requestedMode: TrainingMode;
  mode: TrainingMode;
  promoted: boolean;
  trainMs: number;
  rows: number;
  accuracy: number;
  championAccuracy: number | null;
}

export interface ReplayResult {
  events: LabeledEvent[];
  trainings: ReplayedTraining[];
  /** Trainings the product would have failed (INSUFFICIENT_DATA and the like): no markTrained, as in the trainer role. */
  failedTrainings: number;
}

export interface ReplayOptions {
  stream: UserStream;
  config: RelearnConfig;
  /** From this time on, every labeled event is also predicted by the champion of that moment, kept frozen. */
  freezeAt?: number;
  /**
   * Benchmark-only arm: every retrain after the first model asks for this mode whatever the
   * policy chose (the trainer still falls back to full when incremental cannot apply).
   */
  forceMode?: TrainingMode;
  /**
   * What-if arm, not the product: once the gate promotes a challenger, serve a model refit
   * (full) on all but the newest 5 rows (the held-out minimum) instead of the challenger,
   * which never learned from its held-out share of the newest rows.
   */
  refitOnPromotion?: boolean;
}

interface Champion {
  version: number;
  artifact: Uint8Array;
  loaded: LoadedCategorizer;
  accuracy: number;
}

export async function replayCategorizer(options: ReplayOptions): Promise<ReplayResult> {
  const { stream, config } = options;
  const policy = config.policies.categorizer;
  const scope: Scope = userScope(stream.userId);
  const store = new MemoryEventStore();
  let counters: ScopeCounters = emptyCounters(scope, 'categorizer');
  let champion: Champion | null = null;
  let frozen: LoadedCategorizer | null = null;
  let nextVersion = 1;
  let offset = 0;
  const events: LabeledEvent[] = [];
  const trainings: ReplayedTraining[] = [];
  let failedTrainings = 0;

  const position = (topic: string): EventPosition => ({ topic, partition: 0, offset: String(offset++) });
  const decide = (source: TriggerSource, now: number): PolicyVerdict =>
    evaluateRetrainPolicy({
      counters,
      champion: champion === null ? null : { version: champion.version, validationAccuracy: champion.accuracy, supportsIncremental: champion.loaded.engine === 'relearn-forest' },
      config: policy,
      trigger: { scope, kind: 'categorizer', source, at: now },
      now,
      incrementalOnNewData: config.incrementalOnNewData,
    });
  const labeled = (at: number, transaction: StoredTransaction): TriggerSource => {
    const hit = champion === null ? undefined : prequentialSample(champion.loaded, transaction);
    const frozenHit = frozen === null ? undefined : prequentialSample(frozen, transaction);
    events.push({ at, transaction, hit, frozenHit });
    counters = applyCounterDelta(counters, {
      total: 1,
      sinceLastTraining: 1,
      eventTime: transaction.occurredAt,
      ...(hit === undefined ? {} : { performanceSample: hit, performanceWindow: policy.performanceWindow }),
    });
    return hit === undefined ? 'count' : 'performance';
  };

  let index = 0;
  const records = stream.records;
  for (let hour = stream.start; hour < stream.end + TAIL_MS; hour += HOUR) {
    // The embedded run ingests and decides with the clock at the hour's last millisecond.
    const now = hour + HOUR - 1;
    if (options.freezeAt !== undefined && frozen === null && hour >= options.freezeAt) frozen = champion?.loaded ?? null;
    let due: Extract<PolicyVerdict, { due: true }> | null = null;
    for (; index < records.length && (records[index]?.at ?? Number.POSITIVE_INFINITY) < hour + HOUR; index++) {
      const record = records[index];
      if (record === undefined) continue;
      let source: TriggerSource | null = null;
      if (record.type === 'transaction') {
        const [appended] = await store.appendBatch([{ input: { type: 'transaction', event: record.event }, position: position('transactions') }]);
        if (appended?.labeled === true) source = labeled(record.at, { ...record.event, label: record.event.category });
      } else {
        const [appended] = await store.appendBatch([{ input: { type: 'label', event: record.event }, position: position('labels') }]);
        if (appended?.labeled === true && appended.item !== null && 'transactionId' in appended.item) source = labeled(record.at, appended.item);
      }
      // One decision per hour at most: later triggers coalesce behind the training it starts.
      if (source !== null && due === null) {
        const verdict = decide(source, now);
        if (verdict.due) due = verdict;
      }
    }
    if (due === null && counters.lastTrainedAt !== null) {
      // The time trigger's candidate filter (RelearnSystem.candidates), then the policy.
      const elapsed = now - counters.lastTrainedAt;
      const timeRule = counters.sinceLastTraining >= policy.minNewData && elapsed >= policy.minIntervalMs;
      const cooledDown = counters.performance.length >= policy.minPerformanceSamples && elapsed >= policy.performanceCooldownMs;
      if (timeRule || cooledDown) {
        const verdict = decide('timer', now);
        if (verdict.due) due = verdict;
      }
    }
    if (due === null) continue;

    counters = { ...counters, decisions: counters.decisions + 1 };
    const requestId = decisionId(scope, 'categorizer', counters.decisions);
    const mode: TrainingMode = options.forceMode !== undefined && champion !== null ? options.forceMode : due.mode;
    const request: TrainingRequested = {
      requestId,
      scope,
      modelKind: 'categorizer',
      reason: due.reason,
      counts: due.counts,
      metric: due.metric,
      requestedAt: now,
      priority: REASON_PRIORITY[due.reason],
      mode,
      lookbackDays: config.schedule.lookbackDays,
      force: false,
    };
    let rows: StoredTransaction[];
    try {
      rows = (await loadTrainingRows(store, request, config, now)) as StoredTransaction[];
    } catch {
      failedTrainings += 1;
      continue;
    }
    // The trainer role's task (src/app/trainer-role.ts).
    const task: TrainingTask = {
      kind: 'categorizer',
      engine: config.engines.categorizer,
      mode,
      seed: (config.training.seed ^ fnv1a(requestId)) >>> 0,
      hyperparameters: config.hyperparameters.categorizer,
      championArtifact: champion?.artifact ?? null,
      heldOutFraction: config.training.heldOutFraction,
      maxTrees: config.training.maxTrees,
      rows,
    };
    const outcome = runTrainingTask(task);
    const verdict = promotionVerdict(outcome.primaryMetric, outcome.metrics, outcome.championMetrics);
    trainings.push({
      at: now,
      reason: due.reason,
      requestedMode: mode,
      mode: outcome.mode,
      promoted: verdict.promoted,
      trainMs: outcome.trainMs,
      rows: rows.length,
      accuracy: outcome.metrics.accuracy ?? Number.NaN,
      championAccuracy: outcome.championMetrics?.accuracy ?? null,
    });
    const version = nextVersion++;
    if (verdict.promoted) {
      const served: Uint8Array = options.refitOnPromotion === true ? runTrainingTask({ ...task, mode: 'full', heldOutFraction: 0, championArtifact: null }).artifact : outcome.artifact;
      champion = { version, artifact: served, loaded: loadCategorizer(served), accuracy: outcome.metrics.accuracy ?? Number.NaN };
    }
    // markTrained: what the decision counted is consumed, the performance window restarts.
    counters = {
      ...counters,
      sinceLastTraining: Math.max(0, counters.sinceLastTraining - (request.counts.sinceLastTraining ?? 0)),
      lastTrainedAt: Math.max(counters.lastTrainedAt ?? Number.NEGATIVE_INFINITY, now),
      performance: [],
    };
  }
  return { events, trainings, failedTrainings };
}
