import type { INPUT_ROLES, TopicNames } from '../contract/topic-definitions.js';
import type { CounterDelta } from '../domain/counters.js';
import { isRelearnError } from '../domain/errors.js';
import { validateInputEvent } from '../domain/event-validation.js';
import type { ExpenseRecorded, InputEvent, InputEventType, LabelRecorded, SheetSubmitted, TransactionRecorded } from '../domain/events.js';
import { weekIndex } from '../domain/features/weekly-spend.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { RetrainPolicies } from '../domain/policy-config.js';
import { orgScope, userScope, type Scope } from '../domain/scope.js';
import type { AvroCodec } from '../ports/avro-codec.js';
import type { CounterGuard, CounterStore } from '../ports/counter-store.js';
import type { EventSink, EventSource, EventSubscription, IncomingBatch, IncomingRecord } from '../ports/event-bus.js';
import type { EventPosition, EventStore, StoredTransaction } from '../ports/event-store.js';
import type { GroupWork } from '../pipelines/group-work.js';
import { loadCategorizer } from '../training/trainers/categorizer-trainer.js';
import { loadForecaster } from '../training/trainers/forecaster-trainer.js';
import type { ChampionCache } from './champion-cache.js';
import { sendToDeadLetter } from './dead-letter.js';
import { closedWeekErrorRatio, prequentialSample } from './live-performance.js';

export interface IngestStats {
  ingested: number;
  duplicates: number;
  redelivered: number;
  deadLettered: Record<string, number>;
  /** Records per input topic and outcome (inserted, redelivered, duplicate, dead-lettered), for metrics. */
  byTopic: Record<string, Record<string, number>>;
}

export interface IngestRoleDeps {
  source: EventSource;
  sink: EventSink;
  codec: AvroCodec;
  store: EventStore;
  counters: CounterStore;
  champions: ChampionCache;
  topics: TopicNames;
  policies: RetrainPolicies;
  groupId: string;
  /** Where triggers and analysis requests go (the trigger pipeline's input). */
  emit: (work: GroupWork) => void;
  /** Scopes of one batch applied side by side; default 1 (one record at a time, as the embedded run wants). */
  laneConcurrency?: number;
}

/** The scope whose counters an event moves: its records must be applied in order. */
function laneOf(input: InputEvent): string {
  switch (input.type) {
    case 'transaction':
      return userScope(input.event.userId);
    case 'expense':
    case 'sheet':
      return orgScope(input.event.orgId);
    case 'label':
      return `${input.event.scope.type}:${input.event.scope.id}`;
  }
}

const TYPE_BY_ROLE: Readonly<Record<(typeof INPUT_ROLES)[number], InputEventType>> = {
  transactions: 'transaction',
  expenses: 'expense',
  'expense-sheets': 'sheet',
  labels: 'label',
};

/**
 * Consumes the input topics: decode, validate, store idempotently, update the counters
 * (guarded by offset) and emit triggers. A bad record goes to the DLQ and the batch
 * moves on; an infrastructure failure rejects the batch so its offsets stay uncommitted.
 */
export class IngestRole {
  readonly stats: IngestStats = { ingested: 0, duplicates: 0, redelivered: 0, deadLettered: {}, byTopic: {} };
  private subscription: EventSubscription | undefined;
  private readonly typeByTopic: Map<string, InputEventType>;

  constructor(private readonly deps: IngestRoleDeps) {
    this.typeByTopic = new Map(Object.entries(TYPE_BY_ROLE).map(([role, type]) => [deps.topics[role as keyof typeof TYPE_BY_ROLE], type]));
  }

  get topics(): string[] {
    return [...this.typeByTopic.keys()];
  }

  async start(): Promise<void> {
    this.subscription = await this.deps.source.subscribe({ groupId: this.deps.groupId, topics: this.topics, fromBeginning: true }, (batch) => this.handleBatch(batch));
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /**
   * Decodes the batch, dead-letters what is bad, then applies the rest in lanes: one lane
   * per scope, records in offset order within it, lanes side by side (up to
   * `laneConcurrency`). A scope's counters are guarded by the last applied offset, so its
   * records must stay in order; different scopes share nothing and need not wait on each
   * other's database round trips.
   */
  async handleBatch(batch: IncomingBatch): Promise<void> {
    const lanes = new Map<string, { record: IncomingRecord; input: InputEvent }[]>();
    for (const record of batch.records) {
      const input = await this.decodeRecord(record);
      if (input === null) continue;
      const lane = laneOf(input);
      const queue = lanes.get(lane);
      if (queue === undefined) lanes.set(lane, [{ record, input }]);
      else queue.push({ record, input });
    }
    const queues = [...lanes.values()];
    const runLane = async (): Promise<void> => {
      for (let queue = queues.shift(); queue !== undefined; queue = queues.shift()) {
        for (const { record, input } of queue) await this.applyRecord(record, input);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.laneConcurrency ?? 1, queues.length) }, runLane));
  }

  /** The validated event, or null after sending the record to the DLQ with its reason. */
  private async decodeRecord(record: IncomingRecord): Promise<InputEvent | null> {
    const type = this.typeByTopic.get(record.topic);
    if (type === undefined) return null;
    try {
      if (record.value === null || record.value.length === 0) throw new Error('record has no value');
      return validateInputEvent(type, await this.deps.codec.decode(record.value));
    } catch (error) {
      if (isRelearnError(error) && error.retriable) throw error;
      const reason = await sendToDeadLetter(this.deps.sink, this.deps.topics.dlq, record, error);
      this.stats.deadLettered[reason] = (this.stats.deadLettered[reason] ?? 0) + 1;
      this.countByTopic(record.topic, 'dead-lettered');
      return null;
    }
  }

  private async applyRecord(record: IncomingRecord, input: InputEvent): Promise<void> {
    const position: EventPosition = { topic: record.topic, partition: record.partition, offset: record.offset };
    const guard: CounterGuard = { stream: `${record.topic}/${record.partition}`, offset: Number(record.offset) };
    const outcome = await this.apply(input, position, guard);
    this.countByTopic(record.topic, outcome);
    if (outcome === 'duplicate') this.stats.duplicates += 1;
    else {
      if (outcome === 'redelivered') this.stats.redelivered += 1;
      this.stats.ingested += 1;
    }
  }

  private countByTopic(topic: string, outcome: string): void {
    const counts = (this.stats.byTopic[topic] ??= {});
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }

  private async apply(input: InputEvent, position: EventPosition, guard: CounterGuard): Promise<string> {
    switch (input.type) {
      case 'transaction':
        return this.applyTransaction(input.event, position, guard);
      case 'expense':
        return this.applyExpense(input.event, position, guard);
      case 'sheet':
        return this.applySheet(input.event, position, guard);
      case 'label':
        return this.applyLabel(input.event, position, guard);
    }
  }

  private async count(scope: Scope, kind: ModelKind, delta: CounterDelta, guard: CounterGuard, at: number): Promise<void> {
    await this.deps.counters.apply(scope, kind, delta, guard);
    const source = delta.performanceSample === undefined ? 'count' : 'performance';
    this.deps.emit({ type: 'trigger', trigger: { scope, kind, source, at } });
  }

  private async categorizerSample(scope: Scope, transaction: StoredTransaction): Promise<Partial<CounterDelta>> {
    const champion = await this.deps.champions.get(scope, 'categorizer', loadCategorizer);
    if (champion === null) return {};
    const sample = prequentialSample(champion.model, transaction);
    return sample === undefined ? {} : { performanceSample: sample, performanceWindow: this.deps.policies.categorizer.performanceWindow };
  }

  private async forecasterSample(scope: Scope, event: TransactionRecorded): Promise<Partial<CounterDelta>> {
    const champion = await this.deps.champions.get(scope, 'forecaster', loadForecaster);
    if (champion === null) return {};
    const counters = await this.deps.counters.get(scope, 'forecaster');
    if (counters?.lastEventAt == null) return {};
    const closedWeek = weekIndex(counters.lastEventAt);
    if (weekIndex(event.occurredAt) <= closedWeek) return {};
    // A new week began: judge the week that just closed against the seasonal-naive baseline.
    const history = await this.deps.store.transactions(event.userId, { since: counters.lastEventAt - 20 * 7 * 86_400_000 });
    const ratio = closedWeekErrorRatio(champion.model, history, closedWeek);
    return ratio === undefined ? {} : { performanceSample: ratio, performanceWindow: this.deps.policies.forecaster.performanceWindow };
  }

  private async applyTransaction(event: TransactionRecorded, position: EventPosition, guard: CounterGuard): Promise<string> {
    const scope = userScope(event.userId);
    const forecast = await this.forecasterSample(scope, event);
    const { outcome, labeled } = await this.deps.store.appendTransaction(event, position);
    if (outcome === 'duplicate') return outcome;
    await this.count(scope, 'forecaster', { total: 1, sinceLastTraining: 1, eventTime: event.occurredAt, ...forecast }, guard, event.occurredAt);
    if (labeled) {
      const stored: StoredTransaction = { ...event, label: event.category };
      const sample = await this.categorizerSample(scope, stored);
      await this.count(scope, 'categorizer', { total: 1, sinceLastTraining: 1, eventTime: event.occurredAt, ...sample }, guard, event.occurredAt);
    }
    return outcome;
  }

  private async applyExpense(event: ExpenseRecorded, position: EventPosition, guard: CounterGuard): Promise<string> {
    const { outcome } = await this.deps.store.appendExpense(event, position);
    if (outcome === 'duplicate') return outcome;
    // Expenses count towards the first model's 50 rows; sheets are what retrains count.
    await this.deps.counters.apply(orgScope(event.orgId), 'anomaly', { total: 1, eventTime: event.occurredAt }, guard);
    return outcome;
  }

  private async applySheet(event: SheetSubmitted, position: EventPosition, guard: CounterGuard): Promise<string> {
    const { outcome } = await this.deps.store.appendSheet(event, position);
    if (outcome === 'duplicate') return outcome;
    const scope = orgScope(event.orgId);
    await this.deps.counters.apply(scope, 'anomaly', { sheets: 1, sinceLastTraining: 1, eventTime: event.submittedAt }, guard);
    // One work item: the group first checks whether a retrain is due, then analyses (train before analysis).
    this.deps.emit({
      type: 'analyse',
      sheetId: event.sheetId,
      orgId: event.orgId,
      at: event.submittedAt,
      trigger: { scope, kind: 'anomaly', source: 'count', at: event.submittedAt },
    });
    return outcome;
  }

  private async applyLabel(event: LabelRecorded, position: EventPosition, guard: CounterGuard): Promise<string> {
    const { outcome, newlyLabeled, item } = await this.deps.store.appendLabel(event, position);
    if (outcome === 'duplicate') return outcome;
    if (event.scope.type === 'user' && newlyLabeled && item !== null && 'transactionId' in item) {
      const scope = userScope(event.scope.id);
      const sample = await this.categorizerSample(scope, item);
      await this.count(scope, 'categorizer', { total: 1, sinceLastTraining: 1, eventTime: item.occurredAt, ...sample }, guard, event.recordedAt);
    }
    return outcome;
  }
}
