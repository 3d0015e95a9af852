import { Command } from 'commander';
import { SimulatedProducer } from '../app/simulated-producer.js';
import { loadSettings } from '../config/load-settings.js';
import { isEmbeddedMode } from '../config/relearn-settings.js';
import { topicDefinitions, type TopicNames } from '../contract/topic-definitions.js';
import { generateEvents } from '../simulate/generate-events.js';
import { DEFAULT_SIMULATION_OPTIONS, resolveSimulationOptions } from '../simulate/simulation-options.js';
import type { SimulatedRecord } from '../simulate/simulated-record.js';
import type { CliContext } from './cli-io.js';
import { formatDuration } from './format-table.js';
import { fractionOption, integerOption, rateOption, utcDateOption } from './option-parsers.js';
import { printJson } from './print-json.js';
import type { ProduceTransport, ProduceTransportFactory } from './produce-transport.js';
import { progressLine } from './progress-line.js';

interface ProduceFlags {
  users: number;
  orgs: number;
  days: number;
  seed: number;
  invalidRate: number;
  resendRate: number;
  drift: boolean;
  start?: number;
  rate?: number;
  count?: number;
  config?: string;
  json: boolean;
}

const DAY_MS = 86_400_000;
/** Batches per second when paced: small enough to keep the rate smooth, large enough to keep Kafka requests few. */
const BATCHES_PER_SECOND = 10;
const MAX_BATCH = 2000;

/** The Monday (00:00 UTC) on or before `days` days ago: the simulated period ends about now. */
export function defaultProduceStart(now: number, days: number): number {
  const day = Math.floor((now - days * DAY_MS) / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day - weekday * DAY_MS;
}

export interface ProduceReport {
  sent: number;
  byTopic: Record<string, number>;
  invalid: number;
  resent: number;
  elapsedMs: number;
  /** Null when the run took no measurable time. */
  eventsPerSecond: number | null;
  simulation: { users: number; orgs: number; days: number; seed: number; start: string; invalidRate: number; resendRate: number; drift: boolean };
}

function formatReport(report: ProduceReport): string {
  const width = Math.max(0, ...Object.keys(report.byTopic).map((topic) => topic.length));
  return [
    `produced ${report.sent} records in ${formatDuration(report.elapsedMs)} (${report.eventsPerSecond ?? '-'} records/s)`,
    ...Object.entries(report.byTopic).map(([topic, count]) => `  ${topic.padEnd(width)}  ${count}`),
    `  of which malformed (for the DLQ) ${report.invalid}, resent duplicates ${report.resent}`,
    `simulation: ${report.simulation.users} users, ${report.simulation.orgs} orgs, ${report.simulation.days} days from ${report.simulation.start}, seed ${report.simulation.seed}`,
  ].join('\n');
}

/**
 * `relearn produce`: the seeded synthetic producer as a load generator. The same
 * options give the same records; `--rate` paces them, `--count` stops early.
 */
export function produceCommand(context: CliContext, connect: ProduceTransportFactory): Command {
  return new Command('produce')
    .description('publish seeded synthetic events (transactions, expenses, sheets, labels) to Kafka as a load generator')
    .option('--rate <events/s>', 'records per second (default: as fast as Kafka takes them)', rateOption)
    .option('--count <n>', 'stop after this many records (default: all the simulation generates)', integerOption(1))
    .option('--seed <n>', 'random seed: same seed and options, same records', integerOption(0, 2 ** 31 - 1), DEFAULT_SIMULATION_OPTIONS.seed)
    .option('--users <n>', 'simulated users', integerOption(0, 100_000), DEFAULT_SIMULATION_OPTIONS.users)
    .option('--orgs <n>', 'simulated organisations', integerOption(0, 10_000), DEFAULT_SIMULATION_OPTIONS.orgs)
    .option('--days <n>', 'simulated days', integerOption(1, 3_650), DEFAULT_SIMULATION_OPTIONS.days)
    .option('--start <date>', 'first simulated day, YYYY-MM-DD (default: the Monday before --days ago, so the data ends about now)', utcDateOption)
    .option('--invalid-rate <r>', 'share of malformed records mixed in, 0..1 (they go to the DLQ)', fractionOption, DEFAULT_SIMULATION_OPTIONS.invalidRate)
    .option('--resend-rate <r>', 'share of events sent twice with the same eventId, 0..1', fractionOption, DEFAULT_SIMULATION_OPTIONS.resendRate)
    .option('--drift', 'shift category mix and add new merchants halfway through', false)
    .option('--config <file>', 'JSON settings file (env RELEARN_CONFIG_FILE): Kafka, schema registry and topic names come from the settings')
    .option('--json', 'print the report as JSON', false)
    .addHelpText('after', '\nNeeds KAFKA_BROKERS and SCHEMA_REGISTRY_URL (and MONGODB_URI, like every real-mode command); see docs/configuration.md.')
    .action(async (flags: ProduceFlags, command: Command) => {
      if (flags.invalidRate >= 1) command.error(`error: option '--invalid-rate <r>' argument '${flags.invalidRate}' is invalid. expected a number from 0 up to but not including 1`);
      const settings = loadSettings({ env: context.env, file: flags.config });
      if (isEmbeddedMode(settings)) {
        command.error('error: produce publishes to Kafka: set KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI (or --config <file>); to run the whole loop in memory use relearn simulate');
      }
      const simulation = resolveSimulationOptions({
        users: flags.users,
        orgs: flags.orgs,
        days: flags.days,
        seed: flags.seed,
        invalidRate: flags.invalidRate,
        resendRate: flags.resendRate,
        drift: flags.drift,
        start: flags.start ?? defaultProduceStart(context.now(), flags.days),
      });
      const generated = generateEvents(simulation);
      if (flags.count !== undefined && flags.count > generated.length) {
        command.error(
          `error: option '--count <n>' argument '${flags.count}' is invalid. expected at most ${generated.length}, the records this simulation generates; raise --users, --orgs or --days`,
        );
      }
      const records = generated.slice(0, flags.count ?? generated.length);
      const transport = await connect(settings);
      let published: Omit<ProduceReport, 'simulation'>;
      try {
        published = await publish(records, transport, settings.core.topics, flags.rate, context);
      } finally {
        await transport.close();
      }
      const report: ProduceReport = { ...published, simulation: { ...simulation, start: new Date(simulation.start).toISOString().slice(0, 10) } };
      if (flags.json) printJson(context.io, report);
      else context.io.out(`${formatReport(report)}\n`);
    });
}

async function publish(
  records: readonly SimulatedRecord[],
  transport: ProduceTransport,
  topics: TopicNames,
  rate: number | undefined,
  context: CliContext,
): Promise<Omit<ProduceReport, 'simulation'>> {
  const producer = new SimulatedProducer(transport.sink, transport.codec, topics, topicDefinitions());
  await producer.registerSchemas();
  const batchSize = rate === undefined ? MAX_BATCH : Math.min(MAX_BATCH, Math.max(1, Math.round(rate / BATCHES_PER_SECOND)));
  const progress = progressLine('producing', context.io);
  const started = context.now();
  const byTopic: Record<string, number> = {};
  let sent = 0;
  for (let index = 0; index < records.length; index += batchSize) {
    if (rate !== undefined) {
      // Each batch leaves when the rate says the records before it should have left: drift does not accumulate.
      const wait = started + (sent / rate) * 1_000 - context.now();
      if (wait > 0) await context.sleep(wait);
    }
    const batch = records.slice(index, index + batchSize);
    await producer.send(batch);
    for (const record of batch) byTopic[topics[record.role]] = (byTopic[topics[record.role]] ?? 0) + 1;
    sent += batch.length;
    progress.update(sent, records.length);
  }
  progress.finish();
  const elapsedMs = Math.max(0, context.now() - started);
  return {
    sent,
    byTopic,
    invalid: records.filter((record) => record.kind === 'invalid').length,
    resent: records.filter((record) => record.kind === 'event' && record.resend).length,
    elapsedMs,
    eventsPerSecond: elapsedMs === 0 ? null : Math.round((sent / elapsedMs) * 1_000),
  };
}
