import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Subscription, type Observable } from 'rxjs';
import type { RelearnConfig } from '../config/relearn-config.js';
import type { Decision } from '../domain/decision.js';
import { MODEL_KINDS, type ModelKind } from '../domain/model-kind.js';
import type { PipelineEvent } from '../pipelines/trigger-pipeline.js';
import type { ConsumerLagProbe } from '../ports/event-bus.js';
import { JOB_STATUSES, type JobQueue } from '../ports/job-queue.js';
import type { ModelRegistry } from '../ports/model-registry.js';
import { ChampionMetricsCache } from './champion-metrics-cache.js';

/** The counts an ingest role keeps (`IngestRole.stats`) that the metrics read at scrape. */
export interface IngestCounts {
  deadLettered: Record<string, number>;
  /** Records per input topic and outcome (inserted, redelivered, duplicate, dead-lettered). */
  byTopic: Record<string, Record<string, number>>;
  /** Per input topic: batches whose bad records the DLQ did not take (the partition stopped and waits). */
  deadLetterFailures?: Record<string, number>;
}

/**
 * What `observe` reads of a running system; `RelearnSystem` fits. Declared here, not
 * imported from app, so that app may import the metrics and not the other way round.
 */
export interface ObservedSystem {
  /** What the system did: decisions counted here, other events (analyses, failures) passed over. */
  readonly events$: Observable<PipelineEvent | { type: 'analysed' | 'announced' | 'component-failed' }>;
  readonly finished$: Observable<{ kind: ModelKind; status: string; trainMs?: number }>;
  readonly ingest: { readonly stats: IngestCounts; readonly topics: readonly string[] } | undefined;
  readonly trainer: object | undefined;
  readonly config: Pick<RelearnConfig, 'groups' | 'topics'>;
}

/** A consumer group and the topics whose lag is reported for it. */
export interface LagTarget {
  groupId: string;
  topics: readonly string[];
}

export interface RelearnMetricsOptions {
  jobs: JobQueue;
  registry: ModelRegistry;
  /** Reads consumer-group lag (the memory bus, or the Kafka admin in real mode); without it no lag is reported. */
  lagProbe?: ConsumerLagProbe;
  /** Groups to report besides those of the systems passed to `observe`. */
  lagTargets?: readonly LagTarget[];
  /** Node's process metrics (event-loop lag, heap, GC) with the relearn_ prefix. Default true. */
  defaultMetrics?: boolean;
  /** Jobs read per status at each scrape: the job-queue port has no count, so this bounds a scrape's cost. */
  jobScanLimit?: number;
}

export const METRIC_PREFIX = 'relearn_';
const DEFAULT_JOB_SCAN_LIMIT = 10_000;

type Labels<T extends string> = Record<T, string>;

/**
 * relearn's Prometheus metrics on a registry of its own (never prom-client's global
 * one, so two instances in one process or one test file do not collide). Counts the
 * roles already keep (ingest stats) and state in the stores (jobs, champions, lag) are
 * read at scrape time; what only streams past (decisions, finished trainings) is
 * counted from the system's subjects.
 */
export class RelearnMetrics {
  readonly registry = new Registry();
  private readonly ingestStats: (() => IngestCounts | undefined)[] = [];
  private readonly lagTargets: LagTarget[];
  private readonly subscriptions = new Subscription();
  private readonly champions: ChampionMetricsCache;
  private readonly decisions: Counter<'reason' | 'kind'>;
  private readonly trainings: Counter<'kind' | 'status'>;
  private readonly trainingSeconds: Histogram<'kind'>;
  private readonly httpSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly collectFailures: Counter<'collector'>;
  /** Scrape-time collectors running now, so the failure count can wait for them. */
  private readonly collecting = new Set<Promise<void>>();

  constructor(private readonly options: RelearnMetricsOptions) {
    const registers = [this.registry];
    this.lagTargets = [...(options.lagTargets ?? [])];
    this.champions = new ChampionMetricsCache(options.registry);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });

    this.decisions = new Counter({ name: `${METRIC_PREFIX}decisions_total`, help: 'Recorded decisions to train, by reason and model kind', labelNames: ['reason', 'kind'], registers });
    this.trainings = new Counter({ name: `${METRIC_PREFIX}trainings_total`, help: 'Finished trainings by model kind and outcome', labelNames: ['kind', 'status'], registers });
    this.trainingSeconds = new Histogram({
      name: `${METRIC_PREFIX}training_duration_seconds`,
      help: 'Time spent training in the worker, successful trainings, by model kind',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.httpSeconds = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'API requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });

    const consumed: Counter<'topic' | 'outcome'> = new Counter({
      name: `${METRIC_PREFIX}events_consumed_total`,
      help: 'Input records consumed, by topic and outcome (inserted, redelivered, duplicate, dead-lettered)',
      labelNames: ['topic', 'outcome'],
      registers,
      collect: () => this.fromIngest(consumed, (stats) => stats.byTopic, (topic, outcome) => ({ topic, outcome })),
    });
    const deadLetters: Counter<'reason'> = new Counter({
      name: `${METRIC_PREFIX}dead_letters_total`,
      help: 'Records sent to the DLQ, by reason (error code and field)',
      labelNames: ['reason'],
      registers,
      collect: () => this.fromIngest(deadLetters, (stats) => ({ all: stats.deadLettered }), (_all, reason) => ({ reason })),
    });
    const deadLetterFailures: Counter<'topic'> = new Counter({
      name: `${METRIC_PREFIX}dead_letter_failures_total`,
      help: 'Batches whose bad records could not be written to the DLQ, by input topic: their partition stops and retries until the DLQ takes them',
      labelNames: ['topic'],
      registers,
      collect: () => this.fromIngest(deadLetterFailures, (stats) => ({ all: stats.deadLetterFailures ?? {} }), (_all, topic) => ({ topic })),
    });
    const lag: Gauge<'group' | 'topic' | 'partition'> = new Gauge({
      name: `${METRIC_PREFIX}consumer_lag`,
      help: 'Records past the consumer group’s committed offset, per partition',
      labelNames: ['group', 'topic', 'partition'],
      registers,
      collect: () => this.refill(lag, 'consumer_lag', () => this.lagRows()),
    });
    const jobs: Gauge<'status' | 'kind'> = new Gauge({
      name: `${METRIC_PREFIX}jobs`,
      help: 'Training jobs by status and model kind (counted up to the scan limit per status)',
      labelNames: ['status', 'kind'],
      registers,
      collect: () => this.refill(jobs, 'jobs', () => this.jobRows()),
    });
    const championMetric: Gauge<'kind' | 'metric'> = new Gauge({
      name: `${METRIC_PREFIX}champion_metric`,
      help: 'Mean held-out metric of the current champions, by model kind and metric name',
      labelNames: ['kind', 'metric'],
      registers,
      collect: () =>
        this.refill(championMetric, 'champion_metric', async () => (await this.champions.meanMetrics()).map((row) => ({ labels: { kind: row.kind, metric: row.metric }, value: row.mean }))),
    });
    const champions: Gauge<'kind'> = new Gauge({
      name: `${METRIC_PREFIX}champions`,
      help: 'Scopes with a champion model, by model kind',
      labelNames: ['kind'],
      registers,
      collect: () =>
        this.refill(champions, 'champions', async () => {
          const pointers = await this.options.registry.champions();
          return MODEL_KINDS.map((kind) => ({ labels: { kind }, value: pointers.filter((pointer) => pointer.kind === kind).length }));
        }),
    });
    // Registered last on purpose: prom-client starts every collector of a scrape in
    // registration order before awaiting any, so this one waits for the others' outcome.
    this.collectFailures = new Counter({
      name: `${METRIC_PREFIX}metrics_collect_failures_total`,
      help: 'Scrape-time collectors that failed (a store or broker did not answer); their series are left out of that scrape',
      labelNames: ['collector'],
      registers,
      collect: async () => {
        await Promise.allSettled([...this.collecting]);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Feeds the metrics from a running system without changing it: decisions and finished
   * trainings from its subjects, ingest counts from its stats at scrape, and consumer
   * lag of the groups of the roles it runs.
   */
  observe(system: ObservedSystem): void {
    this.subscriptions.add(
      system.events$.subscribe((event) => {
        if (event.type === 'decided') this.countDecision(event.decision);
      }),
    );
    this.subscriptions.add(
      system.finished$.subscribe((finished) => {
        this.trainings.inc({ kind: finished.kind, status: finished.status });
        if (finished.status === 'succeeded' && finished.trainMs !== undefined) this.trainingSeconds.observe({ kind: finished.kind }, finished.trainMs / 1000);
      }),
    );
    this.ingestStats.push(() => system.ingest?.stats);
    const { groups, topics } = system.config;
    if (system.ingest !== undefined) this.addLagTarget({ groupId: groups.ingest, topics: system.ingest.topics });
    if (system.trainer !== undefined) this.addLagTarget({ groupId: groups.trainer, topics: [topics['training-requests']] });
  }

  /** A group given both in the options and by an observed system is probed once. */
  private addLagTarget(target: LagTarget): void {
    if (!this.lagTargets.some((known) => known.groupId === target.groupId)) this.lagTargets.push(target);
  }

  /** Decisions recorded outside the pipeline (manual requests through the API). */
  countDecision(decision: Pick<Decision, 'reason' | 'kind'>): void {
    this.decisions.inc({ reason: decision.reason, kind: decision.kind });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpSeconds.observe({ method, route, status: String(status) }, seconds);
  }

  /** Stops listening to the observed systems. */
  close(): void {
    this.subscriptions.unsubscribe();
  }

  /** Sets a counter to the sums of a per-key count table over every observed ingest role. */
  private fromIngest<T extends string>(
    counter: Counter<T>,
    select: (stats: IngestCounts) => Record<string, Record<string, number>>,
    labels: (outer: string, inner: string) => Labels<T>,
  ): void {
    const sums = new Map<string, { labels: Labels<T>; count: number }>();
    for (const read of this.ingestStats) {
      const stats = read();
      if (stats === undefined) continue;
      for (const [outer, counts] of Object.entries(select(stats))) {
        for (const [inner, count] of Object.entries(counts)) {
          const key = `${outer}\u0000${inner}`;
          sums.set(key, { labels: labels(outer, inner), count: (sums.get(key)?.count ?? 0) + count });
        }
      }
    }
    counter.reset();
    for (const { labels: set, count } of sums.values()) counter.inc(set, count);
  }

  /**
   * Replaces a gauge's series with freshly read rows. A store or broker that does not
   * answer leaves the gauge empty for this scrape and is counted, so /metrics itself
   * keeps answering.
   */
  private refill<T extends string>(gauge: Gauge<T>, collector: string, read: () => Promise<{ labels: Labels<T>; value: number }[]>): Promise<void> {
    const collecting = (async () => {
      try {
        const rows = await read();
        gauge.reset();
        for (const row of rows) gauge.set(row.labels, row.value);
      } catch {
        gauge.reset();
        this.collectFailures.inc({ collector });
      }
    })();
    this.collecting.add(collecting);
    return collecting.finally(() => this.collecting.delete(collecting));
  }

  private async lagRows(): Promise<{ labels: Labels<'group' | 'topic' | 'partition'>; value: number }[]> {
    const probe = this.options.lagProbe;
    if (probe === undefined) return [];
    const rows = [];
    for (const target of this.lagTargets) {
      for (const row of await probe.consumerLag(target.groupId, target.topics)) {
        rows.push({ labels: { group: target.groupId, topic: row.topic, partition: String(row.partition) }, value: row.lag });
      }
    }
    return rows;
  }

  private async jobRows(): Promise<{ labels: Labels<'status' | 'kind'>; value: number }[]> {
    const rows = [];
    for (const status of JOB_STATUSES) {
      const jobs = await this.options.jobs.list({ status, limit: this.options.jobScanLimit ?? DEFAULT_JOB_SCAN_LIMIT });
      for (const kind of MODEL_KINDS) rows.push({ labels: { status, kind }, value: jobs.filter((job) => job.kind === kind).length });
    }
    return rows;
  }
}
