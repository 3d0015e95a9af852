import { Cron } from 'croner';
import type { RelearnConfig } from '../config/relearn-config.js';
import { RelearnSystem, type RelearnPorts, type Role } from './relearn-system.js';

export interface ServiceOptions {
  roles: ReadonlySet<Role>;
  /** This process's name in job leases: host and pid, so operators can tell trainers apart. */
  owner: string;
  /** How often the time-based rules (minimum interval, performance cool-down) are re-checked. */
  tickMs: number;
  /** How often an idle trainer looks for jobs enqueued elsewhere or whose lease expired. */
  trainerPollMs: number;
  /** How often a waiting group looks up the outcome of a training another process runs. */
  jobPollMs: number;
  /** The longest a group waits on one training before it takes new triggers again. */
  trainingWaitMs: number;
  /** Scopes of one ingested batch applied side by side: each record waits on database round trips. */
  ingestLanes: number;
  /**
   * How often the stored work is looked at (unpublished decisions, pending analyses), so
   * what a killed process had claimed is taken over soon after its claim expires.
   */
  storedWorkPollMs: number;
}

export const DEFAULT_SERVICE_OPTIONS: Omit<ServiceOptions, 'roles' | 'owner'> = Object.freeze({
  tickMs: 60_000,
  trainerPollMs: 5_000,
  jobPollMs: 2_000,
  trainingWaitMs: 10 * 60_000,
  ingestLanes: 8,
  storedWorkPollMs: 5_000,
});

/**
 * The long-running service: a RelearnSystem on wall-clock time. Where the embedded run
 * advances simulated hours, this ticks the time-based rules on an interval and runs the
 * scheduled check on its cron expression, never two scheduled checks at once.
 */
export class RelearnService {
  readonly system: RelearnSystem;
  private ticker: NodeJS.Timeout | undefined;
  private storedWork: NodeJS.Timeout | undefined;
  private schedule: Cron | undefined;

  constructor(
    readonly ports: RelearnPorts,
    readonly config: RelearnConfig,
    readonly options: ServiceOptions,
  ) {
    this.system = new RelearnSystem(ports, config, {
      roles: options.roles,
      owner: options.owner,
      trainingWaitMs: options.trainingWaitMs,
      jobPollMs: options.jobPollMs,
      ingestLanes: options.ingestLanes,
      followChampionUpdates: true,
    });
  }

  async start(): Promise<void> {
    await this.system.start({ trainerPollMs: this.options.trainerPollMs });
    // Decisions and announcements a crashed process recorded but never published, sheets it
    // never analysed; a trainer-only process looks after the announcements only.
    const deciding = this.options.roles.has('ingest');
    this.storedWork = setInterval(() => (deciding ? this.system.kickStoredWork() : void this.system.announcements.kick()), this.options.storedWorkPollMs);
    this.storedWork.unref();
    // Only the process that decides (ingest role) runs time-based rules: a trainer-only
    // process has no pipeline input of its own, and two deciders would double the work.
    if (!this.options.roles.has('ingest')) return;
    this.ticker = setInterval(() => this.system.ticks$.next({ at: this.ports.clock.now(), source: 'timer' }), this.options.tickMs);
    this.ticker.unref();
    this.schedule = new Cron(this.config.schedule.cron, { timezone: 'UTC', protect: true }, () => {
      this.system.ticks$.next({ at: this.ports.clock.now(), source: 'schedule', lookbackDays: this.config.schedule.lookbackDays });
    });
  }

  /**
   * Stops fetching, lets in-flight batches finish and commit, gives running trainings
   * `trainingGraceMs` (default: as long as they take) and hands back the jobs of those
   * still running, then returns.
   */
  async stop(options: { trainingGraceMs?: number } = {}): Promise<void> {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    if (this.storedWork !== undefined) clearInterval(this.storedWork);
    this.schedule?.stop();
    await this.system.stop(options);
  }
}
