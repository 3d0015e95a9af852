import { Subject, filter, from, map, merge, switchMap, take, timer, type Observable, type Subscription } from 'rxjs';
import type { RelearnConfig } from '../config/relearn-config.js';
import type { Decision } from '../domain/decision.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import type { AvroCodec } from '../ports/avro-codec.js';
import type { Clock } from '../ports/clock.js';
import type { CounterStore } from '../ports/counter-store.js';
import type { DecisionOutbox } from '../ports/decision-outbox.js';
import type { EventSink, EventSource } from '../ports/event-bus.js';
import type { EventStore } from '../ports/event-store.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { ModelRegistry } from '../ports/model-registry.js';
import type { GroupWork } from '../pipelines/group-work.js';
import { timeTriggers, type TimeTick } from '../pipelines/time-triggers.js';
import { triggerPipeline, type PipelineEvent, type TrainingResult } from '../pipelines/trigger-pipeline.js';
import { TrainingWorkerPool } from '../training/worker-pool.js';
import { ChampionCache } from './champion-cache.js';
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
  clock: Clock;
}

export type Role = 'ingest' | 'trainer';

export interface SystemOptions {
  roles: ReadonlySet<Role>;
  owner: string;
  /** The longest a group waits for a training before it stops waiting (the job keeps its own lease). */
  trainingWaitMs: number;
  /** Real mode polls the job queue for outcomes decided in other processes; 0 disables. */
  jobPollMs: number;
  /** Scopes of one ingested batch applied side by side (see IngestRole); default 1. */
  ingestLanes?: number;
}

/**
 * One relearn process: the roles it was asked to run, wired to the given ports. It
 * knows ports, never adapters.
 */
export class RelearnSystem {
  readonly work$ = new Subject<GroupWork>();
  readonly ticks$ = new Subject<TimeTick>();
  readonly finished$ = new Subject<TrainingFinished>();
  readonly events$ = new Subject<PipelineEvent>();
  readonly codecs: OutputCodecs;
  readonly champions: ChampionCache;
  readonly decider: Decider;
  readonly relay: OutboxRelay;
  readonly analyst: SheetAnalyst;
  readonly ingest: IngestRole | undefined;
  readonly trainer: TrainerRole | undefined;
  readonly pool: TrainingWorkerPool | undefined;
  /** Work items emitted but not yet fully processed (evaluated, trained, analysed). */
  pendingWork = 0;
  /** Async steps running right now that are not waiting on a training. */
  activeSteps = 0;
  private pipeline: Subscription | undefined;

  constructor(
    readonly ports: RelearnPorts,
    readonly config: RelearnConfig,
    readonly options: SystemOptions,
  ) {
    this.codecs = new OutputCodecs(ports.codec, config.topics);
    this.champions = new ChampionCache(ports.registry);
    this.relay = new OutboxRelay(ports.outbox, ports.sink, this.codecs, config.topics, ports.clock);
    this.decider = new Decider({
      counters: ports.counters,
      outbox: ports.outbox,
      registry: ports.registry,
      clock: ports.clock,
      config,
      onRecorded: () => void this.tracked(() => this.relay.kick()),
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
    });
    if (options.roles.has('ingest')) {
      this.ingest = new IngestRole({
        source: ports.source,
        sink: ports.sink,
        codec: ports.codec,
        store: ports.store,
        counters: ports.counters,
        champions: this.champions,
        topics: config.topics,
        policies: config.policies,
        groupId: config.groups.ingest,
        emit: (work) => this.submit(work),
        laneConcurrency: options.ingestLanes ?? 1,
      });
    }
    if (options.roles.has('trainer')) {
      this.pool = new TrainingWorkerPool(config.training.workers);
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
        onFinished: (finished) => {
          this.champions.invalidate(finished.scope as Scope, finished.kind);
          this.finished$.next(finished);
        },
      });
    }
  }

  /** Feeds one trigger or analysis request into the pipeline. */
  submit(work: GroupWork): void {
    this.pendingWork += 1;
    this.work$.next(work);
  }

  requestTraining(scope: Scope, kind: ModelKind, options: { force?: boolean; lookbackDays?: number | null } = {}): void {
    this.submit({ type: 'trigger', trigger: { scope, kind, source: 'manual', at: this.ports.clock.now(), force: options.force ?? false, lookbackDays: options.lookbackDays ?? null } });
  }

  private async tracked<T>(step: () => Promise<T>): Promise<T> {
    this.activeSteps += 1;
    try {
      return await step();
    } finally {
      this.activeSteps -= 1;
    }
  }

  private awaitTraining(decision: Decision): Observable<TrainingResult> {
    const byOutcome$ = this.finished$.pipe(
      filter((finished) => finished.requestId === decision.decisionId),
      map((finished): TrainingResult => ({ status: finished.status, requestId: finished.requestId })),
    );
    const sources: Observable<TrainingResult>[] = [byOutcome$, timer(this.options.trainingWaitMs).pipe(map((): TrainingResult => ({ status: 'timed-out', requestId: decision.decisionId })))];
    if (this.options.jobPollMs > 0) {
      // Another process may run the training: its outcome is in the shared job queue.
      sources.push(
        timer(this.options.jobPollMs, this.options.jobPollMs).pipe(
          switchMap(() => from(this.ports.jobs.get(decision.decisionId))),
          filter((job) => job !== null && (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled')),
          map((job): TrainingResult => ({ status: job?.status === 'succeeded' ? 'succeeded' : job?.status === 'cancelled' ? 'cancelled' : 'failed', requestId: decision.decisionId })),
        ),
      );
    }
    return merge(...sources).pipe(take(1));
  }

  private candidates(tick: TimeTick): Promise<{ scope: Scope; kind: ModelKind }[]> {
    return this.tracked(async () => {
      const rows = await this.ports.counters.list();
      return rows.filter((counters) => {
        const policy = this.config.policies[counters.kind];
        if (counters.lastTrainedAt === null) return false;
        const elapsed = tick.at - counters.lastTrainedAt;
        const timeRule = counters.sinceLastTraining >= policy.minNewData && elapsed >= policy.minIntervalMs;
        const cooledDown = counters.performance.length >= policy.minPerformanceSamples && elapsed >= policy.performanceCooldownMs;
        return timeRule || cooledDown;
      });
    });
  }

  async start(options: { trainerPaused?: boolean; trainerPollMs?: number } = {}): Promise<void> {
    const ticks$ = timeTriggers(this.ticks$, (tick) => this.candidates(tick)).pipe(
      map((work) => {
        this.pendingWork += 1;
        return work;
      }),
    );
    this.pipeline = triggerPipeline(merge(this.work$, ticks$), {
      evaluate: (trigger) => this.tracked(() => this.decider.evaluate(trigger)),
      awaitTraining: (decision) => this.awaitTraining(decision),
      analyse: (request, trained) => this.tracked(() => this.analyst.analyse(request, trained)).then(() => undefined),
      onSettled: (items) => {
        this.pendingWork -= items;
      },
    }).subscribe((event) => this.events$.next(event));
    await this.relay.kick();
    await this.trainer?.start({ paused: options.trainerPaused ?? false, ...(options.trainerPollMs === undefined ? {} : { pollMs: options.trainerPollMs }) });
    await this.ingest?.start();
  }

  async stop(): Promise<void> {
    await this.ingest?.stop();
    await this.trainer?.stop();
    this.pipeline?.unsubscribe();
    await this.relay.kick();
    await this.pool?.close();
  }
}
