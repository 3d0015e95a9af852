import { Cron } from 'croner';
import { defaultConfig, type RelearnConfig } from '../config/relearn-config.js';
import type { RelearnSettings } from '../config/relearn-settings.js';
import { topicDefinitions } from '../contract/topic-definitions.js';
import { ManualClock } from '../adapters/memory/manual-clock.js';
import { generateEvents } from '../simulate/generate-events.js';
import type { SimulationOptions } from '../simulate/simulation-options.js';
import { embeddedPorts, type EmbeddedPorts, type ServicePorts } from './composition-root.js';
import { RelearnSystem } from './relearn-system.js';
import { buildRunReport, type RunReport } from './run-report.js';
import { SimulatedProducer } from './simulated-producer.js';
import type { TrainingFinished } from './trainer-role.js';

const HOUR = 3_600_000;

export interface EmbeddedRunResult {
  report: RunReport;
  timing: { wallMs: number; generateMs: number; peakRssBytes: number; trainMsByKind: Record<string, number> };
  /** The stores as the run left them (the system is stopped), for inspection or a follow-up service. */
  ports: EmbeddedPorts;
  /** The simulated clock, left at the end of the run. */
  clock: ManualClock;
  config: RelearnConfig;
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The embedded run: synthetic producers, in-memory bus and stores, the whole loop. Time
 * is simulated and advanced an hour at a time; within an hour, ingestion runs first and
 * training after it, so the same seed gives the same report however fast the machine is.
 */
export async function runEmbedded(
  simulation: SimulationOptions,
  options: { config?: RelearnConfig; onProgress?: (done: number, total: number) => void } = {},
): Promise<EmbeddedRunResult> {
  const started = performance.now();
  const config = options.config ?? defaultConfig();
  const records = generateEvents(simulation);
  const generateMs = performance.now() - started;
  const clock = new ManualClock(simulation.start);
  const ports = embeddedPorts(clock, config.topics);
  const system = new RelearnSystem(ports, config, {
    roles: new Set(['ingest', 'trainer']),
    owner: 'embedded',
    // Simulated time jumps an hour at a time: a sheet waits for its organisation's training within the day.
    trainingWaitMs: 24 * HOUR,
  });
  const finished: TrainingFinished[] = [];
  system.finished$.subscribe((entry) => finished.push(entry));
  const producer = new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions());
  await producer.registerSchemas();
  await system.start({ trainerPaused: true });

  const ingestTopics = system.ingest?.topics ?? [];
  const trainer = system.trainer;
  if (trainer === undefined) throw new Error('embedded run needs the trainer role');
  const schedule = new Cron(config.schedule.cron, { timezone: 'UTC', paused: true });
  let peakRss = process.memoryUsage().rss;

  const ingestIdle = () => ports.bus.lag(config.groups.ingest, ingestTopics) === 0 && system.idle;
  const allIdle = async () =>
    ingestIdle() &&
    ports.bus.lag(config.groups.trainer, [config.topics['training-requests']]) === 0 &&
    trainer.busy === 0 &&
    system.pendingWork === 0 &&
    (await ports.jobs.list({ status: 'queued', limit: 1 })).length === 0;

  // Producers may publish a little after the simulated period (next-morning card postings): run until the last record.
  const end = Math.max(simulation.start + simulation.days * 24 * HOUR, (records[records.length - 1]?.at ?? 0) + 1);
  let index = 0;
  let nextSchedule = schedule.nextRun(new Date(simulation.start))?.getTime() ?? Number.POSITIVE_INFINITY;
  for (let hour = simulation.start; hour < end + HOUR; hour += HOUR) {
    clock.set(hour);
    const batch = [];
    while (index < records.length && (records[index]?.at ?? Number.POSITIVE_INFINITY) < hour + HOUR) {
      const record = records[index];
      if (record !== undefined) batch.push(record);
      index += 1;
    }
    if (batch.length > 0) await producer.send(batch);
    clock.set(hour + HOUR - 1);
    do await settle();
    while (!ingestIdle());
    system.ticks$.next({ at: clock.now(), source: 'timer' });
    if (nextSchedule <= clock.now()) {
      system.ticks$.next({ at: clock.now(), source: 'schedule', lookbackDays: config.schedule.lookbackDays });
      nextSchedule = schedule.nextRun(new Date(clock.now()))?.getTime() ?? Number.POSITIVE_INFINITY;
    }
    await settle();
    trainer.resume();
    do await settle();
    while (!(await allIdle()));
    trainer.pause();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    options.onProgress?.(Math.min(hour + HOUR, end) - simulation.start, end - simulation.start);
  }
  await system.stop();

  const ingest = system.ingest?.stats ?? { ingested: 0, duplicates: 0, redelivered: 0, deadLettered: {} };
  const report = await buildRunReport(ports, ingest, finished, system.analyst.stats);
  const trainMsByKind: Record<string, number> = {};
  for (const kind of Object.keys(report.summary)) {
    const times = finished.filter((entry) => entry.kind === kind && entry.trainMs !== undefined).map((entry) => entry.trainMs ?? 0);
    trainMsByKind[kind] = times.length === 0 ? 0 : Math.round(times.reduce((sum, value) => sum + value, 0) / times.length);
  }
  return { report, timing: { wallMs: Math.round(performance.now() - started), generateMs: Math.round(generateMs), peakRssBytes: peakRss, trainMsByKind }, ports, clock, config };
}

/**
 * `relearn start --demo`: embedded mode after a short simulation, so the API and the
 * dashboard show real models and decisions. Simulated time then runs on at wall speed.
 */
export async function embeddedDemoPorts(settings: RelearnSettings, simulation: SimulationOptions): Promise<ServicePorts> {
  const { ports, clock } = await runEmbedded(simulation, { config: settings.core });
  let last = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    clock.set(clock.now() + (now - last));
    last = now;
  }, 250);
  ticker.unref();
  return {
    ...ports,
    lag: ports.bus,
    probe: () => Promise.resolve({ bus: { ok: true }, stores: { ok: true } }),
    close: () => {
      clearInterval(ticker);
      return Promise.resolve();
    },
  };
}
