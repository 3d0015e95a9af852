// Ingest benchmark: `npm run bench:ingest -- [--dist /path/to/dist] [--latency] …` (--help lists the options).
//
// On the real stack (started here with scripts/stack.sh and stopped at the end, unless
// KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI name a running one), with topics under
// a prefix unique to the run:
//   1. topics and schemas through the build under test (`relearn topics apply`, `schemas register`);
//   2. a backlog: 50,000 Avro transactions over 1,000 users keyed by userId, 60% with a
//      category, LabelRecorded events on labels.v1, 1% resends, produced idempotently;
//   3. on the same backlog: (b) raw consume and raw insertMany, (a) the ceiling (a minimal
//      durable pipeline), (c) `relearn start --roles ingest` and `--roles ingest,trainer,api`
//      as child processes, each on a fresh database and consumer group: records/s, wall
//      time, CPU seconds of the pipeline's process, of Kafka and of MongoDB;
//   4. trigger latency: with `--roles ingest` caught up, a stream at half of (c)'s rate in
//      which new users cross the categorizer's first-model threshold.
// Prints markdown tables; writes JSON to bench/results/ingest-<timestamp>.json. Any failed
// step makes the exit code non-zero (the JSON then lists the failures).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { MongoClient } from 'mongodb';

import { machineLine } from '../scenarios/machine-line.js';
import { generateBacklog } from './backlog.js';
import type { BenchContext } from './bench-context.js';
import { parseBenchOptions, USAGE, type BenchOptions } from './bench-options.js';
import { measureCeiling } from './ceiling-pipeline.js';
import { endOffsets, totalOf } from './consumer-lag.js';
import { CpuMeter } from './cpu-meter.js';
import { drainGroup } from './drain-group.js';
import { encodeRecords } from './encoded-records.js';
import { benchKafka, idempotentProducer } from './kafka-client.js';
import { measureTriggerLatency, type LatencyResult } from './latency-phase.js';
import type { PhaseResult } from './phase-result.js';
import { prepareDeployment, schemaIdOf, type PreparedDeployment } from './prepare-deployment.js';
import { produceAll } from './produce-records.js';
import { measureRawConsume } from './raw-consume.js';
import { measureRawInsert } from './raw-insert.js';
import { latencyTable, ratioLines, throughputTable } from './report.js';
import { RelearnCli } from './relearn-cli.js';
import { relearnEnv, type RelearnDeployment } from './relearn-env.js';
import { measureRelearn, type RelearnRun } from './relearn-phase.js';
import { killRunningRelearnProcesses } from './relearn-process.js';
import { gitRevision, newRunId } from './run-identity.js';
import { SchemaCache } from './schema-cache.js';
import { openTestStack, type TestStack } from './test-stack.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const INPUT_ROLES = ['transactions', 'expenses', 'expense-sheets', 'labels'] as const;
/** The backlog's transactions lie in the last this many days. */
const BACKLOG_DAYS = 120;
const benchStarted = performance.now();

function log(line: string): void {
  process.stderr.write(`bench:ingest +${((performance.now() - benchStarted) / 1000).toFixed(1)}s ${line}\n`);
}

let options: BenchOptions;
try {
  const parsed = parseBenchOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  options = parsed;
} catch (error) {
  console.error(`bench:ingest: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}

const startedAt = new Date();
const runId = newRunId(startedAt.getTime());
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const out = resolve(options.out ?? join(ROOT, 'bench/results', `ingest-${stamp}.json`));
const logDir = join(tmpdir(), `relearn-bench-ingest-${runId}`);
mkdirSync(logDir, { recursive: true });
const failures: string[] = [];
const results: PhaseResult[] = [];
let latency: LatencyResult | null = null;
let backlogFacts: Record<string, unknown> = {};
let stack: TestStack | undefined;

function fail(step: string, error: unknown): void {
  const message = `${step}: ${error instanceof Error ? error.message : String(error)}`;
  failures.push(message);
  log(`FAILED ${message}`);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: ending relearn children and the stack`);
    killRunningRelearnProcesses();
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const cli = (() => {
  try {
    return new RelearnCli(options.dist);
  } catch (error) {
    console.error(`bench:ingest: ${(error as Error).message}`);
    process.exit(2);
  }
})();

function deployment(label: string): RelearnDeployment {
  return { label, database: `bench_${runId}_${label.replace(/-/g, '_')}`, ingestGroup: `bench-${runId}-${label}-ingest`, trainerGroup: `bench-${runId}-${label}-trainer` };
}

async function main(): Promise<void> {
  log(`run ${runId}: relearn from ${options.dist}; phases ${[...options.phases].join(', ')}; relearn output in ${logDir}`);
  stack = await openTestStack(ROOT, { serverCpu: options.serverCpu }, log);
  const { endpoints } = stack;
  const topicPrefix = `bench-${runId}.`;
  const apiToken = `bench-${runId}-token`;
  const envOf = (target: RelearnDeployment) => relearnEnv(endpoints, topicPrefix, target, { apiToken, logLevel: options.relearnLogLevel, nodeOptions: options.relearnNodeOptions, clientId: `bench-${runId}-${target.label}` });

  // 1. Topics and schemas, through the build under test.
  const ingestTarget = deployment('ingest');
  const base = await prepareDeployment(cli, ingestTarget, envOf(ingestTarget), log);
  const prepared = new Map<string, PreparedDeployment>([['ingest', base]]);
  if (options.phases.has('ingest-all')) {
    const target = deployment('ingest-all');
    prepared.set('ingest-all', await prepareDeployment(cli, target, envOf(target), log));
  }
  const topicOf = (role: (typeof INPUT_ROLES)[number]): string => {
    const name = base.settings.core.topics[role];
    if (name === undefined) throw new Error(`relearn config --json names no ${role} topic`);
    return name;
  };
  const inputTopics = INPUT_ROLES.map(topicOf);
  const topics = { transactions: topicOf('transactions'), labels: topicOf('labels') };
  const schemaIds = { transactions: schemaIdOf(base, topics.transactions), labels: schemaIdOf(base, topics.labels) };

  const kafka = benchKafka(endpoints.kafkaBrokers, `bench-${runId}`);
  const admin = kafka.admin();
  await admin.connect();
  const mongo = new MongoClient(endpoints.mongodbUri, { appName: `bench-${runId}` });
  await mongo.connect();
  const producer = await idempotentProducer(kafka);
  try {
    // 2. The backlog.
    const backlog = generateBacklog({ ...options, days: BACKLOG_DAYS, end: Date.now() });
    const schemas = new SchemaCache(endpoints.schemaRegistryUrl);
    const encoded = await encodeRecords(backlog.records, topics, schemaIds, schemas);
    const bytes = encoded.reduce((sum, record) => sum + record.value.length, 0);
    log(`backlog: ${encoded.length} records (${backlog.transactions} transactions, ${backlog.labeledAtCreation} with a category, ${backlog.labelEvents} LabelRecorded, ${backlog.resends} resends), ${Math.round(bytes / encoded.length)} B on average`);
    let lastReport = 0;
    const produced = await produceAll(producer, encoded, options.produceBatch, (sent) => {
      if (sent - lastReport >= 10_000 || sent === encoded.length) {
        lastReport = sent;
        log(`produced ${sent}/${encoded.length}`);
      }
    });
    const ends = await endOffsets(admin, inputTopics);
    const backlogRecords = Number(totalOf(ends));
    if (backlogRecords !== encoded.length) throw new Error(`the input topics hold ${backlogRecords} records after producing ${encoded.length}`);
    backlogFacts = {
      records: encoded.length,
      transactions: backlog.transactions,
      users: options.users,
      labeledAtCreation: backlog.labeledAtCreation,
      labelEvents: backlog.labelEvents,
      resends: backlog.resends,
      meanValueBytes: bytes / encoded.length,
      days: BACKLOG_DAYS,
      produceMs: produced.elapsedMs,
      produceRecordsPerSecond: (encoded.length / produced.elapsedMs) * 1000,
      topics: inputTopics,
      schemaIds,
    };
    log(`backlog produced in ${(produced.elapsedMs / 1000).toFixed(1)} s (${Math.round((encoded.length / produced.elapsedMs) * 1000)} records/s)`);

    const context: BenchContext = {
      runId,
      options,
      kafka,
      admin,
      mongo,
      schemas,
      meter: new CpuMeter(stack.pids),
      inputTopics,
      ends,
      backlogRecords,
      collectionByTopic: new Map([
        [topics.transactions, 'transactions'],
        [topics.labels, 'labels'],
      ]),
      expectedByCollection: new Map([
        ['transactions', backlog.uniqueByRole.transactions],
        ['labels', backlog.uniqueByRole.labels],
      ]),
      logDir,
      log,
    };

    // A fresh broker creates __consumer_offsets on the first group: pay for it outside any measurement.
    await drainGroup(benchKafka(endpoints.kafkaBrokers, `bench-${runId}-warm-up`, true), {
      groupId: `bench-${runId}-warm-up`,
      topics: [topics.transactions],
      ends: new Map([[topics.transactions, new Map([[0, 1n]])]]),
      concurrency: 1,
      timeoutMs: 120_000,
      work: () => Promise.resolve(),
      onRunning: () => undefined,
      onFinished: () => undefined,
    });

    // 3. Throughput, each on the whole backlog.
    const measure = async (phase: string, run: () => Promise<PhaseResult>): Promise<PhaseResult | null> => {
      log(`${phase}: measuring`);
      try {
        const result = await run();
        results.push(result);
        log(`${phase}: ${result.records} records in ${(result.wallMs / 1000).toFixed(1)} s = ${Math.round(result.recordsPerSecond)} records/s`);
        return result;
      } catch (error) {
        fail(phase, error);
        return null;
      }
    };
    const relearnRun = (phase: string, roles: string, target: PreparedDeployment): RelearnRun => ({
      phase,
      roles,
      env: target.env,
      ingestGroup: target.deployment.ingestGroup,
      dlqTopic: target.env.RELEARN_TOPIC_DLQ ?? '',
    });
    if (options.phases.has('raw-consume')) await measure('raw-consume', () => measureRawConsume(context));
    if (options.phases.has('raw-insert')) await measure('raw-insert', () => measureRawInsert(context, encoded));
    if (options.phases.has('ceiling')) await measure('ceiling', () => measureCeiling(context));
    let ingest: PhaseResult | null = null;
    if (options.phases.has('ingest')) ingest = await measure('ingest', () => measureRelearn(context, cli, relearnRun('ingest', 'ingest', base)));
    const all = prepared.get('ingest-all');
    if (all !== undefined) {
      await measure('ingest-all', () => measureRelearn(context, cli, relearnRun('ingest-all', 'ingest,trainer,api', all)));
      await mongo.db(all.deployment.database).dropDatabase();
    }

    // 4. Trigger latency, on the ingest phase's database and group (caught up on the backlog).
    if (options.phases.has('latency')) {
      if (ingest === null) fail('latency', new Error('needs the ingest phase, which did not measure a rate'));
      else {
        const rate = ingest.recordsPerSecond * options.latencyRateShare;
        log(`latency: measuring at ${Math.round(rate)} records/s (${options.latencyRateShare} × the ingest phase's rate)`);
        try {
          latency = await measureTriggerLatency(context, cli, relearnRun('latency', 'ingest', base), base.settings, producer, schemaIds, rate);
          for (const problem of latency.problems) fail('latency', new Error(problem));
        } catch (error) {
          fail('latency', error);
        }
      }
    }
    await mongo.db(base.deployment.database).dropDatabase();
    if (!stack.startedHere) {
      // A stack of someone else's: leave nothing behind (a stack started here is discarded whole).
      const listed = new Set(await admin.listTopics());
      const ours = [...listed].filter((topic) => topic.startsWith(topicPrefix));
      if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await mongo.close();
  }
}

try {
  await main();
} catch (error) {
  fail('run', error);
} finally {
  killRunningRelearnProcesses();
  try {
    await stack?.stop();
  } catch (error) {
    fail('stack stop', error);
  }
}

/** (c)/(a): each relearn measurement's records/s over the ceiling's, when both ran. */
function ceilingRatios(measured: readonly PhaseResult[]): Record<string, number | null> {
  const ceiling = measured.find((result) => result.phase === 'ceiling');
  const ratios: Record<string, number | null> = {};
  for (const result of measured) if (result.clientProcess === 'relearn') ratios[result.phase] = ceiling === undefined ? null : result.recordsPerSecond / ceiling.recordsPerSecond;
  return ratios;
}

const load = loadavg();
const report = {
  runId,
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  ok: failures.length === 0,
  failures,
  command: `node --import tsx bench/ingest/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
  dist: options.dist,
  distRevision: gitRevision(cli.checkout),
  benchRevision: gitRevision(ROOT),
  machine: machineLine(),
  loadAverageAtEnd: load,
  stack: stack === undefined ? null : { startedHere: stack.startedHere, endpoints: stack.endpoints },
  options: { ...options, phases: [...options.phases] },
  backlog: backlogFacts,
  phases: results,
  ratios: ceilingRatios(results),
  latency,
  relearnLogs: logDir,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

const distRevision = report.distRevision === null ? 'not a git checkout' : `${report.distRevision.commit.slice(0, 10)}${report.distRevision.dirty ? ' (uncommitted changes)' : ''}`;
console.log(`# Ingest benchmark ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC\n`);
console.log(`relearn: ${options.dist} (${distRevision}); machine: ${report.machine.replace(/, load average.*$/, '')}; load average at the end ${load.map((value) => value.toFixed(2)).join(' / ')}\n`);
if (Object.keys(backlogFacts).length > 0) {
  const facts = backlogFacts as { records: number; transactions: number; labeledAtCreation: number; labelEvents: number; resends: number; produceRecordsPerSecond: number };
  console.log(
    `Backlog: ${facts.records.toLocaleString('en-US')} records = ${facts.transactions.toLocaleString('en-US')} transactions over ${options.users.toLocaleString('en-US')} users (${facts.labeledAtCreation.toLocaleString('en-US')} with a category) + ${facts.labelEvents.toLocaleString('en-US')} LabelRecorded + ${facts.resends.toLocaleString('en-US')} resends; produced at ${Math.round(facts.produceRecordsPerSecond).toLocaleString('en-US')} records/s.\n`,
  );
}
if (results.length > 0) {
  console.log(throughputTable(results));
  console.log('');
  for (const line of ratioLines(results)) console.log(line);
  console.log(
    `\nWall: from the pipeline running (ceiling and raw consume: kafkajs consumer.run() returned, which is after the group join; relearn: its ready line, printed after its consumer.run() returned) until every input partition is committed to its end (relearn: lag polled every ${options.lagPollMs} ms). relearn's records are its lag at the ready line.`,
  );
}
if (latency !== null) {
  console.log('\n## Trigger latency (relearn start --roles ingest, caught up)\n');
  console.log(latencyTable(latency));
}
console.log(`\nJSON: ${relative(process.cwd(), out)}`);
if (failures.length > 0) {
  console.log(`\nFAILED (${failures.length}):`);
  for (const failure of failures) console.log(`- ${failure}`);
  process.exit(1);
}
process.exit(0);
