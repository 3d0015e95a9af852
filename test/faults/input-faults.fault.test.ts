// Fault tests: what relearn's input side meets besides crashes and outages (issue 12).
// Four scenarios, each on a deployment of its own (topics, consumer groups, database),
// with real `relearn start` processes (dist/) that the test never kills:
//   1. corrupt champion: users and an organisation train champions; the test then stores,
//      through the ModelRegistry port, a version of garbage bytes as the champion of every
//      (scope, kind) that has one, and the load goes on. Valid records must be stored and
//      counted, their partitions move on (the live-performance sample is skipped when the
//      champion cannot load), sheets are still analysed once each, nothing waits.
//   2. missing DLQ: the dead-letter topic is deleted while poison records arrive. The
//      partitions holding poison must stop (never commit a poison record that did not reach
//      the DLQ) with a log line that names the DLQ and a metric
//      (relearn_dead_letter_failures_total), backing off rather than spinning; once the topic
//      is created again (`applyContractTopics`, what `relearn topics apply` does) each poison
//      record is on the DLQ exactly once and every good record stored and counted once.
//   3. registry answering 401: a small HTTP proxy of this file stands between the ingest
//      process and the real Apicurio registry and answers 401 for 20 s. Good records must
//      not go to the DLQ: they wait and are ingested once the registry answers again.
//   4. input topic deleted and re-created mid-stream: the transactions topic goes and comes
//      back empty, so its offsets start again below those the counters applied. New events
//      on it must be stored and counted (counters equal distinct events).
// Checks go through the product's ports and topics only (exactly-once-checks.ts), plus the
// processes' logs, their /metrics and the consumer group's committed offsets. Knobs:
// RELEARN_FAULT_SEED, RELEARN_FAULT_KEEP=1 (keep topics and databases). Figures:
// test/faults/output/input-faults.json; process logs under test/faults/output/logs/.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyContractTopics } from '../../src/app/composition-root.js';
import type { ChampionPointer } from '../../src/ports/model-registry.js';
import { SeededRandom } from '../../src/simulate/index.js';
import { checkCounters, checkDecisions, checkDlq, checkSheetAnalyses, checkStored, settleProblems, waitUntilQuiet, type CheckResult, type SettleState } from './exactly-once-checks.js';
import { envNumber, freshDeployment, REPO_ROOT, type FaultDeployment } from './fault-deployment.js';
import { FaultLoad, type LoadTruth } from './fault-load.js';
import { ProcessSupervisor } from './process-supervisor.js';

const SEED = envNumber('RELEARN_FAULT_SEED', 20_262);
/** RELEARN_SHUTDOWN_TIMEOUT_MS is 30 s by default: a little more before SIGKILL. */
const STOP_TIMEOUT_MS = 40_000;
const JOINED = /joined the consumer group/;
/** The time an ingest-only scenario gives its process to catch up once the fault is over. */
const CATCH_UP_MS = 90_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`[input-faults] ${line}\n`);
const figures: Record<string, Record<string, unknown>> = {};
const deployments: FaultDeployment[] = [];
const supervisors: ProcessSupervisor[] = [];

function relearnProcess(deployment: FaultDeployment, name: string, roles: string, env: NodeJS.ProcessEnv = deployment.childEnv): ProcessSupervisor {
  // Never killed by the supervisor (killing is never switched on): the range is unused.
  const supervisor = new ProcessSupervisor({ name, args: ['start', '--roles', roles], env, logDir: deployment.logDir, random: SeededRandom.fromSeed(SEED).fork(name), killAfterMs: [1, 1] });
  supervisors.push(supervisor);
  return supervisor;
}

async function deployment(label: string): Promise<FaultDeployment> {
  const made = await freshDeployment(label);
  deployments.push(made);
  return made;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Exits no one asked for, as text for a failure message. */
function ownExits(...list: ProcessSupervisor[]): string[] {
  return list.flatMap((supervisor) => supervisor.ownExits.map((exit) => `${exit.logFile.replace(REPO_ROOT, '')} exited with ${exit.signal ?? `code ${exit.code}`} after ${(exit.lifetimeMs / 1000).toFixed(1)} s`));
}

/** Pino lines of a process's logs whose text (message, error, fields) matches. */
function logLines(supervisor: ProcessSupervisor, pattern: RegExp): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const text of supervisor.logText().split('\n')) {
    if (!text.startsWith('{') || !pattern.test(text)) continue;
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      // not a log line of relearn's
    }
  }
  return lines;
}

function expectedStats(truth: LoadTruth): Record<string, number> {
  return { transactions: truth.transactions.size, expenses: truth.expenses.size, sheets: truth.sheets.size, labels: truth.labels.size };
}

interface CatchUp {
  done: boolean;
  waitedMs: number;
  lag: Record<string, number>;
  stored: Record<string, number>;
}

/** Until the ingest group has no lag and the store holds every distinct event sent (or `timeoutMs`). */
async function waitForIngest(run: FaultDeployment, truth: LoadTruth, timeoutMs: number): Promise<CatchUp> {
  const started = Date.now();
  const want = JSON.stringify(expectedStats(truth));
  let state: CatchUp = { done: false, waitedMs: 0, lag: {}, stored: {} };
  while (Date.now() - started < timeoutMs) {
    const lag = await run.ingestLag().catch(() => ({ unknown: -1 }));
    const stats = await run.ports.store.stats();
    const stored = { transactions: stats.transactions, expenses: stats.expenses, sheets: stats.sheets, labels: stats.labels };
    state = { done: Object.values(lag).every((value) => value === 0) && JSON.stringify(stored) === want, waitedMs: Date.now() - started, lag, stored };
    if (state.done) return state;
    await sleep(1_000);
  }
  return state;
}

function problemsOf(check: CheckResult, into: Record<string, unknown>, name: string): string[] {
  into[name] = check.figures;
  return check.problems;
}

/** The sum of a Prometheus counter's series (all labels). */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`).exec(line);
    if (match !== null) sum += Number(match[1]);
  }
  return sum;
}

afterAll(async () => {
  await Promise.allSettled(supervisors.map((supervisor) => supervisor.stop(5_000)));
  for (const made of deployments) await made.close().catch((error: unknown) => log(`clean-up of ${made.prefix} failed: ${String(error)}`));
  const folder = new URL('./output/', import.meta.url);
  mkdirSync(folder, { recursive: true });
  writeFileSync(new URL('input-faults.json', folder), `${JSON.stringify({ at: new Date().toISOString(), seed: SEED, ...figures }, null, 2)}\n`);
}, 300_000);

// ---------------------------------------------------------------- 1. corrupt champion

describe('a champion whose stored artifact is garbage', () => {
  const own: Record<string, unknown> = (figures.corruptChampion = {});
  let run: FaultDeployment;
  let truth: LoadTruth;
  let ingest: ProcessSupervisor;
  let trainer: ProcessSupervisor;
  const corrupted: ChampionPointer[] = [];
  let settle: SettleState;
  const STALL_MS = 30_000;

  beforeAll(async () => {
    const began = Date.now();
    run = await deployment('champion');
    // 4 users and 1 organisation: each reaches its first model's policy within the first part.
    const load = new FaultLoad(run.kafka, run.ports.codec, run.topics, { seed: SEED, users: 4, orgs: 1, resendRate: 0.02, ratePerSecond: 250, durationMs: 8_000, poisonPerFlaw: 0 });
    truth = load.truth;
    await load.prepare();
    const firstPart = Math.round(load.size * 0.45);
    trainer = relearnProcess(run, 'trainer', 'trainer');
    ingest = relearnProcess(run, 'ingest', 'ingest');
    trainer.start();
    ingest.start();
    await Promise.all([ingest.waitForLog(JOINED, 90_000), trainer.waitForLog(JOINED, 90_000)]);
    await load.run({ to: firstPart });

    // Champions trained on the first part, and no training left running that could replace the garbage.
    const quiet = await waitUntilQuiet(run, { settleMs: 90_000, stallMs: STALL_MS, log });
    const champions = await run.ports.registry.champions();
    own.firstPart = { records: firstPart, quiet: quiet.settled, waitedMs: quiet.waitedMs, champions: champions.map((pointer) => `${pointer.scope}/${pointer.kind}@${pointer.version}`) };
    if (!champions.some((pointer) => pointer.kind === 'categorizer') || !champions.some((pointer) => pointer.kind === 'anomaly')) {
      throw new Error(`the first part trained no categorizer or no anomaly champion to corrupt: ${JSON.stringify(own.firstPart)}`);
    }

    // Garbage bytes stored as a new champion version of every (scope, kind) that has one, with
    // the largest fencing token handed out so far (a later lease's token is larger still).
    const jobs = await run.ports.jobs.list({ limit: 10_000 });
    const token = Math.max(0, ...jobs.map((job) => job.fencingToken));
    const garbage = SeededRandom.fromSeed(SEED).fork('garbage');
    for (const pointer of champions) {
      const current = await run.ports.registry.champion(pointer.scope, pointer.kind);
      if (current === null) continue;
      const { modelId: _modelId, version: _version, artifactBytes: _bytes, ...rest } = current;
      const stored = await run.ports.registry.store(
        { ...rest, requestId: `fault-garbage-${run.id}-${pointer.scope}-${pointer.kind}`, trainedAt: Date.now(), previousVersion: current.version, promoted: true, decision: 'fault test: garbage artifact' },
        Uint8Array.from(randomBytes(64 + garbage.int(0, 4_000))),
        token,
      );
      corrupted.push({ scope: stored.scope, kind: stored.kind, version: stored.version, since: stored.trainedAt });
    }
    log(`corrupted ${corrupted.length} champions: ${corrupted.map((pointer) => `${pointer.scope}/${pointer.kind}@${pointer.version}`).join(', ')}`);

    // The rest of the load: records for the users and the organisation whose champions are garbage.
    await load.run({ from: firstPart });
    settle = await waitUntilQuiet(run, { settleMs: 90_000, stallMs: STALL_MS, log });
    await Promise.all([ingest.stop(STOP_TIMEOUT_MS), trainer.stop(STOP_TIMEOUT_MS)]);
    const stillGarbage = [];
    for (const pointer of corrupted) if ((await run.ports.registry.champion(pointer.scope, pointer.kind))?.version === pointer.version) stillGarbage.push(`${pointer.scope}/${pointer.kind}`);
    Object.assign(own, { records: load.size, corrupted: corrupted.length, stillGarbageAtEnd: stillGarbage, settle, seconds: (Date.now() - began) / 1000 });
  }, 600_000);

  it('keeps every process running', () => {
    expect(ownExits(ingest, trainer)).toEqual([]);
  });

  it('stores and counts every valid record of a scope whose champion is garbage', async () => {
    const problems = [...settleProblems(settle, run, STALL_MS), ...problemsOf(await checkStored(run, truth), own, 'stored'), ...problemsOf(await checkCounters(run, truth), own, 'counters')];
    expect(problems, problems.join('; ')).toEqual([]);
  });

  it('dead-letters nothing and publishes every decision once', async () => {
    const problems = [...problemsOf(await checkDlq(run, truth), own, 'dlq'), ...problemsOf(await checkDecisions(run), own, 'decisions')];
    expect(problems, problems.join('; ')).toEqual([]);
  });

  it('skips the live-performance sample when the champion cannot load, and says so', () => {
    const skipped = logLines(ingest, /champion cannot be loaded; live-performance sample skipped/);
    own.samplesSkippedLines = skipped.length;
    expect(skipped.length, 'ingest never met a garbage champion: the test did not test anything').toBeGreaterThan(0);
  });

  it('analyses every submitted sheet exactly once, also with a garbage anomaly champion (without a model, and says so)', async () => {
    const problems = problemsOf(await checkSheetAnalyses(run, truth), own, 'sheetAnalyses');
    // Either process may analyse a sheet (the analyst runs after ingest batches and after trainings).
    const withoutModel = [ingest, trainer].flatMap((supervisor) => logLines(supervisor, /champion cannot be loaded; sheet analysed without a model/));
    own.sheetsWithoutModelLines = withoutModel.length;
    if (withoutModel.length === 0) problems.push('no sheet met the garbage anomaly champion: the test did not test it');
    expect(problems, problems.join('; ')).toEqual([]);
  });
});

// ---------------------------------------------------------------- 2. missing DLQ topic

describe('the DLQ topic deleted while poison records arrive', () => {
  const own: Record<string, unknown> = (figures.missingDlq = {});
  let run: FaultDeployment;
  let truth: LoadTruth;
  let ingest: ProcessSupervisor;
  let failureLines: Record<string, unknown>[] = [];
  let metricDuringOutage = -1;
  let passedPoison: string[] = [];
  let caughtUp: CatchUp;
  const OUTAGE_MS = 30_000;

  beforeAll(async () => {
    const began = Date.now();
    run = await deployment('dlq');
    const port = await freePort();
    ingest = relearnProcess(run, 'ingest-api', 'ingest,api', { ...run.childEnv, RELEARN_API_HOST: '127.0.0.1', RELEARN_API_PORT: String(port), RELEARN_API_TOKENS: `fault-read-${run.id}:read` });
    const load = new FaultLoad(run.kafka, run.ports.codec, run.topics, { seed: SEED + 1, users: 50, orgs: 4, resendRate: 0.02, ratePerSecond: 150, durationMs: 10_000, poisonPerFlaw: 1 });
    truth = load.truth;
    await load.prepare();
    ingest.start();
    await ingest.waitForLog(JOINED, 90_000);

    const admin = run.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [run.topics.dlq], timeout: 30_000 });
      const deletedAt = Date.now();
      while ((await admin.listTopics()).includes(run.topics.dlq)) {
        if (Date.now() - deletedAt > 30_000) throw new Error(`${run.topics.dlq} still listed 30 s after its deletion`);
        await sleep(500);
      }
      log(`${run.topics.dlq} deleted`);
      const outageStarted = Date.now();
      await load.run();
      // A first attempt at the DLQ takes kafkajs about 12 s to give up on (metadata retries).
      await ingest.waitForLog(/dead-letter topic/, Math.max(5_000, OUTAGE_MS - (Date.now() - outageStarted))).catch((error: unknown) => log(String(error)));
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));

      // Still in the outage: the partitions holding poison did not commit past it, and it shows.
      const committed = await admin.fetchOffsets({ groupId: run.settings.core.groups.ingest, topics: [...run.inputTopics] });
      const next = new Map(committed.flatMap((row) => row.partitions.map((partition) => [`${row.topic}/${partition.partition}`, BigInt(partition.offset)] as const)));
      passedPoison = [...truth.poison.values()].filter((poison) => (next.get(`${poison.topic}/${poison.partition}`) ?? -1n) > BigInt(poison.offset)).map((poison) => `${poison.topic.replace(run.prefix, '')}/${poison.partition}/${poison.offset} (${poison.flaw})`);
      failureLines = logLines(ingest, /cannot write \d+ record\(s\) to the dead-letter topic/);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
      metricDuringOutage = metricSum(await metrics.text(), 'relearn_dead_letter_failures_total');
      own.outage = { seconds: (Date.now() - outageStarted) / 1000, failureLines: failureLines.length, metric: metricDuringOutage, storedMeanwhile: await run.ports.store.stats() };

      // The DLQ comes back the way an operator brings it: `relearn topics apply`.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await applyContractTopics(run.settings, { replicationFactor: 1 });
          if ((await admin.listTopics()).includes(run.topics.dlq)) break;
        } catch (error) {
          if (attempt >= 20) throw error;
        }
        await sleep(1_000);
      }
      log(`${run.topics.dlq} created again`);
    } finally {
      await admin.disconnect();
    }
    caughtUp = await waitForIngest(run, truth, CATCH_UP_MS);
    await ingest.stop(STOP_TIMEOUT_MS);
    Object.assign(own, { records: load.size, poison: truth.poison.size, caughtUp, seconds: (Date.now() - began) / 1000 });
  }, 600_000);

  it('keeps the process running', () => {
    expect(ownExits(ingest)).toEqual([]);
  });

  it('stops the partitions holding poison: nothing committed past a poison record the DLQ did not take', () => {
    expect(passedPoison, 'poison records committed without being dead-lettered').toEqual([]);
  });

  it('says so in a log line that names the DLQ, retried with back-off, not in a hot loop', () => {
    expect(failureLines.length, 'no log line said the DLQ could not be written').toBeGreaterThan(0);
    // 0.5 s doubling to 30 s: at most about 7 attempts per partition in 30 s; 24 partitions could fail.
    expect(failureLines.length, `${failureLines.length} failures logged in ${OUTAGE_MS / 1000} s: a hot loop`).toBeLessThanOrEqual(24 * 8);
  });

  it('counts it in relearn_dead_letter_failures_total', () => {
    expect(metricDuringOutage, 'relearn_dead_letter_failures_total did not count the failed DLQ writes').toBeGreaterThan(0);
  });

  it('once the DLQ is back: each poison record on it exactly once, nothing else', async () => {
    const problems = [...(caughtUp.done ? [] : [`ingest did not catch up within ${CATCH_UP_MS / 1000} s: ${JSON.stringify(caughtUp)}`]), ...problemsOf(await checkDlq(run, truth), own, 'dlq')];
    expect(problems, problems.join('; ')).toEqual([]);
  });

  it('stores and counts every good record once', async () => {
    const problems = [...problemsOf(await checkStored(run, truth), own, 'stored'), ...problemsOf(await checkCounters(run, truth), own, 'counters')];
    expect(problems, problems.join('; ')).toEqual([]);
  });
});

// ---------------------------------------------------------------- 3. registry answering 401

/** Forwards to the real registry, or answers 401 as an authenticating registry would while `refusing`. */
class RegistryProxy {
  refusing = false;
  readonly counts = { forwarded: 0, refused: 0 };
  private server: Server | undefined;

  constructor(private readonly target: URL) {}

  async start(): Promise<string> {
    const server = createHttpServer((request, response) => {
      if (this.refusing) {
        this.counts.refused += 1;
        request.resume();
        response.writeHead(401, { 'content-type': 'application/vnd.schemaregistry.v1+json', 'www-authenticate': 'Basic realm="schema-registry"' });
        response.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
        return;
      }
      this.counts.forwarded += 1;
      const upstream = httpRequest(
        { host: this.target.hostname, port: this.target.port, method: request.method, path: request.url, headers: { ...request.headers, host: this.target.host } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
      request.pipe(upstream);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.target.pathname.replace(/\/+$/, '')}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('the schema registry answering 401 for 20 s', () => {
  const own: Record<string, unknown> = (figures.registry401 = {});
  let run: FaultDeployment;
  let truth: LoadTruth;
  let ingest: ProcessSupervisor;
  let proxy: RegistryProxy | undefined;
  let dlqDuringRefusal = -1;
  let caughtUp: CatchUp;
  const REFUSE_MS = 20_000;

  beforeAll(async () => {
    const began = Date.now();
    run = await deployment('registry401');
    const registryUrl = run.settings.schemaRegistry.url;
    if (registryUrl === null) throw new Error('no schema registry URL');
    proxy = new RegistryProxy(new URL(registryUrl));
    const proxyUrl = await proxy.start();
    ingest = relearnProcess(run, 'ingest', 'ingest', { ...run.childEnv, SCHEMA_REGISTRY_URL: proxyUrl });
    const load = new FaultLoad(run.kafka, run.ports.codec, run.topics, { seed: SEED + 2, users: 50, orgs: 4, resendRate: 0.02, ratePerSecond: 150, durationMs: 10_000, poisonPerFlaw: 1 });
    truth = load.truth;
    await load.prepare();
    // The process starts through the proxy (it registers its output schemas), then the registry refuses.
    ingest.start();
    await ingest.waitForLog(JOINED, 90_000);
    proxy.refusing = true;
    const refusedFrom = Date.now();
    await load.run();
    await sleep(Math.max(0, REFUSE_MS - (Date.now() - refusedFrom)));
    dlqDuringRefusal = await run.endOffset(run.topics.dlq);
    own.refusal = { seconds: (Date.now() - refusedFrom) / 1000, refused: proxy.counts.refused, dlqRecords: dlqDuringRefusal, storedMeanwhile: await run.ports.store.stats() };
    proxy.refusing = false;
    caughtUp = await waitForIngest(run, truth, CATCH_UP_MS);
    await ingest.stop(STOP_TIMEOUT_MS);
    Object.assign(own, { records: load.size, poison: truth.poison.size, proxy: proxy.counts, caughtUp, seconds: (Date.now() - began) / 1000 });
  }, 600_000);

  afterAll(async () => {
    await proxy?.close();
  });

  it('keeps the process running', () => {
    expect(ownExits(ingest)).toEqual([]);
  });

  it('the registry did refuse the process', () => {
    expect(proxy?.counts.refused ?? 0, 'the proxy never answered 401: the test did not test anything').toBeGreaterThan(0);
  });

  it('ingests the good records once the registry answers again, each stored and counted once', async () => {
    const problems = [...(caughtUp.done ? [] : [`ingest did not catch up within ${CATCH_UP_MS / 1000} s: ${JSON.stringify(caughtUp)}`]), ...problemsOf(await checkStored(run, truth), own, 'stored'), ...problemsOf(await checkCounters(run, truth), own, 'counters')];
    expect(problems, problems.join('; ')).toEqual([]);
  });

  it('sends no good record to the DLQ: only the poison, each exactly once', async () => {
    const problems = problemsOf(await checkDlq(run, truth), own, 'dlq');
    expect(problems, problems.join('; ')).toEqual([]);
  });
});

// ---------------------------------------------------------------- 4. topic deleted and re-created

describe('the transactions topic deleted and re-created mid-stream', () => {
  const own: Record<string, unknown> = (figures.recreatedTopic = {});
  let run: FaultDeployment;
  let truth: LoadTruth;
  let ingest: ProcessSupervisor;
  let firstCatchUp: CatchUp;
  let caughtUp: CatchUp;
  let oldEnds = new Map<number, bigint>();
  let newEnds = new Map<number, bigint>();
  let transactionsBefore = 0;

  beforeAll(async () => {
    const began = Date.now();
    run = await deployment('recreate');
    const topic = run.topics.transactions;
    ingest = relearnProcess(run, 'ingest', 'ingest');
    const load = new FaultLoad(run.kafka, run.ports.codec, run.topics, { seed: SEED + 3, users: 50, orgs: 4, resendRate: 0.02, ratePerSecond: 250, durationMs: 8_000, poisonPerFlaw: 0 });
    truth = load.truth;
    await load.prepare();
    // The second part is smaller, so every one of its records lands below an offset the first part's counters applied.
    const firstPart = Math.round(load.size * 0.65);
    ingest.start();
    await ingest.waitForLog(JOINED, 90_000);
    await load.run({ to: firstPart });
    firstCatchUp = await waitForIngest(run, truth, CATCH_UP_MS);
    transactionsBefore = truth.transactions.size;

    const admin = run.kafka.admin();
    await admin.connect();
    try {
      oldEnds = new Map((await admin.fetchTopicOffsets(topic)).map((row) => [row.partition, BigInt(row.high)]));
      await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
      const deletedAt = Date.now();
      while ((await admin.listTopics()).includes(topic)) {
        if (Date.now() - deletedAt > 30_000) throw new Error(`${topic} still listed 30 s after its deletion`);
        await sleep(500);
      }
      for (let attempt = 1; ; attempt += 1) {
        try {
          await applyContractTopics(run.settings, { replicationFactor: 1 });
          if ((await admin.listTopics()).includes(topic)) break;
        } catch (error) {
          if (attempt >= 20) throw error;
        }
        await sleep(1_000);
      }
      log(`${topic} deleted and created again`);
      await load.run({ from: firstPart });
      newEnds = new Map((await admin.fetchTopicOffsets(topic)).map((row) => [row.partition, BigInt(row.high)]));
    } finally {
      await admin.disconnect();
    }
    caughtUp = await waitForIngest(run, truth, CATCH_UP_MS);
    await ingest.stop(STOP_TIMEOUT_MS);
    Object.assign(own, {
      records: load.size,
      firstPart,
      firstCatchUp,
      transactions: { firstPart: transactionsBefore, all: truth.transactions.size },
      oldEnds: Object.fromEntries([...oldEnds].map(([partition, end]) => [partition, Number(end)])),
      newEnds: Object.fromEntries([...newEnds].map(([partition, end]) => [partition, Number(end)])),
      caughtUp,
      seconds: (Date.now() - began) / 1000,
    });
  }, 600_000);

  it('keeps the process running', () => {
    expect(ownExits(ingest)).toEqual([]);
  });

  it('offsets did go backwards: the re-created topic holds new events below the old log end', () => {
    expect(firstCatchUp.done, `the first part was not ingested: ${JSON.stringify(firstCatchUp)}`).toBe(true);
    expect(truth.transactions.size, 'the second part sent no new transaction').toBeGreaterThan(transactionsBefore);
    const notBelow = [...newEnds].filter(([partition, end]) => end > 0n && end > (oldEnds.get(partition) ?? 0n)).map(([partition, end]) => `partition ${partition}: ${end} after, ${oldEnds.get(partition)} before`);
    expect(notBelow).toEqual([]);
  });

  it('stores and counts the new events of the re-created topic (counters equal distinct events)', async () => {
    const problems = [...(caughtUp.done ? [] : [`ingest did not catch up within ${CATCH_UP_MS / 1000} s: ${JSON.stringify(caughtUp)}`]), ...problemsOf(await checkStored(run, truth), own, 'stored'), ...problemsOf(await checkCounters(run, truth), own, 'counters')];
    expect(problems, problems.join('; ')).toEqual([]);
  });

  it('dead-letters nothing', async () => {
    const problems = problemsOf(await checkDlq(run, truth), own, 'dlq');
    expect(problems, problems.join('; ')).toEqual([]);
  });
});
