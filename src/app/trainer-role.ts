import type { RelearnConfig } from '../config/relearn-config.js';
import type { TopicNames } from '../contract/topic-definitions.js';
import { describeError, isRelearnError, RelearnError } from '../domain/errors.js';
import type { TrainingRequested } from '../domain/events.js';
import { fnv1a } from '../domain/features/text-hash.js';
import type { Clock } from '../ports/clock.js';
import type { CounterStore } from '../ports/counter-store.js';
import type { EventSink, EventSource, EventSubscription, IncomingBatch } from '../ports/event-bus.js';
import type { EventStore, StoredExpense, StoredTransaction } from '../ports/event-store.js';
import type { JobLease, JobQueue } from '../ports/job-queue.js';
import type { ModelRegistry, ModelVersion } from '../ports/model-registry.js';
import type { Scope } from '../domain/scope.js';
import { promotionVerdict } from '../training/promotion-gate.js';
import { FORECASTER_ENGINE } from '../training/trainers/forecaster-trainer.js';
import type { TrainingTask } from '../training/training-task.js';
import type { TrainingWorkerPool } from '../training/worker-pool.js';
import { DeadLetters } from './dead-letters.js';
import type { OutputCodecs } from './event-codecs.js';
import { loadTrainingRows } from './training-data.js';

export interface TrainingFinished {
  requestId: string;
  scope: string;
  kind: TrainingRequested['modelKind'];
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Present on success. */
  version?: number;
  promoted?: boolean;
  error?: string;
  errorCode?: string;
  trainMs?: number;
}

export interface TrainerRoleDeps {
  source: EventSource;
  sink: EventSink;
  codecs: OutputCodecs;
  jobs: JobQueue;
  store: EventStore;
  counters: CounterStore;
  registry: ModelRegistry;
  pool: TrainingWorkerPool;
  clock: Clock;
  config: RelearnConfig;
  topics: TopicNames;
  /** This process's name in leases. */
  owner: string;
  onFinished: (finished: TrainingFinished) => void;
  /** A version was committed with its announcement: the announcement relay publishes it. */
  onCommitted: () => void;
  /** A dependency failed outside a job (polling for exhausted jobs): logged, never thrown. */
  onError?: (error: unknown) => void;
}

/**
 * Consumes training requests into the job queue (deduplicated by requestId), then
 * leases jobs and trains them on the worker pool. Every write after training is fenced
 * by the lease's token: a trainer whose lease expired cannot overwrite a newer result.
 */
export class TrainerRole {
  private subscription: EventSubscription | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Each running job's abort switch: a lost lease, a cancel or the end of the shutdown grace stops its worker. */
  private readonly running = new Map<string, AbortController>();
  private paused = false;
  private stopped = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly deadLetters: DeadLetters;

  constructor(private readonly deps: TrainerRoleDeps) {
    this.deadLetters = new DeadLetters(deps.sink, deps.store, deps.topics.dlq, () => deps.clock.now());
  }

  async start(options: { paused?: boolean; pollMs?: number } = {}): Promise<void> {
    this.paused = options.paused ?? false;
    // Polling picks up jobs enqueued by other processes and jobs whose lease expired, and
    // closes the jobs whose trainer died or hung on every attempt. It starts before the
    // consumer joins its group: leasing needs only MongoDB, and a group that rebalances for
    // a while (members killed and restarted) must not keep queued jobs waiting.
    if (options.pollMs !== undefined) {
      this.pollTimer = setInterval(() => {
        void this.failExhausted();
        this.fill();
      }, options.pollMs);
      this.fill();
    }
    this.subscription = await this.deps.source.subscribe(
      { groupId: this.deps.config.groups.trainer, topics: [this.deps.topics['training-requests']], fromBeginning: true },
      (batch) => this.enqueue(batch),
    );
  }

  /** Jobs whose lease expired with no attempt left fail (their worker kept dying or hanging); their decisions close. */
  private async failExhausted(): Promise<void> {
    try {
      for (const job of await this.deps.jobs.failExhausted(this.deps.clock.now())) {
        await this.closeDecision(job.request, 'failed');
        this.deps.onFinished({ requestId: job.request.requestId, scope: job.scope, kind: job.kind, status: 'failed', error: job.error ?? 'lease expired', errorCode: 'LEASE_LOST' });
      }
    } catch (error) {
      this.deps.onError?.(error);
    }
  }

  /** The embedded run holds training back while a simulated hour is ingested, for reproducible runs. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.fill();
  }

  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * Stops leasing, gives running trainings `graceMs` to finish, then stops their workers
   * and hands their jobs back (queued, the attempt not counted), so another trainer takes
   * them at once instead of waiting for the lease to expire.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopped = true;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    await this.subscription?.stop();
    if (options.graceMs !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.graceMs);
      });
      await Promise.race([Promise.all([...this.inFlight]), grace]);
      clearTimeout(timer);
    }
    for (const controller of this.running.values()) controller.abort(new RelearnError('UNAVAILABLE', 'the trainer is shutting down', { retriable: true }));
    await Promise.all([...this.inFlight]);
  }

  /** Undecodable requests go to the DLQ (once each) and the partition moves on; a registry or database outage fails the batch. */
  private async enqueue(batch: IncomingBatch): Promise<void> {
    const bad: { record: IncomingBatch['records'][number]; error: unknown }[] = [];
    for (const record of batch.records) {
      let request: TrainingRequested;
      try {
        if (record.value === null || record.value.length === 0) throw new RelearnError('DECODE_FAILED', 'training request has no value');
        request = await this.deps.codecs.decodeTrainingRequest(record.value);
      } catch (error) {
        if (isRelearnError(error) && error.retriable) throw error;
        bad.push({ record, error });
        continue;
      }
      await this.deps.jobs.enqueue(request, { maxAttempts: this.deps.config.training.maxAttempts, now: this.deps.clock.now() });
    }
    await this.deadLetters.send(bad);
    this.fill();
  }

  /** Leases jobs until the concurrency limit is reached or the queue is empty. */
  fill(): void {
    if (this.paused || this.stopped) return;
    if (this.inFlight.size >= this.deps.config.training.concurrency) return;
    const run = (async () => {
      const lease = await this.deps.jobs.lease(this.deps.owner, this.deps.config.training.leaseMs, this.deps.clock.now());
      if (lease === null) return false;
      this.fill();
      await this.runJob(lease);
      return true;
    })()
      .then((ran) => {
        this.inFlight.delete(run);
        // Only a finished job can have freed a slot for another; an empty queue waits for the next enqueue or poll.
        if (ran) this.fill();
      })
      .catch(() => {
        this.inFlight.delete(run);
      });
    this.inFlight.add(run);
  }

  /** Resolves when no job runs and none can be leased now. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race([...this.inFlight]);
  }

  private async runJob(lease: JobLease): Promise<void> {
    const { jobs, clock, config, registry } = this.deps;
    const request = lease.job.request;
    const abort = new AbortController();
    this.running.set(lease.job.jobId, abort);
    const heartbeat = async (stage: string, progress: number): Promise<boolean> => {
      const held = await jobs.heartbeat(lease, config.training.leaseMs, clock.now(), { stage, progress });
      if (!held) abort.abort(new RelearnError('LEASE_LOST', `lease on ${lease.job.jobId} was lost`));
      return held;
    };
    // A failed heartbeat (database unreachable) is not a lost lease: the next one may pass,
    // and the lease only lapses when none passes for leaseMs.
    const timer = setInterval(() => {
      heartbeat(lease.job.stage, lease.job.progress).catch(() => undefined);
    }, Math.max(1_000, config.training.leaseMs / 3));
    try {
      // From here a store with an older token (a trainer frozen past its lease) is refused.
      await registry.fence(lease.job.scope, lease.job.kind, lease.token);
      // A previous holder may have committed the version and died before completing the
      // job: complete it; the version's announcement was committed with it.
      const storedEarlier = await registry.byRequest(lease.job.scope, lease.job.kind, request.requestId);
      if (storedEarlier !== null) {
        await this.finish(lease, storedEarlier, undefined);
        return;
      }
      await heartbeat('loading-data', 0.1);
      const rows = await loadTrainingRows(this.deps.store, request, config, clock.now());
      const champion = await registry.champion(lease.job.scope, lease.job.kind);
      const championArtifact = champion === null ? null : await registry.artifact(champion.scope, champion.kind, champion.version);
      const common = {
        mode: request.mode,
        seed: (config.training.seed ^ fnv1a(request.requestId)) >>> 0,
        hyperparameters: { ...config.hyperparameters[request.modelKind], ...(request.hyperparameters ?? {}) },
        championArtifact,
        heldOutFraction: config.training.heldOutFraction,
        maxTrees: config.training.maxTrees,
      };
      const task: TrainingTask =
        request.modelKind === 'anomaly'
          ? { ...common, kind: 'anomaly', engine: config.engines.anomaly, rows: rows as StoredExpense[] }
          : request.modelKind === 'categorizer'
            ? { ...common, kind: 'categorizer', engine: config.engines.categorizer, rows: rows as StoredTransaction[] }
            : { ...common, kind: 'forecaster', engine: FORECASTER_ENGINE, rows: rows as StoredTransaction[] };
      await heartbeat('training', 0.3);
      const outcome = await this.deps.pool.run(task, { signal: abort.signal, timeoutMs: config.training.timeoutMs });
      if (!(await heartbeat('validating', 0.8))) throw new RelearnError('LEASE_LOST', `lease on ${lease.job.jobId} was lost during training`);

      const verdict = promotionVerdict(outcome.primaryMetric, outcome.metrics, outcome.championMetrics);
      const stored = await registry.store(
        {
          scope: lease.job.scope,
          kind: lease.job.kind,
          engine: outcome.engine,
          mode: outcome.mode,
          requestId: request.requestId,
          trainedAt: clock.now(),
          trainedOn: outcome.trainedOn,
          metrics: outcome.metrics,
          championMetrics: outcome.championMetrics,
          previousVersion: champion?.version ?? null,
          promoted: verdict.promoted,
          decision: verdict.decision,
          hyperparameters: outcome.hyperparameters,
        },
        outcome.artifact,
        lease.token,
      );
      this.deps.onCommitted();
      await this.finish(lease, stored, outcome.trainMs);
    } catch (error) {
      await this.settleFailure(lease, abort.signal.aborted ? abort.signal.reason : error);
    } finally {
      clearInterval(timer);
      this.running.delete(lease.job.jobId);
    }
  }

  /**
   * A job that did not store a version: handed back on shutdown, nothing on a lost lease
   * (the new holder owns it), else failed or requeued by the queue's attempt budget; a
   * job that ended closes its decision (a failure backs the policy off).
   */
  private async settleFailure(lease: JobLease, error: unknown): Promise<void> {
    const { jobs, clock } = this.deps;
    const request = lease.job.request;
    try {
      if (isRelearnError(error, 'STALE_FENCE') || isRelearnError(error, 'LEASE_LOST')) {
        // Lost to a cancel: the decision closes here; lost to another trainer: that one owns it now.
        const job = await jobs.get(lease.job.jobId);
        if (job?.status === 'cancelled') {
          await this.closeDecision(request, 'cancelled');
          this.deps.onFinished({ requestId: request.requestId, scope: request.scope, kind: request.modelKind, status: 'cancelled', error: 'cancelled', errorCode: 'LEASE_LOST' });
        }
        return;
      }
      if (this.stopped && isRelearnError(error, 'UNAVAILABLE')) {
        await jobs.release(lease, clock.now());
        return;
      }
      const { errorClass, message } = describeError(error);
      const retriable = isRelearnError(error) ? error.retriable : false;
      await jobs.fail(lease, `${errorClass}: ${message}`, retriable, clock.now());
      const job = await jobs.get(lease.job.jobId);
      if (job !== null && job.status !== 'queued' && job.status !== 'running') {
        await this.closeDecision(request, job.status === 'failed' ? 'failed' : 'cancelled');
        this.deps.onFinished({
          requestId: request.requestId,
          scope: request.scope,
          kind: request.modelKind,
          status: job.status === 'cancelled' ? 'cancelled' : 'failed',
          error: message,
          errorCode: errorClass,
        });
      }
    } catch (settling) {
      // The database is down: the lease lapses and the job is retried, or failed once its attempts are spent.
      this.deps.onError?.(settling);
    }
  }

  /** The decision closes: a failure backs off (the same data would fail again), a cancel just frees the (scope, kind). */
  private async closeDecision(request: TrainingRequested, status: 'failed' | 'cancelled'): Promise<void> {
    const { counters, clock } = this.deps;
    const scope = request.scope as Scope;
    if (status === 'failed') await counters.markFailed(scope, request.modelKind, { requestId: request.requestId, consumed: request.counts.sinceLastTraining ?? 0, failedAt: clock.now() });
    else await counters.closeDecision(scope, request.modelKind, request.requestId, clock.now());
  }

  /** Marks the data consumed and completes the job; the version's announcement is already in the registry's outbox. */
  private async finish(lease: JobLease, stored: ModelVersion, trainMs: number | undefined): Promise<void> {
    const { jobs, clock, counters } = this.deps;
    const request = lease.job.request;
    await counters.markTrained(lease.job.scope, lease.job.kind, {
      requestId: request.requestId,
      consumed: request.counts.sinceLastTraining ?? 0,
      trainedAt: stored.trainedAt,
    });
    await jobs.complete(lease, { version: stored.version, promoted: stored.promoted, decision: stored.decision }, clock.now());
    this.deps.onFinished({
      requestId: request.requestId,
      scope: request.scope,
      kind: request.modelKind,
      status: 'succeeded',
      version: stored.version,
      promoted: stored.promoted,
      ...(trainMs === undefined ? {} : { trainMs }),
    });
  }
}
