// Memory benchmark (issue 12): `npm run bench:scopes -- [options]` (--help lists them).
//
// On the real stack, under a topic prefix, database and consumer group unique to the run:
//   1. topics and schemas through the build under test (`relearn topics apply`, `schemas register`);
//   2. a backlog of many small scopes: 100,000 users with a few transactions each (some with
//      a category, some labeled later on labels.v1) and 1,000 organisations with a few
//      submitted sheets of expenses, all far below the first-model thresholds;
//   3. `relearn start --roles ingest` (the build's dist/cli/main.js) until the group's lag is 0:
//      records/s, CPU, RSS every second and the peak (VmHWM);
//   4. then idle for a few minutes: RSS, heap and external memory after forced full GCs at
//      intervals. The GCs are run by a preloaded bench-only module (bench/scopes/memory-probe.mjs,
//      through NODE_OPTIONS) on SIGUSR2; relearn has no endpoint for it.
// Prints a markdown summary; writes JSON to bench/results/scopes-<timestamp>.json. Deletes its
// database, topics and consumer group at the end (the test server keeps everything in memory).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Admin, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';

import { MONGO_COLLECTIONS } from '../../src/adapters/mongo/mongo-collections.js';
import { groupLag, endOffsets, totalOf } from '../ingest/consumer-lag.js';
import type { EncodedRecord } from '../ingest/encoded-records.js';
import { benchKafka, idempotentProducer } from '../ingest/kafka-client.js';
import { prepareDeployment, schemaIdOf } from '../ingest/prepare-deployment.js';
import { processCpuSeconds } from '../ingest/process-cpu.js';
import { produceAll } from '../ingest/produce-records.js';
import { RelearnCli } from '../ingest/relearn-cli.js';
import { relearnEnv, type RelearnDeployment } from '../ingest/relearn-env.js';
import { killRunningRelearnProcesses, RelearnProcess } from '../ingest/relearn-process.js';
import { gitRevision, newRunId } from '../ingest/run-identity.js';
import { SchemaCache } from '../ingest/schema-cache.js';
import { openTestStack, type TestStack } from '../ingest/test-stack.js';
import { machineLine } from '../scenarios/machine-line.js';
import { MemoryProbeClient, residentBytes, residentByMapping, type ProbeReading } from './memory-probe-client.js';
import { emptyCounts, SCOPE_ROLES, scopeBacklog, type ScopeRole } from './scope-backlog.js';
import { parseScopesOptions, USAGE, type ScopesOptions } from './scopes-options.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The 300 MB of issue 12, in bytes (MB = 10^6 bytes; MiB are printed beside). */
const TARGET_BYTES = 300e6;
/** Post-GC RSS and heap over the idle period count as flat when no sample rises more than this above an earlier one. */
const FLAT_TOLERANCE_BYTES = 5e6;
const STOP_TIMEOUT_MS = 45_000;
const benchStarted = performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

function log(line: string): void {
  process.stderr.write(`bench:scopes +${((performance.now() - benchStarted) / 1000).toFixed(1)}s ${line}\n`);
}

let options: ScopesOptions;
try {
  const parsed = parseScopesOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  options = parsed;
} catch (error) {
  console.error(`bench:scopes: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}

const startedAt = new Date();
const runId = newRunId(startedAt.getTime());
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const out = resolve(options.out ?? join(ROOT, 'bench/results', `scopes-${stamp}.json`));
const workDir = join(tmpdir(), `relearn-bench-scopes-${runId}`);
mkdirSync(workDir, { recursive: true });
if (options.heapSnapshots !== null) mkdirSync(options.heapSnapshots, { recursive: true });
const failures: string[] = [];
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
    log(`${signal}: ending the relearn child (the run's database and topics are left behind: ${runId})`);
    killRunningRelearnProcesses();
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const cli = (() => {
  try {
    return new RelearnCli(options.dist);
  } catch (error) {
    console.error(`bench:scopes: ${(error as Error).message}`);
    process.exit(2);
  }
})();

/** RSS of the child every second while it runs (VmRSS), and its high-water mark. */
interface RssPoint {
  /** Seconds since the ready line. */
  t: number;
  rssBytes: number;
  phase: 'ingest' | 'idle';
}

interface IdleSample {
  /** Seconds since the backlog was caught up. */
  t: number;
  reading: ProbeReading;
  /** VmRSS read by the bench right after the reading. */
  vmRssBytes: number;
  /** The same RSS by kind of mapping (/proc/<pid>/smaps). */
  mappings: { brkHeap: number; anonymous: number; files: number };
}

const facts: Record<string, unknown> = {};
const rssSeries: RssPoint[] = [];
const idleSamples: IdleSample[] = [];
interface IngestFacts {
  records: number;
  wallMs: number;
  recordsPerSecond: number;
  cpuSeconds: number;
  spawnToReadyMs: number;
  peakRssDuringIngestBytes: number;
}
/** What the run measured (filled in by main; an object, so the report's reads are not narrowed to the initial nulls). */
const measured: {
  afterIngest: ProbeReading | null;
  afterIngestMappings: IdleSample['mappings'] | null;
  peakRssBytes: number | null;
  ingest: IngestFacts | null;
  store: Record<string, number>;
  exit: unknown;
} = {
  afterIngest: null,
  afterIngestMappings: null,
  peakRssBytes: null,
  ingest: null,
  store: {},
  exit: null,
};

async function produceBacklog(producer: Producer, topicOf: (role: ScopeRole) => string, schemaIds: Record<ScopeRole, number>, schemas: SchemaCache) {
  const counts = emptyCounts();
  const shape = {
    users: options.users,
    transactionsPerUser: { min: options.minTransactions, max: options.maxTransactions },
    labelShare: options.labelShare,
    labelEventShare: options.labelEventShare,
    orgs: options.orgs,
    sheetsPerOrg: options.sheetsPerOrg,
    expensesPerSheet: options.expensesPerSheet,
    seed: options.seed,
    days: 30,
    end: Date.now(),
  };
  const started = performance.now();
  let bytes = 0;
  let lastLog = 0;
  for (const chunk of scopeBacklog(shape, options.chunkUsers, counts)) {
    const encoded: EncodedRecord[] = [];
    for (const record of chunk) {
      const value = await schemas.encode(schemaIds[record.role], record.event);
      bytes += value.length;
      encoded.push({ topic: topicOf(record.role), key: record.key, value });
    }
    await produceAll(producer, encoded, options.produceBatch);
    if (counts.records - lastLog >= 50_000) {
      lastLog = counts.records;
      log(`produced ${counts.records} records`);
    }
  }
  const elapsedMs = performance.now() - started;
  return { counts, bytes, elapsedMs };
}

async function main(): Promise<void> {
  log(`run ${runId}: relearn from ${options.dist}; work files in ${workDir}`);
  stack = await openTestStack(ROOT, { serverCpu: false }, log);
  const { endpoints } = stack;
  const topicPrefix = `bench-scopes-${runId}.`;
  const deployment: RelearnDeployment = { label: 'scopes', database: `bench_scopes_${runId}`, ingestGroup: `bench-scopes-${runId}-ingest`, trainerGroup: `bench-scopes-${runId}-trainer` };
  const env = relearnEnv(endpoints, topicPrefix, deployment, { apiToken: `bench-${runId}-token`, logLevel: options.relearnLogLevel, clientId: `bench-scopes-${runId}` });
  const prepared = await prepareDeployment(cli, deployment, env, log);
  const topicOf = (role: ScopeRole): string => {
    const name = prepared.settings.core.topics[role];
    if (name === undefined) throw new Error(`relearn config --json names no ${role} topic`);
    return name;
  };
  const inputTopics = SCOPE_ROLES.map(topicOf);
  const schemaIds = Object.fromEntries(SCOPE_ROLES.map((role) => [role, schemaIdOf(prepared, topicOf(role))])) as Record<ScopeRole, number>;

  const kafka = benchKafka(endpoints.kafkaBrokers, `bench-scopes-${runId}`);
  const admin = kafka.admin();
  await admin.connect();
  const mongo = new MongoClient(endpoints.mongodbUri, { appName: `bench-scopes-${runId}` });
  await mongo.connect();
  const producer = await idempotentProducer(kafka);
  try {
    const produced = await produceBacklog(producer, topicOf, schemaIds, new SchemaCache(endpoints.schemaRegistryUrl));
    const total = Number(totalOf(await endOffsets(admin, inputTopics)));
    if (total !== produced.counts.records) throw new Error(`the input topics hold ${total} records after producing ${produced.counts.records}`);
    Object.assign(facts, { ...produced.counts, meanValueBytes: produced.bytes / produced.counts.records, produceMs: produced.elapsedMs, topics: inputTopics });
    log(
      `backlog: ${produced.counts.records} records (${produced.counts.transactions} transactions of ${options.users} users, ${produced.counts.labelEvents} labels, ${produced.counts.expenses} expenses and ${produced.counts.sheets} sheets of ${options.orgs} orgs) in ${(produced.elapsedMs / 1000).toFixed(1)} s`,
    );
    await measure(admin, env, deployment, inputTopics);
    measured.store = await storeCounts(mongo, deployment.database);
    log(`store: ${JSON.stringify(measured.store)}`);
  } finally {
    await producer.disconnect();
    try {
      if (!options.keep) await cleanUp(admin, mongo, deployment, topicPrefix);
    } finally {
      await admin.disconnect();
      await mongo.close();
    }
  }
}

/** The (scope, kind) counter documents, events and items the run left in its database. */
async function storeCounts(mongo: MongoClient, database: string): Promise<Record<string, number>> {
  const db = mongo.db(database);
  const counts: Record<string, number> = {};
  for (const name of [MONGO_COLLECTIONS.counters, MONGO_COLLECTIONS.events, MONGO_COLLECTIONS.decisions]) counts[name] = await db.collection(name).countDocuments();
  return counts;
}

async function cleanUp(admin: Admin, mongo: MongoClient, deployment: RelearnDeployment, topicPrefix: string): Promise<void> {
  await mongo.db(deployment.database).dropDatabase();
  const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
  if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  // The ingest group and the groups derived from it (a service process follows model updates as `<ingest group>.champions.<owner>`).
  const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(deployment.ingestGroup));
  try {
    if (groups.length > 0) await admin.deleteGroups(groups);
  } catch (error) {
    log(`deleting groups ${groups.join(', ')}: ${(error as Error).message}`);
  }
  log(`deleted database ${deployment.database}, ${ours.length} topics and ${groups.length} consumer groups`);
}

async function measure(admin: Admin, env: Record<string, string>, deployment: RelearnDeployment, inputTopics: readonly string[]): Promise<void> {
  const holder: { child?: RelearnProcess } = {};
  const probe = new MemoryProbeClient(() => {
    if (holder.child === undefined) throw new Error('no relearn child');
    return holder.child.pid;
  }, workDir);
  const childEnv = { ...env, ...options.relearnEnv, ...probe.env(options.relearnEnv.NODE_OPTIONS) };
  log(`relearn start --roles ingest (log ${join(workDir, 'relearn.log')})`);
  const running = RelearnProcess.spawn(cli, 'ingest', childEnv, join(workDir, 'relearn.log'));
  holder.child = running;
  let phase: RssPoint['phase'] = 'ingest';
  let readyAt = performance.now();
  const watcher = setInterval(() => {
    if (running.hasExited) return;
    try {
      rssSeries.push({ t: Math.round(performance.now() - readyAt) / 1000, rssBytes: residentBytes(running.pid).rss, phase });
    } catch {
      // the child just exited
    }
  }, 1_000);
  try {
    readyAt = await running.ready(options.readyTimeoutMs);
    const spawnToReadyMs = readyAt - running.spawnedAt;
    const cpuAtReady = processCpuSeconds(running.pid);
    const lagAtReady = await groupLag(admin, deployment.ingestGroup, inputTopics);
    log(`ready ${(spawnToReadyMs / 1000).toFixed(1)} s after spawn, lag ${lagAtReady}`);
    const deadline = readyAt + options.catchUpTimeoutMs;
    let lastLog = performance.now();
    for (;;) {
      if (running.hasExited) throw new Error(`relearn exited while catching up:\n${running.tail()}`);
      const lag = await groupLag(admin, deployment.ingestGroup, inputTopics);
      if (lag === 0) break;
      if (performance.now() > deadline) throw new Error(`still ${lag} records behind ${options.catchUpTimeoutMs / 1000} s after the ready line`);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`lag ${lag}, RSS ${mb(residentBytes(running.pid).rss)} MB`);
      }
      await sleep(1_000);
    }
    const caughtUpAt = performance.now();
    const wallMs = caughtUpAt - readyAt;
    const ingestFacts: IngestFacts = {
      records: lagAtReady,
      wallMs,
      recordsPerSecond: (lagAtReady / wallMs) * 1000,
      cpuSeconds: processCpuSeconds(running.pid) - cpuAtReady,
      spawnToReadyMs,
      peakRssDuringIngestBytes: residentBytes(running.pid).hwm,
    };
    measured.ingest = ingestFacts;
    log(`caught up: ${lagAtReady} records in ${(wallMs / 1000).toFixed(1)} s = ${Math.round(ingestFacts.recordsPerSecond)} records/s; peak RSS ${mb(ingestFacts.peakRssDuringIngestBytes)} MB`);
    phase = 'idle';
    const afterIngest = await probe.read();
    measured.afterIngestMappings = residentByMapping(running.pid);
    measured.afterIngest = afterIngest;
    log(`after ingest, after GC: RSS ${mb(afterIngest.memory.rss)} MB, heap used ${mb(afterIngest.memory.heapUsed)} MB, external ${mb(afterIngest.memory.external)} MB`);
    // Idle: nothing new arrives; the process ticks its re-checks and stored-work polls.
    const idleStarted = performance.now();
    for (let next = options.sampleMs; next <= options.idleMs; next += options.sampleMs) {
      await sleep(Math.max(0, idleStarted + next - performance.now()));
      if (running.hasExited) throw new Error(`relearn exited while idle:\n${running.tail()}`);
      const reading = await probe.read();
      const sample = { t: Math.round(performance.now() - idleStarted) / 1000, reading, vmRssBytes: residentBytes(running.pid).rss, mappings: residentByMapping(running.pid) };
      idleSamples.push(sample);
      log(`idle +${sample.t.toFixed(0)} s, after GC: RSS ${mb(reading.memory.rss)} MB, heap used ${mb(reading.memory.heapUsed)} MB, external ${mb(reading.memory.external)} MB`);
    }
    // Writing a snapshot leaves RSS hundreds of MB higher: only once every reading is taken.
    if (options.heapSnapshots !== null) {
      const snapshot = await probe.read({ snapshot: join(options.heapSnapshots, `scopes-${runId}-idle-end.heapsnapshot`), timeoutMs: 300_000 });
      log(`heap snapshot ${snapshot.snapshot ?? '(none)'}`);
    }
    const lagAfterIdle = await groupLag(admin, deployment.ingestGroup, inputTopics);
    if (lagAfterIdle !== 0) fail('idle', new Error(`the group lags ${lagAfterIdle} records after the idle period (nothing was produced)`));
    measured.peakRssBytes = residentBytes(running.pid).hwm;
  } finally {
    clearInterval(watcher);
    if (!running.hasExited) {
      try {
        const exit = await running.stop(STOP_TIMEOUT_MS);
        measured.exit = exit;
        if (exit.code !== 0) fail('stop', new Error(`relearn exited with ${JSON.stringify(exit)} after SIGTERM:\n${running.tail()}`));
      } catch (error) {
        fail('stop', error);
      }
    }
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

/** Least-squares slope of y over t, per minute. */
function slopePerMinute(points: readonly { t: number; y: number }[]): number | null {
  if (points.length < 2) return null;
  const meanT = points.reduce((sum, point) => sum + point.t, 0) / points.length;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / points.length;
  let numerator = 0;
  let denominator = 0;
  for (const point of points) {
    numerator += (point.t - meanT) * (point.y - meanY);
    denominator += (point.t - meanT) ** 2;
  }
  return denominator === 0 ? null : (numerator / denominator) * 60;
}

const { afterIngest, afterIngestMappings, peakRssBytes, ingest: ingestFacts, store: storeFacts, exit: exitFacts } = measured;
/** The largest rise from any sample to a later one: 0 for a series that only falls or stays. */
function largestRise(values: readonly number[]): number {
  let lowest = Number.POSITIVE_INFINITY;
  let rise = 0;
  for (const value of values) {
    rise = Math.max(rise, value - lowest);
    lowest = Math.min(lowest, value);
  }
  return rise;
}

const idleRss = idleSamples.map((sample) => sample.reading.memory.rss);
const idleHeap = idleSamples.map((sample) => sample.reading.memory.heapUsed);
const firstIdle = idleSamples[0];
const lastIdle = idleSamples.at(-1);
// The target is on the idle process: every RSS-after-GC sample of the idle period, the first
// one included (the end-of-ingest reading is reported, not judged). Flat: no sample rises by
// more than the tolerance above an earlier one, for RSS and for the heap in use.
const verdict =
  firstIdle === undefined || lastIdle === undefined
    ? null
    : {
        maxIdleRssAfterGcBytes: Math.max(...idleRss),
        lastIdleRssAfterGcBytes: lastIdle.reading.memory.rss,
        withinTarget: Math.max(...idleRss) <= TARGET_BYTES,
        rssChangeBytes: lastIdle.reading.memory.rss - firstIdle.reading.memory.rss,
        rssLargestRiseBytes: largestRise(idleRss),
        rssSlopeBytesPerMinute: slopePerMinute(idleSamples.map((sample) => ({ t: sample.t, y: sample.reading.memory.rss }))),
        heapChangeBytes: lastIdle.reading.memory.heapUsed - firstIdle.reading.memory.heapUsed,
        heapLargestRiseBytes: largestRise(idleHeap),
        heapSlopeBytesPerMinute: slopePerMinute(idleSamples.map((sample) => ({ t: sample.t, y: sample.reading.memory.heapUsed }))),
        flat: largestRise(idleRss) <= FLAT_TOLERANCE_BYTES && largestRise(idleHeap) <= FLAT_TOLERANCE_BYTES,
      };

const load = loadavg();
const report = {
  runId,
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  ok: failures.length === 0,
  failures,
  command: `npm run bench:scopes -- ${process.argv.slice(2).join(' ')}`.trim(),
  dist: options.dist,
  distRevision: gitRevision(cli.checkout),
  benchRevision: gitRevision(ROOT),
  machine: machineLine(),
  loadAverageAtEnd: load,
  options,
  backlog: facts,
  ingest: ingestFacts,
  peakRssBytes,
  afterIngest,
  afterIngestMappings,
  idleSamples,
  verdict,
  targets: { rssAfterGcBytes: TARGET_BYTES, flatToleranceBytes: FLAT_TOLERANCE_BYTES },
  store: storeFacts,
  exit: exitFacts,
  rssSeries,
  workDir,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

const revision = report.distRevision === null ? 'not a git checkout' : `${report.distRevision.commit.slice(0, 10)}${report.distRevision.dirty ? ' (uncommitted changes)' : ''}`;
console.log(`# Scopes memory benchmark ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC\n`);
console.log(`relearn: ${options.dist} (${revision}); machine: ${report.machine.replace(/, load average.*$/, '')}; load average at the end ${load.map((value) => value.toFixed(2)).join(' / ')}\n`);
if (typeof facts.records === 'number') {
  const f = facts as unknown as ReturnType<typeof emptyCounts>;
  console.log(
    `Backlog: ${f.records.toLocaleString('en-US')} records: ${f.transactions.toLocaleString('en-US')} transactions of ${options.users.toLocaleString('en-US')} users (${f.labeledAtCreation.toLocaleString('en-US')} with a category, ${f.labeledUsers.toLocaleString('en-US')} users with a label) + ${f.labelEvents.toLocaleString('en-US')} LabelRecorded + ${f.expenses.toLocaleString('en-US')} expenses in ${f.sheets.toLocaleString('en-US')} sheets of ${options.orgs.toLocaleString('en-US')} organisations. Store after the run: ${JSON.stringify(storeFacts)}.\n`,
  );
}
if (ingestFacts !== null) {
  console.log(
    `Ingest: ${ingestFacts.records.toLocaleString('en-US')} records in ${(ingestFacts.wallMs / 1000).toFixed(1)} s = ${Math.round(ingestFacts.recordsPerSecond).toLocaleString('en-US')} records/s (relearn CPU ${ingestFacts.cpuSeconds.toFixed(1)} s; ready ${(ingestFacts.spawnToReadyMs / 1000).toFixed(1)} s after spawn); peak RSS during ingest ${mb(ingestFacts.peakRssDuringIngestBytes)} MB.\n`,
  );
}
const row = (label: string, reading: ProbeReading, mappings: IdleSample['mappings'] | null) =>
  `| ${label} | ${mb(reading.memory.rss)} | ${mb(reading.memory.heapUsed)} | ${mb(reading.memory.heapTotal)} | ${mb(reading.memory.external)} | ${mb(reading.memory.arrayBuffers)} | ${mappings === null ? '' : mb(mappings.brkHeap)} | ${mappings === null ? '' : mb(mappings.anonymous)} |`;
if (afterIngest !== null) {
  console.log('| after forced GC | RSS MB | heap used MB | heap total MB | external MB | array buffers MB | RSS in malloc brk heap MB | RSS in other anonymous maps MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  console.log(row('end of ingest', afterIngest, afterIngestMappings));
  for (const sample of idleSamples) console.log(row(`idle +${sample.t.toFixed(0)} s`, sample.reading, sample.mappings));
  console.log('');
}
if (verdict !== null) {
  console.log(
    `Peak RSS (VmHWM, whole run): ${peakRssBytes === null ? 'n/a' : mb(peakRssBytes)} MB. Idle RSS after GC: max ${mb(verdict.maxIdleRssAfterGcBytes)} MB, last ${mb(verdict.lastIdleRssAfterGcBytes)} MB (target ≤ ${mb(TARGET_BYTES)} MB: ${verdict.withinTarget ? 'met' : 'MISSED'}); first → last ${mb(verdict.rssChangeBytes)} MB, largest rise ${mb(verdict.rssLargestRiseBytes)} MB; heap used first → last ${mb(verdict.heapChangeBytes)} MB, largest rise ${mb(verdict.heapLargestRiseBytes)} MB (flat, no rise above ${mb(FLAT_TOLERANCE_BYTES)} MB: ${verdict.flat ? 'yes' : 'NO'}).`,
  );
}
console.log(`\nJSON: ${relative(process.cwd(), out)}`);
if (failures.length > 0) {
  console.log(`\nFAILED (${failures.length}):`);
  for (const failure of failures) console.log(`- ${failure}`);
  process.exit(1);
}
process.exit(0);
