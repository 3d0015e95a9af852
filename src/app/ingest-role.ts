import type { INPUT_ROLES, TopicNames } from '../contract/topic-definitions.js';
import type { CounterDelta, ScopeCounters } from '../domain/counters.js';
import { describeError, isRelearnError } from '../domain/errors.js';
import { validateInputEvent } from '../domain/event-validation.js';
import type { InputEvent, InputEventType } from '../domain/events.js';
import { weekIndex } from '../domain/features/weekly-spend.js';
import { inputScope } from '../domain/input-event-keys.js';
import type { RetrainPolicies } from '../domain/policy-config.js';
import { userScope, type Scope } from '../domain/scope.js';
import { modelKey } from '../domain/store-keys.js';
import type { AvroCodec } from '../ports/avro-codec.js';
import type { CounterEntry, CounterStore } from '../ports/counter-store.js';
import type { EventSink, EventSource, EventSubscription, IncomingBatch, IncomingRecord } from '../ports/event-bus.js';
import type { AppendResult, EventStore, StoredTransaction } from '../ports/event-store.js';
import { loadCategorizer } from '../training/trainers/categorizer-trainer.js';
import { isSpending } from '../domain/features/weekly-spend.js';
import { loadForecaster } from '../training/trainers/forecaster-trainer.js';
import type { ChampionCache } from './champion-cache.js';
import type { Decider } from './decider.js';
import { DeadLetters } from './dead-letters.js';
import { closedWeekErrorRatio, prequentialSample } from './live-performance.js';

export interface IngestStats {
  ingested: number;
  duplicates: number;
  redelivered: number;
  deadLettered: Record<string, number>;
  /** Records per input topic and outcome (inserted, redelivered, duplicate, dead-lettered), for metrics. */
  byTopic: Record<string, Record<string, number>>;
  /** Live-performance samples skipped because the champion could not be loaded (a corrupt artifact). */
  samplesSkipped: number;
  /** Per input topic: batches whose bad records the DLQ did not take, so their partition stopped and waits. */
  deadLetterFailures: Record<string, number>;
}

export interface IngestRoleDeps {
  source: EventSource;
  sink: EventSink;
  codec: AvroCodec;
  store: EventStore;
  counters: CounterStore;
  champions: ChampionCache;
  decider: Decider;
  topics: TopicNames;
  policies: RetrainPolicies;
  groupId: string;
  now: () => number;
  /** A batch stored sheets: their analyses wait in the store, the analyst may look now. */
  onSheetsStored: () => void;
  /** How far back the forecaster's closed-week check reads a user's transactions. */
  forecastLookbackMs: number;
  /** Attempts of a batch that fails with a non-retriable error before its records are applied one by one. */
  maxApplyAttempts: number;
  warn: (fields: Record<string, unknown>, message: string) => void;
}

const TYPE_BY_ROLE: Readonly<Record<(typeof INPUT_ROLES)[number], InputEventType>> = {
  transactions: 'transaction',
  expenses: 'expense',
  'expense-sheets': 'sheet',
  labels: 'label',
};

/**
 * How old a view of the counters may be when a batch looks up which champions to take live-
 * performance samples from: a process's own writes of the last seconds need no read. A
 * training that ends meanwhile is seen one batch later (its counters write fails the
 * batch's compare-and-set, which reads them again); the counts themselves are never stale.
 */
const COUNTERS_MAX_AGE_MS = 5_000;

interface Decoded {
  record: IncomingRecord;
  input: InputEvent;
}

/**
 * Consumes the input topics a Kafka batch at a time: decode and validate every record
 * (bad ones to the DLQ, once each), store the events with one bulk insert, sum the counter
 * changes per (scope, kind), apply them and decide in one atomic update per (scope, kind),
 * record the decisions in the outbox, and only then let the batch's offsets be committed.
 * Sheets wait for their analysis in the store. A failure of MongoDB, Kafka or the registry
 * rejects the batch (the partition backs off and is redelivered); a record that keeps
 * failing for any other reason is isolated and dead-lettered after `maxApplyAttempts`.
 */
export class IngestRole {
  readonly stats: IngestStats = { ingested: 0, duplicates: 0, redelivered: 0, deadLettered: {}, byTopic: {}, samplesSkipped: 0, deadLetterFailures: {} };
  private subscription: EventSubscription | undefined;
  private readonly typeByTopic: Map<string, InputEventType>;
  private readonly deadLetters: DeadLetters;
  /** Failed attempts per batch start position: a poisoned batch is isolated after a few. */
  private readonly failedAttempts = new Map<string, number>();

  constructor(private readonly deps: IngestRoleDeps) {
    this.typeByTopic = new Map(Object.entries(TYPE_BY_ROLE).map(([role, type]) => [deps.topics[role as keyof typeof TYPE_BY_ROLE], type]));
    this.deadLetters = new DeadLetters(deps.sink, deps.store, deps.topics.dlq, deps.now, (topic) => {
      this.stats.deadLetterFailures[topic] = (this.stats.deadLetterFailures[topic] ?? 0) + 1;
    });
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

  async handleBatch(batch: IncomingBatch): Promise<void> {
    const first = batch.records[0];
    if (first === undefined) return;
    const attemptKey = `${batch.topic}/${batch.partition}/${first.offset}`;
    try {
      await this.applyRecords(batch.records);
      this.failedAttempts.delete(attemptKey);
    } catch (error) {
      if (isRelearnError(error) && error.retriable) throw error;
      // Not the infrastructure: something in the records. Retry the batch a few times (it
      // may be a race), then apply its records one by one so only the bad ones go to the DLQ.
      const attempts = (this.failedAttempts.get(attemptKey) ?? 0) + 1;
      this.failedAttempts.set(attemptKey, attempts);
      if (this.failedAttempts.size > 1_000) this.failedAttempts.clear();
      if (attempts < this.deps.maxApplyAttempts) throw error;
      this.deps.warn({ topic: batch.topic, partition: batch.partition, firstOffset: first.offset, attempts, ...describeError(error) }, 'batch keeps failing; applying its records one by one');
      for (const record of batch.records) {
        try {
          await this.applyRecords([record]);
        } catch (recordError) {
          if (isRelearnError(recordError) && recordError.retriable) throw recordError;
          await this.deadLetters.send([{ record, error: recordError }]);
          this.countDeadLetter(record, recordError);
        }
      }
      this.failedAttempts.delete(attemptKey);
    }
  }

  /** Records of one partition, in offset order. */
  private async applyRecords(records: readonly IncomingRecord[]): Promise<void> {
    const decoded: Decoded[] = [];
    const bad: { record: IncomingRecord; error: unknown }[] = [];
    // Decoded one after another: the codec compiles a schema once, and the first record of a new schema id pays for it.
    for (const record of records) {
      const result = await this.decode(record);
      if ('input' in result) decoded.push({ record, input: result.input });
      else bad.push({ record, error: result.error });
    }
    if (bad.length > 0) {
      await this.deadLetters.send(bad);
      for (const { record, error } of bad) this.countDeadLetter(record, error);
    }
    if (decoded.length === 0) return;
    const results = await this.deps.store.appendBatch(decoded.map(({ record, input }) => ({ input, position: { topic: record.topic, partition: record.partition, offset: record.offset } })));
    const entries = await this.counterEntries(decoded, results);
    const first = decoded[0] as Decoded;
    await this.deps.decider.applyBatch(`${first.record.topic}/${first.record.partition}`, entries, this.deps.now());
    if (decoded.some(({ input }, index) => input.type === 'sheet' && results[index]?.outcome !== 'duplicate')) this.deps.onSheetsStored();
    for (const [index, { record }] of decoded.entries()) {
      const outcome = results[index]?.outcome ?? 'duplicate';
      this.countByTopic(record.topic, outcome);
      if (outcome === 'duplicate') this.stats.duplicates += 1;
      else {
        if (outcome === 'redelivered') this.stats.redelivered += 1;
        this.stats.ingested += 1;
      }
    }
  }

  private async decode(record: IncomingRecord): Promise<{ input: InputEvent } | { error: unknown }> {
    const type = this.typeByTopic.get(record.topic);
    if (type === undefined) return { error: new Error(`no input type for topic ${record.topic}`) };
    try {
      if (record.value === null || record.value.length === 0) throw new Error('record has no value');
      return { input: validateInputEvent(type, await this.deps.codec.decode(record.value)) };
    } catch (error) {
      if (isRelearnError(error) && error.retriable) throw error;
      return { error };
    }
  }

  private countDeadLetter(record: IncomingRecord, error: unknown): void {
    const reason = DeadLetters.reasonOf(error);
    this.stats.deadLettered[reason] = (this.stats.deadLettered[reason] ?? 0) + 1;
    this.countByTopic(record.topic, 'dead-lettered');
  }

  private countByTopic(topic: string, outcome: string): void {
    const counts = (this.stats.byTopic[topic] ??= {});
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }

  /** What each stored event adds to which counters. Duplicates add nothing; `fresh` marks events stored for the first time. */
  private async counterEntries(decoded: readonly Decoded[], results: readonly AppendResult[]): Promise<CounterEntry[]> {
    const entries: CounterEntry[] = [];
    const counters = await this.countersBefore(decoded, results);
    const [categorizers, forecasts] = await Promise.all([this.trainedChampions(counters, 'categorizer', loadCategorizer), this.forecastSamples(decoded, results, counters)]);
    const sample = (scope: Scope, item: StoredTransaction): Partial<CounterDelta> => {
      const champion = categorizers.get(scope);
      const hit = champion === undefined ? undefined : prequentialSample(champion, item);
      return hit === undefined ? {} : { performanceSample: hit, performanceWindow: this.deps.policies.categorizer.performanceWindow };
    };
    for (const [index, { record, input }] of decoded.entries()) {
      const result = results[index];
      if (result === undefined || result.outcome === 'duplicate') continue;
      const offset = Number(record.offset);
      const fresh = result.outcome === 'inserted';
      const scope = inputScope(input);
      const add = (kind: CounterEntry['kind'], delta: CounterDelta) => entries.push({ scope, kind, offset, fresh, delta });
      switch (input.type) {
        case 'transaction': {
          // The forecaster learns from spending only: other rows count nothing toward it, but still carry its live-performance sample.
          const spends = isSpending(input.event) ? 1 : 0;
          const forecast = forecasts.get(index);
          if (spends === 1 || forecast !== undefined) add('forecaster', { total: spends, sinceLastTraining: spends, eventTime: input.event.occurredAt, ...(forecast ?? {}) });
          if (result.labeled && result.item !== null) add('categorizer', { total: 1, sinceLastTraining: 1, eventTime: input.event.occurredAt, ...sample(scope, result.item as StoredTransaction) });
          break;
        }
        case 'label':
          if (input.event.scope.type === 'user' && result.labeled && result.item !== null) {
            add('categorizer', { total: 1, sinceLastTraining: 1, eventTime: result.item.occurredAt, ...sample(scope, result.item as StoredTransaction) });
          }
          break;
        case 'expense':
          // Expenses count towards the first model's rows; sheets are what retrains count.
          add('anomaly', { total: 1, eventTime: input.event.occurredAt });
          break;
        case 'sheet':
          add('anomaly', { sheets: 1, sinceLastTraining: 1, eventTime: input.event.submittedAt });
          break;
      }
    }
    return entries;
  }

  /**
   * The counters, as they are before this batch, of the batch's users whose champions may
   * take a live-performance sample: categorizers of users with a labeled row in the batch,
   * forecasters of users with a transaction. One read for both kinds.
   */
  private async countersBefore(decoded: readonly Decoded[], results: readonly AppendResult[]): Promise<Map<string, ScopeCounters>> {
    const keys = new Map<string, { scope: Scope; kind: 'categorizer' | 'forecaster' }>();
    const want = (scope: Scope, kind: 'categorizer' | 'forecaster') => keys.set(modelKey(scope, kind), { scope, kind });
    for (const [index, { input }] of decoded.entries()) {
      const result = results[index];
      if (result === undefined || result.outcome === 'duplicate') continue;
      if (input.type === 'transaction') want(inputScope(input), 'forecaster');
      if (result.labeled && (input.type === 'transaction' || (input.type === 'label' && input.event.scope.type === 'user'))) want(inputScope(input), 'categorizer');
    }
    if (keys.size === 0) return new Map();
    const rows = await this.deps.counters.getMany([...keys.values()], { maxAgeMs: COUNTERS_MAX_AGE_MS });
    return new Map(rows.filter((row) => keys.has(modelKey(row.scope, row.kind))).map((row) => [modelKey(row.scope, row.kind), row]));
  }

  /** The loaded champions of one kind for the scopes among `counters` that ever trained, looked up side by side. */
  private async trainedChampions<T>(counters: ReadonlyMap<string, ScopeCounters>, kind: 'categorizer' | 'forecaster', load: (artifact: Uint8Array) => T): Promise<Map<Scope, T>> {
    const champions = new Map<Scope, T>();
    const trained = [...counters.values()].filter((row) => row.kind === kind && row.lastTrainedAt !== null).map((row) => row.scope);
    await Promise.all(
      trained.map(async (scope) => {
        const champion = await this.champion(scope, kind, load);
        if (champion !== null) champions.set(scope, champion.model);
      }),
    );
    return champions;
  }

  private async champion<T>(scope: Scope, kind: 'categorizer' | 'forecaster', load: (artifact: Uint8Array) => T): Promise<{ model: T } | null> {
    try {
      return await this.deps.champions.get(scope, kind, load);
    } catch (error) {
      if (isRelearnError(error) && error.retriable) throw error;
      // A champion that cannot be read is the model's problem, not the record's: the event still counts.
      this.stats.samplesSkipped += 1;
      this.deps.warn({ scope, kind, ...describeError(error) }, 'champion cannot be loaded; live-performance sample skipped');
      return null;
    }
  }

  /**
   * The forecaster's live performance: when a user's transactions enter a new week, the
   * closed week is judged against the seasonal-naive baseline. Looked at once per user
   * per batch, only for users with a forecaster champion.
   */
  private async forecastSamples(decoded: readonly Decoded[], results: readonly AppendResult[], counters: ReadonlyMap<string, ScopeCounters>): Promise<Map<number, Partial<CounterDelta>>> {
    const samples = new Map<number, Partial<CounterDelta>>();
    const champions = await this.trainedChampions(counters, 'forecaster', loadForecaster);
    if (champions.size === 0) return samples;
    const byUser = new Map<string, number[]>();
    for (const [index, { input }] of decoded.entries()) {
      if (input.type !== 'transaction' || results[index]?.outcome === 'duplicate' || !champions.has(userScope(input.event.userId))) continue;
      const list = byUser.get(input.event.userId) ?? [];
      list.push(index);
      byUser.set(input.event.userId, list);
    }
    for (const [userId, indexes] of byUser) {
      const scope = userScope(userId);
      const champion = champions.get(scope);
      if (champion === undefined) continue;
      let lastEventAt = counters.get(modelKey(scope, 'forecaster'))?.lastEventAt ?? null;
      for (const index of indexes) {
        const input = decoded[index]?.input;
        if (input?.type !== 'transaction' || lastEventAt === null) continue;
        const closedWeek = weekIndex(lastEventAt);
        if (weekIndex(input.event.occurredAt) > closedWeek) {
          const history = await this.deps.store.transactions(userId, { since: lastEventAt - this.deps.forecastLookbackMs });
          const ratio = closedWeekErrorRatio(champion, history, closedWeek);
          if (ratio !== undefined) samples.set(index, { performanceSample: ratio, performanceWindow: this.deps.policies.forecaster.performanceWindow });
        }
        lastEventAt = Math.max(lastEventAt, input.event.occurredAt);
      }
    }
    return samples;
  }
}
