import { Subject, merge, type Subscription } from 'rxjs';
import type { RelearnConfig } from '../config/relearn-config.js';
import type { Announcement } from '../domain/announcement.js';
import type { Decision } from '../domain/decision.js';
import { describeError } from '../domain/errors.js';
import type { ModelKind } from '../domain/model-kind.js';
import { KINDS_BY_SCOPE_TYPE } from '../domain/model-kind.js';
import { parseScope, type Scope } from '../domain/scope.js';
import type { Trigger } from '../domain/trigger.js';
import type { AvroCodec } from '../ports/avro-codec.js';
import type { Clock } from '../ports/clock.js';
import type { ScopeCounters } from '../domain/counters.js';
import type { CounterStore } from '../ports/counter-store.js';
import type { DecisionOutbox } from '../ports/decision-outbox.js';
import type { AnnouncementOutbox } from '../ports/announcement-outbox.js';
import type { EventSink, EventSource, EventSubscription, IncomingBatch, PublishedLog } from '../ports/event-bus.js';
import type { EventStore } from '../ports/event-store.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { ModelRegistry } from '../ports/model-registry.js';
import { timeTriggers, type TimeTick } from '../pipelines/time-triggers.js';
import { triggerPipeline, type PipelineEvent } from '../pipelines/trigger-pipeline.js';
import { TrainingWorkerPool } from '../training/worker-pool.js';
import { AnnouncementRelay } from './announcement-relay.js';
import { ChampionCache } from './champion-cache.js';
import { ChampionRollback } from './champion-rollback.js';
import { Decider } from './decider.js';
import { OutputCodecs } from './event-codecs.js';
import { IngestRole } from './ingest-role.js';
import { OutboxRelay } from './outbox-relay.js';
import { SheetAnalyst } from './sheet-analyst.js';
import { TrainerRole, type TrainingFinished } from './trainer-role.js';

/** The ports a system runs on; the composition root picks their adapters. */
export interface RelearnPorts {
  source: EventSource;
  sink: EventSink;
  codec: AvroCodec;
  store: EventStore;
  counters: CounterStore;
  outbox: DecisionOutbox;
  jobs: JobQueue;
  registry: ModelRegistry;
  /** The registry's announcements (ModelUpdated not yet on the topic): the same adapter as `registry`. */
  announcements: AnnouncementOutbox;
  /** The broker's log read back, so relays publish exactly once across crashes. */
  log: PublishedLog;
  clock: Clock;
}

export type Role = 'ingest' | 'trainer';

export interface SystemOptions {
  roles: ReadonlySet<Role>;
  owner: string;
  /** The longest a submitted sheet waits for its organisation's open training before it is analysed anyway. */
  trainingWaitMs: number;
  /** Unused since decisions are single-flight in the store; kept so callers' options stay valid. */
  jobPollMs?: number;
  /** Unused since ingest works a whole batch at a time. */
  ingestLanes?: number;
  /**
   * Follow `relearn.model-updates.v1` (a consumer group of this process's own), so a new
   * version or a rollback made by any process reaches this process's champion caches at
   * once; the caches then re-read the registry only every 10 minutes. Off in the embedded
   * run, whose one process learns of every change directly (and stays reproducible).
   */
  followChampionUpdates?: boolean;
}

/** How long a cached champion is trusted when model updates are followed (a safety net), and when they are not. */
const CHAMPION_TTL_FOLLOWING_MS = 10 * 60_000;
const CHAMPION_TTL_POLLING_MS = 5_000;

/** What the system did, as one stream: logs, metrics and the run report read it. */
export type SystemEvent =
  | PipelineEvent
  | { type: 'analysed'; sheetId: string; trainedBeforeAnalysis: boolean }
  | { type: 'announced'; announcement: Announcement }
  | { type: 'component-failed'; component: string; error: unknown };

/** (scope, kind) looked at per re-check tick; the rest wait for the next tick. */
const RECHECK_BATCH = 500;

/**
 * A warning as an error for the activity log: the warning's own words first, then the
 * cause's message (describeError's `message` field would otherwise replace them, and the
 * log would say only what failed, not what was done about it).
 */
export function warning(message: string, fields: Record<string, unknown>): Error {
  const { message: cause, ...rest } = fields;
  return Object.assign(new Error(typeof cause === 'string' ? `${message}: ${cause}` : message), rest);
}

/**
 * One relearn process: the roles it was asked to run, wired to the given ports. It
 * knows ports, never adapters. Decisions are made where the counts are written (ingest
 * batches) or by re-checks (ticks, manual requests) through the same decider; the work
 * that follows a committed batch (publishing decisions, analysing sheets) is in the
 * stores first and is picked up by the relay and the analyst, here or in any process.
 */
export class RelearnSystem {
  readonly ticks$ = new Subject<TimeTick>();
  readonly finished$ = new Subject<TrainingFinished>();
  readonly events$ = new Subject<SystemEvent>();
  readonly codecs: OutputCodecs;
  readonly champions: ChampionCache;
  readonly decider: Decider;
  readonly relay: OutboxRelay;
  readonly announcements: AnnouncementRelay;
  readonly rollback: ChampionRollback;
  readonly analyst: SheetAnalyst;
  readonly ingest: IngestRole | undefined;
  readonly trainer: TrainerRole | undefined;
  readonly pool: TrainingWorkerPool | undefined;
  /** Triggers submitted to the pipeline and not yet evaluated. */
  pendingWork = 0;
  /** Re-check ticks and repairs running right now. */
  activeSteps = 0;
  private readonly triggers$ = new Subject<Trigger>();
  private pipeline: Subscription | undefined;
  private championUpdates: EventSubscription | undefined;

  constructor(
    readonly ports: RelearnPorts,
    readonly config: RelearnConfig,
    readonly options: SystemOptions,
  ) {
    const failed = (component: string) => (error: unknown) => this.events$.next({ type: 'component-failed', component, error });
    this.codecs = new OutputCodecs(ports.codec, config.topics);
    this.champions = new ChampionCache(ports.registry, options.followChampionUpdates === true ? CHAMPION_TTL_FOLLOWING_MS : CHAMPION_TTL_POLLING_MS, () => Date.now(), config.caches.models);
    this.relay = new OutboxRelay(ports.outbox, ports.sink, ports.log, this.codecs, config.topics, ports.clock, failed('relay'));
    this.announcements = new AnnouncementRelay({
      outbox: ports.announcements,
      registry: ports.registry,
      sink: ports.sink,
      log: ports.log,
      codecs: this.codecs,
      topics: config.topics,
      clock: ports.clock,
      onError: failed('announcements'),
      onAnnounced: (announcement) => {
        this.championMoved(announcement.scope, announcement.kind);
        this.events$.next({ type: 'announced', announcement });
      },
    });
    this.rollback = new ChampionRollback({
      registry: ports.registry,
      clock: ports.clock,
      announce: async (scope, kind) => {
        this.championMoved(scope, kind);
        await this.announcements.kick();
      },
    });
    this.decider = new Decider({
      counters: ports.counters,
      outbox: ports.outbox,
      registry: ports.registry,
      clock: ports.clock,
      config,
      cacheCapacity: config.caches.scopes,
      onRecorded: (decisions) => {
        for (const decision of decisions) this.events$.next({ type: 'decided', decision });
        void this.relay.publishRecorded(decisions);
      },
    });
    this.analyst = new SheetAnalyst({
      store: ports.store,
      counters: ports.counters,
      champions: this.champions,
      sink: ports.sink,
      codecs: this.codecs,
      topics: config.topics,
      policies: config.policies,
      clock: ports.clock,
      trainingWaitMs: options.trainingWaitMs,
      onError: failed('analyst'),
      onAnalysed: (event) => this.events$.next({ type: 'analysed', sheetId: event.sheetId, trainedBeforeAnalysis: event.trainedBeforeAnalysis }),
      warn: (fields, message) => this.events$.next({ type: 'component-failed', component: 'analyst', error: warning(message, fields) }),
    });
    if (options.roles.has('ingest')) {
      this.ingest = new IngestRole({
        source: ports.source,
        sink: ports.sink,
        codec: ports.codec,
        store: ports.store,
        counters: ports.counters,
        champions: this.champions,
        decider: this.decider,
        topics: config.topics,
        policies: config.policies,
        groupId: config.groups.ingest,
        now: () => ports.clock.now(),
        onSheetsStored: () => void this.analyst.kick(),
        forecastLookbackMs: 20 * 7 * 86_400_000,
        maxApplyAttempts: 3,
        warn: (fields, message) => this.events$.next({ type: 'component-failed', component: 'ingest', error: warning(message, fields) }),
      });
    }
    if (options.roles.has('trainer')) {
      this.pool = new TrainingWorkerPool(config.training.workers, { resourceLimits: { maxOldGenerationSizeMb: config.training.workerMemoryMb } });
      this.trainer = new TrainerRole({
        source: ports.source,
        sink: ports.sink,
        codecs: this.codecs,
        jobs: ports.jobs,
        store: ports.store,
        counters: ports.counters,
        registry: ports.registry,
        pool: this.pool,
        clock: ports.clock,
        config,
        topics: config.topics,
        owner: options.owner,
        onCommitted: () => void this.announcements.kick(),
        onError: failed('trainer'),
        onFinished: (finished) => {
          this.championMoved(finished.scope as Scope, finished.kind);
          this.finished$.next(finished);
          // Sheets may wait on this training, and the closed decision may have a follow-up.
          void this.analyst.kick();
        },
      });
    }
  }

  /** This process's caches of the (scope, kind)'s champion are out of date. */
  private championMoved(scope: Scope, kind: ModelKind): void {
    this.champions.invalidate(scope, kind);
    this.decider.championChanged(scope, kind);
  }

  /** ModelUpdated is keyed by scope: every kind of the scope is looked up again (no decoding, so no record can fail this). */
  private onModelUpdates(batch: IncomingBatch): Promise<void> {
    for (const record of batch.records) {
      const scope = record.key === null ? undefined : parseScope(record.key);
      if (record.key === null || scope === undefined) continue;
      for (const kind of KINDS_BY_SCOPE_TYPE[scope.type]) this.championMoved(record.key as Scope, kind);
    }
    return Promise.resolve();
  }

  /** A manual or scheduled trigger for one (scope, kind), through the pipeline. */
  submit(trigger: Trigger): void {
    this.pendingWork += 1;
    this.triggers$.next(trigger);
  }

  requestTraining(scope: Scope, kind: ModelKind, options: { force?: boolean; lookbackDays?: number | null } = {}): void {
    this.submit({ scope, kind, source: 'manual', at: this.ports.clock.now(), force: options.force ?? false, lookbackDays: options.lookbackDays ?? null });
  }

  private async tracked<T>(step: () => Promise<T>): Promise<T> {
    this.activeSteps += 1;
    try {
      return await step();
    } finally {
      this.activeSteps -= 1;
    }
  }

  /**
   * The (scope, kind) whose re-check time has come. Those with an open decision are
   * repaired here instead (its record may have missed the outbox, or its job ended
   * without closing it); the others become triggers.
   */
  private candidates(tick: TimeTick): Promise<{ scope: Scope; kind: ModelKind }[]> {
    return this.tracked(async () => {
      const due = await this.ports.counters.dueForRecheck(tick.at, RECHECK_BATCH);
      const open = due.filter((counters) => counters.openDecision !== null);
      for (const counters of open) await this.repairOpenDecision(counters);
      return due.filter((counters) => counters.openDecision === null);
    });
  }

  private async repairOpenDecision(counters: ScopeCounters): Promise<void> {
    const decision = counters.openDecision as Decision;
    const { outbox, jobs, clock } = this.ports;
    await outbox.recordMany([decision]);
    const job = await jobs.get(decision.decisionId);
    const consumed = decision.counts.sinceLastTraining ?? 0;
    if (job?.status === 'succeeded') await this.ports.counters.markTrained(counters.scope, counters.kind, { requestId: decision.decisionId, consumed, trainedAt: job.finishedAt ?? clock.now() });
    else if (job?.status === 'failed') await this.ports.counters.markFailed(counters.scope, counters.kind, { requestId: decision.decisionId, consumed, failedAt: job.finishedAt ?? clock.now() });
    else if (job?.status === 'cancelled') await this.ports.counters.closeDecision(counters.scope, counters.kind, decision.decisionId, clock.now());
    else await this.decider.evaluate({ scope: counters.scope, kind: counters.kind, source: 'timer', at: clock.now() });
  }

  /** The periodic kick of what waits in the stores: unpublished decisions, pending analyses. */
  kickStoredWork(): void {
    void this.relay.kick();
    void this.announcements.kick();
    void this.analyst.kick();
  }

  async start(options: { trainerPaused?: boolean; trainerPollMs?: number } = {}): Promise<void> {
    const fromTicks$ = timeTriggers(this.ticks$, (tick) => this.candidates(tick), (error) => this.events$.next({ type: 'component-failed', component: 'recheck', error }));
    const counted$ = new Subject<Trigger>();
    this.pipeline = triggerPipeline(merge(this.triggers$, counted$), {
      evaluate: (trigger) => this.tracked(() => this.decider.evaluate(trigger)),
      onSettled: (items) => {
        this.pendingWork -= items;
      },
    }).subscribe((event) => {
      if (event.type !== 'decided') this.events$.next(event);
    });
    this.pipeline.add(
      fromTicks$.subscribe((trigger) => {
        this.pendingWork += 1;
        counted$.next(trigger);
      }),
    );
    this.kickStoredWork();
    if (this.options.followChampionUpdates === true && this.ingest !== undefined) {
      this.championUpdates = await this.ports.source.subscribe(
        { groupId: `${this.config.groups.ingest}.champions.${this.options.owner}`, topics: [this.config.topics['model-updates']], fromBeginning: false },
        (batch) => this.onModelUpdates(batch),
      );
    }
    await this.trainer?.start({ paused: options.trainerPaused ?? false, ...(options.trainerPollMs === undefined ? {} : { pollMs: options.trainerPollMs }) });
    await this.ingest?.start();
  }

  /** Nothing in flight in this process: no trigger, re-check, relay run or analysis run. */
  get idle(): boolean {
    return this.pendingWork === 0 && this.activeSteps === 0 && this.relay.idle && this.announcements.idle && this.analyst.idle;
  }

  /** `trainingGraceMs`: how long running trainings may take to finish before their jobs are handed back. */
  async stop(options: { trainingGraceMs?: number } = {}): Promise<void> {
    await this.ingest?.stop();
    await this.championUpdates?.stop();
    await this.trainer?.stop(options.trainingGraceMs === undefined ? {} : { graceMs: options.trainingGraceMs });
    this.pipeline?.unsubscribe();
    await this.relay.kick();
    await this.announcements.kick();
    await this.pool?.close();
  }
}

/** A component failure as a log line's fields. */
export function describeSystemFailure(event: Extract<SystemEvent, { type: 'component-failed' }>): Record<string, unknown> {
  return { component: event.component, ...describeError(event.error) };
}
