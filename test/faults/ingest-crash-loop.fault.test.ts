// Fault test: the ingest role in a crash loop. `relearn start --roles ingest` runs under
// a supervisor that restarts it whenever it exits and kills it with SIGKILL every 12–18 s
// (seeded) for about a minute, while the producing apps send a steady load with resends
// and poison records. Then the kills stop, one last ingest process drains the backlog and
// is stopped with SIGTERM, and the test checks design.md §4 through the product's ports
// (EventStore, CounterStore, DecisionOutbox, JobQueue) and its topics only:
//   - each distinct event stored once, and counted once in every counter;
//   - each poison record on the DLQ exactly once, nothing else there;
//   - each decision published exactly once, and every recorded decision published;
//   - each submitted sheet analysed exactly once;
//   - while being killed, at least half the throughput of an unfaulted run of the same load.
// Every failure names what was lost or doubled. Knobs (environment, for investigation
// only): RELEARN_FAULT_SEED, RELEARN_FAULT_RATE, RELEARN_FAULT_BASELINE_MS,
// RELEARN_FAULT_KILL_MS, RELEARN_FAULT_SETTLE_MS, RELEARN_FAULT_KEEP=1 (keep topics,
// database). Figures of each run: test/faults/output/ingest-crash-loop.json; process logs
// under test/faults/output/logs/.
//
// Sheets and the trainer: a submitted sheet is analysed "with the organisation's champion,
// after a retrain if one is due" (design.md §3), and "a sheet to analyse" is work that must
// be in MongoDB before its offset is committed and be picked up after a restart (§4). With
// no trainer running, today's ingest role analyses a sheet itself right away when no
// training is due, but when one is due it waits up to 10 minutes (trainingWaitMs) for a
// training nobody runs, then analyses untrained; either way the pending analysis lives
// only in the process's memory. So that "train before analysis" can complete, this test
// runs one trainer process (`--roles trainer`, never killed) beside the crash-looping
// ingest role, and requires what §4 requires: every distinct submitted sheet analysed
// exactly once by the time the system is quiet.
import { mkdirSync, writeFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DLQ_HEADERS } from '../../src/app/dead-letter.js';
import type { SheetAnalysed, TrainingRequested } from '../../src/domain/events.js';
import { SeededRandom } from '../../src/simulate/index.js';
import { freshDeployment, REPO_ROOT, type FaultDeployment } from './fault-deployment.js';
import { FaultLoad, type LoadOptions, type LoadTruth } from './fault-load.js';
import { ProcessSupervisor, type Exit } from './process-supervisor.js';
import { readWholeTopic } from './topic-reader.js';

function envNumber(name: string, fallback: number): number {
  const text = process.env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${text}: expected a positive number`);
  return value;
}

function killAfterMs(text: string): readonly [number, number] {
  const [min, max] = text.split(',').map(Number);
  if (min === undefined || max === undefined || !(min > 0 && max >= min)) throw new Error(`RELEARN_FAULT_KILL_AFTER_MS=${text}: expected "min,max" in ms`);
  return [min, max];
}

const SEED = envNumber('RELEARN_FAULT_SEED', 20_260);
const LOAD: Omit<LoadOptions, 'seed' | 'durationMs' | 'poisonPerFlaw'> = {
  users: 200,
  orgs: 10,
  resendRate: 0.02,
  ratePerSecond: envNumber('RELEARN_FAULT_RATE', 250),
};
const BASELINE_MS = envNumber('RELEARN_FAULT_BASELINE_MS', 15_000);
const KILL_PHASE_MS = envNumber('RELEARN_FAULT_KILL_MS', 75_000);
/**
 * The last process gets this long to drain the backlog and let the outputs go quiet, and
 * gives up sooner once nothing has moved for STALL_MS (which must exceed the consumer
 * session timeout, 10 s in relearn: a SIGKILLed member holds its partitions
 * until then).
 */
const SETTLE_MS = envNumber('RELEARN_FAULT_SETTLE_MS', 150_000);
const STALL_MS = 45_000;
/**
 * relearn's consumers run with a 10 s session timeout (Kafka's minimum by default is 6 s):
 * a member killed without leaving holds its partitions that long, so a process killed
 * more often than that never gets to consume. 12–18 s lets each life join, work and die
 * mid-batch, which is what exercises redelivery.
 */
const KILL_AFTER_MS = killAfterMs(process.env.RELEARN_FAULT_KILL_AFTER_MS ?? '12000,18000');
/** Polls in a row, 1.5 s apart, with no lag, nothing pending and no output topic growing. */
const QUIET_POLLS = 4;
/** RELEARN_SHUTDOWN_TIMEOUT_MS is 30 s by default: a little more before SIGKILL. */
const STOP_TIMEOUT_MS = 40_000;
const JOINED = /joined the consumer group/;
const FIRST = 10;

interface SettleState {
  settled: boolean;
  /** Why the wait ended without settling: the time cap, or nothing moving for STALL_MS. */
  gaveUp: 'time cap' | 'stalled' | null;
  waitedMs: number;
  ingestLag: Record<string, number>;
  trainerLag: number;
  pendingDecisions: number;
  activeJobs: number;
}

interface Phase {
  records: number;
  seconds: number;
  committed: number;
  recordsPerSecond: number;
}

const deployments: FaultDeployment[] = [];
const supervisors: ProcessSupervisor[] = [];
let run: FaultDeployment;
let truth: LoadTruth;
let baseline: Phase;
let faulted: Phase;
let settle: SettleState;
let lastIngestExit: Exit | undefined;
let ingest: ProcessSupervisor;
const figures: Record<string, unknown> = {};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`[ingest-crash-loop] ${line}\n`);

function relearnProcess(deployment: FaultDeployment, role: 'ingest' | 'trainer', random: SeededRandom): ProcessSupervisor {
  const supervisor = new ProcessSupervisor({ name: role, args: ['start', '--roles', role], env: deployment.childEnv, logDir: deployment.logDir, random, killAfterMs: KILL_AFTER_MS });
  supervisors.push(supervisor);
  return supervisor;
}

async function sumLag(deployment: FaultDeployment, groupId: string, topics: readonly string[]): Promise<number> {
  return (await deployment.lagProbe.consumerLag(groupId, topics)).reduce((sum, row) => sum + row.lag, 0);
}

/**
 * Polls until nothing is lagging or pending and no output topic grows for QUIET_POLLS
 * polls; gives up after SETTLE_MS, or once nothing has moved (lag, outputs, pending work)
 * for STALL_MS.
 */
async function waitUntilQuiet(deployment: FaultDeployment): Promise<SettleState> {
  const { ports, settings, topics } = deployment;
  const started = Date.now();
  let quietPolls = 0;
  let lastOutputs = '';
  let lastMoved = started;
  let lastProgress = '';
  let state: SettleState = { settled: false, gaveUp: null, waitedMs: 0, ingestLag: {}, trainerLag: -1, pendingDecisions: -1, activeJobs: -1 };
  let reported = started;
  for (;;) {
    if (Date.now() - started >= SETTLE_MS) return { ...state, gaveUp: 'time cap' };
    if (Date.now() - lastMoved >= STALL_MS) return { ...state, gaveUp: 'stalled' };
    const ingestLag = await deployment.ingestLag();
    const trainerLag = await sumLag(deployment, settings.core.groups.trainer, [topics['training-requests']]);
    const pendingDecisions = (await ports.outbox.pending(1000)).length;
    const activeJobs = (await ports.jobs.list({ status: 'queued', limit: 1000 })).length + (await ports.jobs.list({ status: 'running', limit: 1000 })).length;
    const outputs = JSON.stringify(await Promise.all([topics.dlq, topics['training-requests'], topics['sheet-analyses'], topics['model-updates']].map((topic) => deployment.endOffset(topic))));
    state = { settled: false, gaveUp: null, waitedMs: Date.now() - started, ingestLag, trainerLag, pendingDecisions, activeJobs };
    const progress = JSON.stringify({ ingestLag, trainerLag, pendingDecisions, activeJobs, outputs });
    if (progress !== lastProgress) lastMoved = Date.now();
    lastProgress = progress;
    const quiet = Object.values(ingestLag).every((lag) => lag === 0) && trainerLag === 0 && pendingDecisions === 0 && activeJobs === 0 && outputs === lastOutputs;
    lastOutputs = outputs;
    quietPolls = quiet ? quietPolls + 1 : 0;
    if (quietPolls >= QUIET_POLLS) return { ...state, settled: true };
    if (Date.now() - reported > 15_000) {
      reported = Date.now();
      log(`settling for ${Math.round((reported - started) / 1000)} s: ${JSON.stringify(state)}`);
    }
    await sleep(1_500);
  }
}

/** Counts occurrences of each id in `seen` against the ids that should occur exactly once. */
function exactlyOnce(what: string, expected: Iterable<string>, seen: Iterable<string>): { problems: string[]; lost: number; doubled: number; unexpected: number } {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  const wanted = new Set(expected);
  const lost = [...wanted].filter((id) => !counts.has(id));
  const doubled = [...counts].filter(([id, count]) => wanted.has(id) && count > 1);
  const unexpected = [...counts].filter(([id]) => !wanted.has(id));
  const problems: string[] = [];
  if (lost.length > 0) problems.push(`${what}: ${lost.length} of ${wanted.size} lost (first ${FIRST}: ${lost.slice(0, FIRST).join(', ')})`);
  if (doubled.length > 0) {
    const extra = doubled.reduce((sum, [, count]) => sum + count - 1, 0);
    problems.push(`${what}: ${doubled.length} of ${wanted.size} more than once, ${extra} extra (first ${FIRST}: ${doubled.slice(0, FIRST).map(([id, count]) => `${id} ×${count}`).join(', ')})`);
  }
  if (unexpected.length > 0) problems.push(`${what}: ${unexpected.length} that should not be there at all (first ${FIRST}: ${unexpected.slice(0, FIRST).map(([id, count]) => `${id} ×${count}`).join(', ')})`);
  return { problems, lost: lost.length, doubled: doubled.length, unexpected: unexpected.length };
}

async function runPhase(deployment: FaultDeployment, load: FaultLoad, ingestProcess: ProcessSupervisor, killing: boolean): Promise<Phase> {
  await load.prepare();
  ingestProcess.start();
  await ingestProcess.waitForLog(JOINED, 90_000);
  if (killing) ingestProcess.startKilling();
  const sent = await load.run();
  if (killing) ingestProcess.stopKilling();
  const committed = await deployment.ingestCommitted();
  const seconds = (sent.endedAt - sent.startedAt) / 1000;
  return { records: sent.sent, seconds, committed, recordsPerSecond: committed / seconds };
}

beforeAll(async () => {
  const began = Date.now();
  // 1. The same load, unfaulted, on topics and a database of its own: the throughput to compare with.
  const base = await freshDeployment('base');
  deployments.push(base);
  const baseRandom = SeededRandom.fromSeed(SEED).fork('baseline');
  const baseTrainer = relearnProcess(base, 'trainer', baseRandom);
  baseTrainer.start();
  const baseIngest = relearnProcess(base, 'ingest', baseRandom);
  const baseLoad = new FaultLoad(base.kafka, base.ports.codec, base.topics, { ...LOAD, seed: SEED + 1, durationMs: BASELINE_MS, poisonPerFlaw: 1 });
  baseline = await runPhase(base, baseLoad, baseIngest, false);
  log(`unfaulted: ${JSON.stringify(baseline)}`);
  await Promise.all([baseIngest.stop(STOP_TIMEOUT_MS), baseTrainer.stop(STOP_TIMEOUT_MS)]);
  await base.close();
  deployments.splice(deployments.indexOf(base), 1);

  // 2. The crash loop: a trainer that is left alone, an ingest role killed every 3–5 s while the load runs.
  run = await freshDeployment('crash');
  deployments.push(run);
  const random = SeededRandom.fromSeed(SEED).fork('kills');
  const trainer = relearnProcess(run, 'trainer', random);
  trainer.start();
  ingest = relearnProcess(run, 'ingest', random);
  const load = new FaultLoad(run.kafka, run.ports.codec, run.topics, { ...LOAD, seed: SEED, durationMs: KILL_PHASE_MS, poisonPerFlaw: 2 });
  truth = load.truth;
  faulted = await runPhase(run, load, ingest, true);
  log(`killed phase: ${JSON.stringify(faulted)}; ${ingest.kills} kills, ${ingest.starts} starts`);

  // 3. No more kills: the last ingest process drains what is left, then stops on SIGTERM.
  settle = await waitUntilQuiet(run);
  log(`settle: ${JSON.stringify(settle)}`);
  [lastIngestExit] = await Promise.all([ingest.stop(STOP_TIMEOUT_MS), trainer.stop(STOP_TIMEOUT_MS)]);

  Object.assign(figures, {
    seed: SEED,
    load: { ...LOAD, baselineMs: BASELINE_MS, killPhaseMs: KILL_PHASE_MS, killAfterMs: KILL_AFTER_MS },
    sent: { byTopic: truth.sentByTopic, resends: truth.resends, poison: truth.poison.size },
    baseline,
    faulted,
    ingestProcesses: {
      starts: ingest.starts,
      kills: ingest.kills,
      exitsNotCausedByTheTest: ingest.ownExits.map(({ incarnation, code, signal, lifetimeMs, logFile }) => ({ incarnation, code, signal, lifetimeMs, logFile: logFile.replace(REPO_ROOT, '') })),
      lastExit: lastIngestExit === undefined ? null : { code: lastIngestExit.code, signal: lastIngestExit.signal },
    },
    settle,
    setupAndPhasesSeconds: (Date.now() - began) / 1000,
  });
}, 900_000);

afterAll(async () => {
  await Promise.allSettled(supervisors.map((supervisor) => supervisor.stop(5_000)));
  for (const deployment of deployments) await deployment.close().catch((error: unknown) => log(`clean-up of ${deployment.prefix} failed: ${String(error)}`));
  const folder = new URL('./output/', import.meta.url);
  mkdirSync(folder, { recursive: true });
  writeFileSync(new URL('ingest-crash-loop.json', folder), `${JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2)}\n`);
  log(`figures: ${JSON.stringify(figures)}`);
});

describe('ingest role killed with SIGKILL every 12–18 s under load', () => {
  it('drains the backlog once the kills stop: ingest lag 0, nothing pending, outputs quiet', () => {
    const lagging = Object.entries(settle.ingestLag).filter(([, lag]) => lag > 0);
    expect(
      settle.settled,
      `not quiet after ${Math.round(settle.waitedMs / 1000)} s (${settle.gaveUp === 'stalled' ? `nothing moved for ${STALL_MS / 1000} s` : 'time cap'}): ingest lag ${lagging.length === 0 ? '0' : lagging.map(([topic, lag]) => `${topic.replace(run.prefix, '')} ${lag}`).join(', ')}; ` +
        `trainer lag ${settle.trainerLag}; unpublished decisions ${settle.pendingDecisions}; queued or running jobs ${settle.activeJobs}`,
    ).toBe(true);
  });

  it('stores each distinct event once (EventStore.stats)', async () => {
    const stats = await run.ports.store.stats();
    const expected = { transactions: truth.transactions.size, expenses: truth.expenses.size, sheets: truth.sheets.size, labels: truth.labels.size };
    figures.stored = { expected, stored: stats };
    const problems = (Object.keys(expected) as (keyof typeof expected)[])
      .filter((type) => stats[type] !== expected[type])
      .map((type) => `${type}: ${expected[type]} distinct sent, ${stats[type]} stored (${stats[type] < expected[type] ? `${expected[type] - stats[type]} lost` : `${stats[type] - expected[type]} extra`})`);
    expect(problems, problems.join('; ')).toEqual([]);
  });

  it('counts each distinct event once in every counter (CounterStore.list)', async () => {
    // What the ingest role counts today (src/app/ingest-role.ts): forecaster total = the
    // user's transactions; categorizer total = the user's labeled transactions (own category,
    // or a user LabelRecorded for a transaction that exists, counted once whichever comes
    // first); anomaly total = the org's expenses, anomaly sheets = the org's submitted sheets.
    // Org labels (fraud/legit) count nothing.
    const expected = new Map<string, number>();
    const add = (key: string) => expected.set(key, (expected.get(key) ?? 0) + 1);
    const userLabels = new Set([...truth.labels.values()].filter((label) => label.scope.type === 'user').map((label) => `${label.scope.id}/${label.itemId}`));
    for (const transaction of truth.transactions.values()) {
      add(`user:${transaction.userId} forecaster.total`);
      if (transaction.category !== null || userLabels.has(`${transaction.userId}/${transaction.transactionId}`)) add(`user:${transaction.userId} categorizer.total`);
      else expected.set(`user:${transaction.userId} categorizer.total`, expected.get(`user:${transaction.userId} categorizer.total`) ?? 0);
    }
    for (const expense of truth.expenses.values()) add(`org:${expense.orgId} anomaly.total`);
    for (const sheet of truth.sheets.values()) add(`org:${sheet.orgId} anomaly.sheets`);
    const counted = new Map<string, number>();
    for (const counters of await run.ports.counters.list()) {
      counted.set(`${counters.scope} ${counters.kind}.total`, counters.total);
      if (counters.kind === 'anomaly') counted.set(`${counters.scope} ${counters.kind}.sheets`, counters.sheets);
    }
    const lost: string[] = [];
    const doubled: string[] = [];
    let lostCount = 0;
    let extraCount = 0;
    for (const key of new Set([...expected.keys(), ...counted.keys()])) {
      const want = expected.get(key) ?? 0;
      const got = counted.get(key) ?? 0;
      if (got < want) {
        lost.push(`${key} ${got} of ${want}`);
        lostCount += want - got;
      } else if (got > want) {
        doubled.push(`${key} ${got} for ${want}`);
        extraCount += got - want;
      }
    }
    figures.counters = { checked: expected.size, undercounted: lost.length, lostCounts: lostCount, overcounted: doubled.length, extraCounts: extraCount };
    const problems = [
      ...(lost.length === 0 ? [] : [`${lost.length} counters too low, ${lostCount} events lost (first ${FIRST}: ${lost.slice(0, FIRST).join(', ')})`]),
      ...(doubled.length === 0 ? [] : [`${doubled.length} counters too high, ${extraCount} events counted twice (first ${FIRST}: ${doubled.slice(0, FIRST).join(', ')})`]),
    ];
    expect(problems, problems.join('; ')).toEqual([]);
  });

  it('puts each poison record on the DLQ exactly once, and nothing else', async () => {
    const dlq = await readWholeTopic(run.kafka, run.topics.dlq);
    const positions = dlq.map((record) => `${record.headers[DLQ_HEADERS.sourceTopic] ?? '?'}/${record.headers[DLQ_HEADERS.sourcePartition] ?? '?'}/${record.headers[DLQ_HEADERS.sourceOffset] ?? '?'}`);
    const name = (position: string) => {
      const poison = truth.poison.get(position);
      return poison === undefined ? position.replace(run.prefix, '') : `${position.replace(run.prefix, '')} (${poison.flaw})`;
    };
    const check = exactlyOnce('poison records on the DLQ', [...truth.poison.keys()].map(name), positions.map(name));
    figures.dlq = { poison: truth.poison.size, records: dlq.length, lost: check.lost, doubled: check.doubled, unexpected: check.unexpected };
    expect(check.problems, check.problems.join('; ')).toEqual([]);
  });

  it('publishes each decision exactly once, and every recorded decision (training-requests topic, DecisionOutbox)', async () => {
    const records = await readWholeTopic(run.kafka, run.topics['training-requests']);
    const requestIds: string[] = [];
    for (const record of records) requestIds.push(({ ...((await run.ports.codec.decode(record.value ?? Buffer.alloc(0))) as TrainingRequested) }).requestId);
    const decisions = await run.ports.outbox.list({ limit: 1_000_000 });
    const check = exactlyOnce('training requests', decisions.map((decision) => decision.decisionId), requestIds);
    const unmarked = decisions.filter((decision) => decision.publishedAt === null).map((decision) => decision.decisionId);
    const problems = [...check.problems];
    if (unmarked.length > 0) problems.push(`${unmarked.length} decisions still unpublished in the outbox (first ${FIRST}: ${unmarked.slice(0, FIRST).join(', ')})`);
    figures.decisions = { recorded: decisions.length, published: requestIds.length, lost: check.lost, doubled: check.doubled, unexpected: check.unexpected, unmarked: unmarked.length };
    expect(decisions.length, 'no decision was recorded at all: the load should make some').toBeGreaterThan(0);
    expect(problems, problems.join('; ')).toEqual([]);
  });

  it('analyses each submitted sheet exactly once (sheet-analyses topic)', async () => {
    const records = await readWholeTopic(run.kafka, run.topics['sheet-analyses']);
    const sheetIds: string[] = [];
    for (const record of records) sheetIds.push(({ ...((await run.ports.codec.decode(record.value ?? Buffer.alloc(0))) as SheetAnalysed) }).sheetId);
    const submitted = new Set([...truth.sheets.values()].map((sheet) => sheet.sheetId));
    const check = exactlyOnce('sheet analyses', submitted, sheetIds);
    figures.sheetAnalyses = { submitted: submitted.size, analyses: sheetIds.length, lost: check.lost, doubled: check.doubled, unexpected: check.unexpected };
    expect(check.problems, check.problems.join('; ')).toEqual([]);
  });

  it('keeps at least half the unfaulted throughput while being killed', () => {
    const ratio = faulted.recordsPerSecond / baseline.recordsPerSecond;
    figures.throughputRatio = ratio;
    expect(
      ratio,
      `while killed every ${KILL_AFTER_MS[0] / 1000}–${KILL_AFTER_MS[1] / 1000} s (${ingest.kills} kills), the ingest group committed ${faulted.committed} of ${faulted.records} records in ${faulted.seconds.toFixed(1)} s ` +
        `(${faulted.recordsPerSecond.toFixed(1)}/s); unfaulted, ${baseline.committed} of ${baseline.records} in ${baseline.seconds.toFixed(1)} s (${baseline.recordsPerSecond.toFixed(1)}/s): ratio ${ratio.toFixed(2)}`,
    ).toBeGreaterThanOrEqual(0.5);
  });
});
