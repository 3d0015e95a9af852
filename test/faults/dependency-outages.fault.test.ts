// Fault test: the dependencies go away under load. One `relearn start --roles ingest,api`
// process and one `relearn start --roles trainer` process run (never killed by the test)
// while the producing apps send a steady load with resends and poison records. Meanwhile:
//   1. the MongoDB test server is frozen with SIGSTOP for 30 s, then SIGCONT: /ready is
//      polled throughout and must answer 503 (never 200) while MongoDB is frozen, say
//      nothing of addresses or driver errors in its body, and answer 200 again after;
//   2. the Kafka broker is restarted (`scripts/stack.sh stop kafka`, then
//      `scripts/stack.sh start kafka --keep-data`: its data survives) while the load goes
//      on; the test's producer rides out the outage by retrying its sends (kafkajs
//      retries of the idempotent producer: no record written twice).
// Then the load stops, the system settles and both processes are stopped with SIGTERM,
// and the test checks design.md §4 ("no error of MongoDB, Kafka or the registry ends a
// process: partitions back off and resume, /ready answers 503 meanwhile") and the
// exactly-once guarantees through the product's ports and topics only
// (exactly-once-checks.ts, shared with the crash-loop test):
//   - no relearn process exited before the test's SIGTERM;
//   - /ready went 503 while MongoDB was frozen and 200 after, without leaking;
//   - each distinct event stored once and counted once in every counter;
//   - each poison record on the DLQ exactly once, nothing else there;
//   - each decision published exactly once; each submitted sheet analysed exactly once.
// It needs the stack of scripts/stack.sh (it signals the MongoDB server by the pid in
// $STACK_DIR/run and restarts Kafka with the script). STACK_DIR is taken from the
// environment, else from the marker on the running MongoDB server's command line. Knobs
// (environment, for investigation only): RELEARN_FAULT_SEED, RELEARN_FAULT_RATE,
// RELEARN_FAULT_LOAD_MS, RELEARN_FAULT_FREEZE_MS, RELEARN_FAULT_SETTLE_MS,
// RELEARN_FAULT_KEEP=1 (keep topics, database). Figures of each run:
// test/faults/output/dependency-outages.json; process logs under test/faults/output/logs/.
import { mkdirSync, writeFileSync } from 'node:fs';

import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SeededRandom } from '../../src/simulate/index.js';
import { itChecksExactlyOnce, settleProblems, waitUntilQuiet, type SettleState } from './exactly-once-checks.js';
import { envNumber, freePort, freshDeployment, REPO_ROOT, type FaultDeployment } from './fault-deployment.js';
import { findStackDir, serverPid, stackScript } from './stack-control.js';
import { FaultLoad, type LoadOptions, type LoadTruth } from './fault-load.js';
import { ProcessSupervisor, type Exit } from './process-supervisor.js';

const SEED = envNumber('RELEARN_FAULT_SEED', 20_261);
const LOAD_MS = envNumber('RELEARN_FAULT_LOAD_MS', 100_000);
const LOAD: Omit<LoadOptions, 'seed'> = {
  users: 200,
  orgs: 10,
  resendRate: 0.02,
  ratePerSecond: envNumber('RELEARN_FAULT_RATE', 150),
  durationMs: LOAD_MS,
  poisonPerFlaw: 2,
};
/** MongoDB is frozen this long after the load starts ... */
const FREEZE_AT_MS = 10_000;
/** ... for this long. */
const FREEZE_MS = envNumber('RELEARN_FAULT_FREEZE_MS', 30_000);
/** The Kafka broker is stopped no earlier than this long after the load starts (and 5 s after /ready is back). */
const KAFKA_AT_MS = FREEZE_AT_MS + FREEZE_MS + 15_000;
/** How long the broker stays down between stop and start. */
const KAFKA_DOWN_MS = 5_000;
/** After SIGCONT, or after Kafka is back, /ready must answer 200 within this. */
const RECOVER_MS = 90_000;
const SETTLE_MS = envNumber('RELEARN_FAULT_SETTLE_MS', 120_000);
/** Longer than the consumer session timeout (10 s) and a consumer rebuild's back-off. */
const STALL_MS = 45_000;
/** RELEARN_SHUTDOWN_TIMEOUT_MS is 30 s by default: a little more before SIGKILL. */
const STOP_TIMEOUT_MS = 40_000;
const READY_POLL_MS = 1_000;
/** One /ready request waits this long (the product's own probe gives up after 5 s). */
const READY_REQUEST_MS = 10_000;
/** One /api/v1 request (recorded, not judged) waits this long: longer than the freeze, to see whether it answers at all. */
const API_REQUEST_MS = 40_000;
const JOINED = /joined the consumer group/;
/**
 * What a public /ready body must not hold: an address, or the text of a driver's error
 * (the check names `kafka` and `mongodb` themselves are fine, so "Mongo" is matched with its
 * capital, as the driver's error classes spell it).
 */
const LEAKS: readonly (readonly [string, RegExp])[] = [
  ['an IPv4 address', /\b\d{1,3}(?:\.\d{1,3}){3}\b/],
  ['localhost', /localhost/i],
  ['a host:port', /\b[\w.-]+:\d{2,5}\b/],
  ['a connection string', /mongodb(?:\+srv)?:\/\//i],
  ['MongoDB driver text', /Mongo/],
  ['kafkajs text', /KafkaJS/i],
  ['a socket error code', /\bE(?:CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|HOSTUNREACH|NOTFOUND)\b/],
  ['a stack trace', /\n\s+at\s/],
];

type Phase = 'before' | 'mongo frozen' | 'mongo resumed' | 'kafka down' | 'kafka restarted' | 'load over' | 'settling';

interface ReadySample {
  /** ms since the load started, when the request was sent. */
  at: number;
  /** The phase when the request was sent ... */
  phase: Phase;
  /** ... and when its answer came. */
  endPhase: Phase;
  /** 0: no answer (refused, or slower than READY_REQUEST_MS). */
  status: number;
  body: string;
  ms: number;
}

interface Timeline {
  loadStartedAt: number;
  frozenAt: number | null;
  resumedAt: number | null;
  /** First 200 of /ready sent after SIGCONT, ms after SIGCONT. */
  readyAfterResumeMs: number | null;
  kafkaStoppedAt: number | null;
  kafkaStartedAt: number | null;
  /** First 200 of /ready sent after the broker was started again, ms after the start returned. */
  readyAfterKafkaMs: number | null;
  loadEndedAt: number | null;
  /** The ingest group's lag (all input topics) at SIGCONT and when the broker was back: the backlog each outage left. */
  ingestLagAtResume: number | null;
  ingestLagAtKafkaStart: number | null;
}

const deployments: FaultDeployment[] = [];
const supervisors: ProcessSupervisor[] = [];
let run: FaultDeployment;
let truth: LoadTruth;
let settle: SettleState;
let ingestApi: ProcessSupervisor;
let trainer: ProcessSupervisor;
let exitsBeforeStop: { name: string; exit: Exit }[] = [];
let stopExits: Record<string, { code: number | null; signal: NodeJS.Signals | null } | null> = {};
let loadError: string | null = null;
let kafkaData: { topicsMissing: string[]; offsetsBefore: Record<string, number>; offsetsAfter: Record<string, number> } | null = null;
const samples: ReadySample[] = [];
const apiSamples: ReadySample[] = [];
const timeline: Timeline = { loadStartedAt: 0, frozenAt: null, resumedAt: null, readyAfterResumeMs: null, kafkaStoppedAt: null, kafkaStartedAt: null, readyAfterKafkaMs: null, loadEndedAt: null, ingestLagAtResume: null, ingestLagAtKafkaStart: null };
const figures: Record<string, unknown> = {};
let phase: Phase = 'before';
let polling = false;
let pollers: Promise<void>[] = [];
/** Set while the test has MongoDB frozen or Kafka stopped, so that clean-up can undo it. */
let mongoFrozenPid: number | null = null;
let kafkaDown = false;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`[dependency-outages] ${line}\n`);
const since = (at: number) => Date.now() - at;

// ---------------------------------------------------------------- the API


async function request(url: string, timeoutMs: number, token?: string): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.text(), ms: Date.now() - started };
  } catch (error) {
    return { status: 0, body: `(no answer: ${error instanceof Error ? error.message : String(error)})`, ms: Date.now() - started };
  }
}

/** Requests `url` every READY_POLL_MS (after the previous answer) until `polling` is off. */
async function poll(into: ReadySample[], url: string, timeoutMs: number, token?: string): Promise<void> {
  while (polling) {
    const at = since(timeline.loadStartedAt);
    const sentIn = phase;
    const answer = await request(url, timeoutMs, token);
    into.push({ at, phase: sentIn, endPhase: phase, ...answer });
    await sleep(READY_POLL_MS);
  }
}

/** Waits for a /ready 200 sent at or after `from` (ms since the load started); its delay after `from`, or null. */
async function waitForReady(from: number, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = samples.find((sample) => sample.at >= from && sample.status === 200);
    if (ok !== undefined) return ok.at - from;
    await sleep(250);
  }
  return null;
}

function leaksOf(body: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(body)).map(([what]) => what);
}

interface PhaseSummary {
  statuses: Record<string, number>;
  /** Each distinct body once with its count (for the API, only those of answers other than 200, cut to 300 characters). */
  bodies: Record<string, number>;
  slowestMs: number;
}

/** Per phase (`a → b` for a request sent in one and answered in the next): how often each status was answered, the bodies, the slowest answer. */
function summarise(list: readonly ReadySample[], allBodies = true): Record<string, PhaseSummary> {
  const out: Record<string, PhaseSummary> = {};
  for (const sample of list) {
    const entry = (out[sample.phase === sample.endPhase ? sample.phase : `${sample.phase} → ${sample.endPhase}`] ??= { statuses: {}, bodies: {}, slowestMs: 0 });
    entry.statuses[String(sample.status)] = (entry.statuses[String(sample.status)] ?? 0) + 1;
    entry.slowestMs = Math.max(entry.slowestMs, sample.ms);
    const body = allBodies ? sample.body : sample.body.slice(0, 300);
    if (allBodies || sample.status !== 200) entry.bodies[body] = (entry.bodies[body] ?? 0) + 1;
  }
  return out;
}

/** The ingest group's lag over all input topics; retried a few times (right after a broker restart the group's coordinator is still moving). */
async function totalIngestLag(deployment: FaultDeployment): Promise<number | null> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return Object.values(await deployment.ingestLag()).reduce((sum, lag) => sum + lag, 0);
    } catch (error) {
      if (attempt >= 5) {
        log(`ingest lag not read: ${String(error)}`);
        return null;
      }
      await sleep(1_000);
    }
  }
}

function relearnProcess(deployment: FaultDeployment, name: string, roles: string, env: NodeJS.ProcessEnv): ProcessSupervisor {
  // Never killed by the supervisor (killing is never switched on): the range is unused.
  const supervisor = new ProcessSupervisor({ name, args: ['start', '--roles', roles], env, logDir: deployment.logDir, random: SeededRandom.fromSeed(SEED).fork(name), killAfterMs: [1, 1] });
  supervisors.push(supervisor);
  return supervisor;
}

async function inputEndOffsets(deployment: FaultDeployment): Promise<Record<string, number>> {
  const offsets: Record<string, number> = {};
  for (const topic of deployment.inputTopics) offsets[topic.replace(deployment.prefix, '')] = await deployment.endOffset(topic);
  return offsets;
}

beforeAll(async () => {
  const began = Date.now();
  const stackDir = findStackDir();
  const mongoPid = serverPid(stackDir, 'mongo');
  serverPid(stackDir, 'kafka');
  log(`stack ${stackDir}: mongo pid ${mongoPid}`);

  run = await freshDeployment('outages');
  deployments.push(run);
  const port = await freePort();
  const readToken = `fault-read-${run.id}`;
  const apiUrl = `http://127.0.0.1:${port}`;
  const apiEnv: NodeJS.ProcessEnv = { ...run.childEnv, RELEARN_API_HOST: '127.0.0.1', RELEARN_API_PORT: String(port), RELEARN_API_TOKENS: `${readToken}:read,fault-write-${run.id}:read-write` };
  trainer = relearnProcess(run, 'trainer', 'trainer', run.childEnv);
  ingestApi = relearnProcess(run, 'ingest-api', 'ingest,api', apiEnv);

  // The producer's own client: kafkajs retries a send whose broker is gone (the idempotent
  // producer resends with the same sequence numbers, so a retry never writes a record twice)
  // for long enough to ride out a broker restart.
  const producerKafka = new Kafka({
    brokers: [...run.settings.kafka.brokers],
    clientId: `relearn-fault-${run.id}-producer`,
    // Its connection errors during the outage are expected; a send that finally fails rejects load.run().
    logLevel: logLevel.NOTHING,
    retry: { retries: 60, initialRetryTime: 300, maxRetryTime: 3_000 },
  });
  const load = new FaultLoad(producerKafka, run.ports.codec, run.topics, { ...LOAD, seed: SEED });
  truth = load.truth;
  await load.prepare();

  trainer.start();
  ingestApi.start();
  await Promise.all([ingestApi.waitForLog(JOINED, 90_000), trainer.waitForLog(JOINED, 90_000)]);
  timeline.loadStartedAt = Date.now();
  polling = true;
  pollers = [poll(samples, `${apiUrl}/ready`, READY_REQUEST_MS), poll(apiSamples, `${apiUrl}/api/v1/jobs?limit=1`, API_REQUEST_MS, readToken)];
  if ((await waitForReady(0, 30_000)) === null) throw new Error(`/ready never answered 200 before the faults: ${JSON.stringify(samples.slice(-3))}`);

  const loaded = load.run().then(
    (sent) => sent,
    (error: unknown) => {
      loadError = error instanceof Error ? error.message : String(error);
      return null;
    },
  );

  // 1. MongoDB frozen for FREEZE_MS.
  await sleep(Math.max(0, timeline.loadStartedAt + FREEZE_AT_MS - Date.now()));
  process.kill(mongoPid, 'SIGSTOP');
  mongoFrozenPid = mongoPid;
  phase = 'mongo frozen';
  timeline.frozenAt = since(timeline.loadStartedAt);
  log(`MongoDB (pid ${mongoPid}) frozen with SIGSTOP`);
  try {
    await sleep(FREEZE_MS);
  } finally {
    phase = 'mongo resumed';
    process.kill(mongoPid, 'SIGCONT');
    mongoFrozenPid = null;
  }
  timeline.resumedAt = since(timeline.loadStartedAt);
  log('MongoDB resumed with SIGCONT');
  timeline.ingestLagAtResume = await totalIngestLag(run);
  timeline.readyAfterResumeMs = await waitForReady(timeline.resumedAt, RECOVER_MS);
  log(`/ready 200 again ${timeline.readyAfterResumeMs === null ? 'never' : `${timeline.readyAfterResumeMs} ms`} after SIGCONT`);

  // 2. The Kafka broker restarted, its data kept, while the load goes on.
  await sleep(Math.max(5_000, timeline.loadStartedAt + KAFKA_AT_MS - Date.now()));
  const offsetsBefore = await inputEndOffsets(run);
  phase = 'kafka down';
  kafkaDown = true;
  timeline.kafkaStoppedAt = since(timeline.loadStartedAt);
  log(`stopping Kafka: ${await stackScript(stackDir, ['stop', 'kafka'])}`);
  await sleep(KAFKA_DOWN_MS);
  log(`starting Kafka with its data: ${await stackScript(stackDir, ['start', 'kafka', '--keep-data'])}`);
  kafkaDown = false;
  phase = 'kafka restarted';
  timeline.kafkaStartedAt = since(timeline.loadStartedAt);
  timeline.ingestLagAtKafkaStart = await totalIngestLag(run);
  timeline.readyAfterKafkaMs = await waitForReady(timeline.kafkaStartedAt, RECOVER_MS);
  log(`/ready 200 again ${timeline.readyAfterKafkaMs === null ? 'never' : `${timeline.readyAfterKafkaMs} ms`} after Kafka started`);
  const admin = run.kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.disconnect();
  kafkaData = { topicsMissing: Object.values(run.topics).filter((topic) => !existing.has(topic)), offsetsBefore, offsetsAfter: await inputEndOffsets(run) };

  // 3. The load ends; the system settles; both processes are stopped with SIGTERM.
  const sent = await loaded;
  timeline.loadEndedAt = since(timeline.loadStartedAt);
  phase = 'load over';
  log(`load over: ${sent === null ? `failed: ${loadError}` : `${sent.sent} records in ${((sent.endedAt - sent.startedAt) / 1000).toFixed(1)} s`}`);
  phase = 'settling';
  settle = await waitUntilQuiet(run, { settleMs: SETTLE_MS, stallMs: STALL_MS, log });
  log(`settle: ${JSON.stringify(settle)}`);
  polling = false;
  await Promise.all(pollers);
  exitsBeforeStop = [...ingestApi.exits.map((exit) => ({ name: 'ingest-api', exit })), ...trainer.exits.map((exit) => ({ name: 'trainer', exit }))];
  const [ingestExit, trainerExit] = await Promise.all([ingestApi.stop(STOP_TIMEOUT_MS), trainer.stop(STOP_TIMEOUT_MS)]);
  stopExits = {
    'ingest-api': ingestExit === undefined ? null : { code: ingestExit.code, signal: ingestExit.signal },
    trainer: trainerExit === undefined ? null : { code: trainerExit.code, signal: trainerExit.signal },
  };

  Object.assign(figures, {
    seed: SEED,
    stackDir,
    load: { ...LOAD, freezeAtMs: FREEZE_AT_MS, freezeMs: FREEZE_MS, kafkaAtMs: KAFKA_AT_MS, kafkaDownMs: KAFKA_DOWN_MS },
    sent: { byTopic: truth.sentByTopic, resends: truth.resends, poison: truth.poison.size, loadError },
    timeline,
    kafkaData,
    processes: {
      starts: { 'ingest-api': ingestApi.starts, trainer: trainer.starts },
      exitsBeforeSigterm: exitsBeforeStop.map(({ name, exit }) => ({ name, incarnation: exit.incarnation, code: exit.code, signal: exit.signal, lifetimeMs: exit.lifetimeMs, logFile: exit.logFile.replace(REPO_ROOT, '') })),
      sigtermExits: stopExits,
      logDir: run.logDir.replace(REPO_ROOT, ''),
    },
    ready: summarise(samples),
    api: summarise(apiSamples, false),
    settle,
    setupAndPhasesSeconds: (Date.now() - began) / 1000,
  });
}, 900_000);

afterAll(async () => {
  polling = false;
  // Whatever failed, the stack is left running and healthy.
  if (mongoFrozenPid !== null) process.kill(mongoFrozenPid, 'SIGCONT');
  if (kafkaDown) {
    try {
      await stackScript(findStackDir(), ['start', 'kafka', '--keep-data']);
    } catch (error) {
      log(`restarting Kafka failed: ${String(error)}`);
    }
  }
  await Promise.allSettled(pollers);
  await Promise.allSettled(supervisors.map((supervisor) => supervisor.stop(5_000)));
  for (const deployment of deployments) await deployment.close().catch((error: unknown) => log(`clean-up of ${deployment.prefix} failed: ${String(error)}`));
  const folder = new URL('./output/', import.meta.url);
  mkdirSync(folder, { recursive: true });
  writeFileSync(new URL('dependency-outages.json', folder), `${JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2)}\n`);
  log(`figures: ${JSON.stringify(figures)}`);
}, 300_000);

describe('MongoDB frozen for 30 s and the Kafka broker restarted under load', () => {
  it('keeps every relearn process running until the SIGTERM', () => {
    const exits = exitsBeforeStop.map(({ name, exit }) => `${name} #${exit.incarnation} exited with ${exit.signal ?? `code ${exit.code}`} after ${(exit.lifetimeMs / 1000).toFixed(1)} s (log ${exit.logFile.replace(REPO_ROOT, '')})`);
    expect(exits, `relearn processes exited on their own: ${exits.join('; ')}`).toEqual([]);
  });

  it('the producer rode out the broker restart', () => {
    expect(loadError, `the load failed: ${loadError}`).toBeNull();
  });

  it('/ready answers 503, never 200, while MongoDB is frozen', () => {
    // Sent and answered while frozen: a request sent just before SIGCONT may rightly be answered 200.
    const frozen = samples.filter((sample) => sample.phase === 'mongo frozen' && sample.endPhase === 'mongo frozen');
    const counts = summarise(frozen)['mongo frozen']?.statuses ?? {};
    expect(frozen.length, 'no /ready request was sent while MongoDB was frozen').toBeGreaterThan(0);
    expect(counts['200'] ?? 0, `/ready answered 200 while MongoDB was frozen (statuses: ${JSON.stringify(counts)})`).toBe(0);
    expect(counts['503'] ?? 0, `/ready never answered 503 while MongoDB was frozen (statuses: ${JSON.stringify(counts)})`).toBeGreaterThan(0);
  });

  it('/ready bodies name no address and carry no driver text', () => {
    const leaking = [...new Set(samples.filter((sample) => sample.status !== 0).map((sample) => sample.body))].map((body) => ({ body, leaks: leaksOf(body) })).filter(({ leaks }) => leaks.length > 0);
    expect(leaking.map(({ body, leaks }) => `${leaks.join(', ')} in ${body}`), 'a /ready body leaks').toEqual([]);
  });

  it('/ready answers 200 again after SIGCONT, and after the broker restart', () => {
    expect(timeline.readyAfterResumeMs, `/ready did not answer 200 within ${RECOVER_MS / 1000} s of SIGCONT`).not.toBeNull();
    expect(timeline.readyAfterKafkaMs, `/ready did not answer 200 within ${RECOVER_MS / 1000} s of the broker's start`).not.toBeNull();
  });

  it('the broker kept its data over the restart', () => {
    expect(kafkaData, 'the broker was not restarted').not.toBeNull();
    const lower = Object.entries(kafkaData?.offsetsBefore ?? {}).filter(([topic, before]) => (kafkaData?.offsetsAfter[topic] ?? 0) < before);
    expect(kafkaData?.topicsMissing, 'topics gone after the restart').toEqual([]);
    expect(lower.map(([topic, before]) => `${topic}: ${before} before, ${kafkaData?.offsetsAfter[topic]} after`), 'log end offsets went back').toEqual([]);
  });

  it('settles once the load stops: ingest lag 0, nothing pending, outputs quiet', () => {
    const problems = settleProblems(settle, run, STALL_MS);
    expect(problems, problems.join('; ')).toEqual([]);
  });

  itChecksExactlyOnce(() => ({ run, truth }), figures);
});
