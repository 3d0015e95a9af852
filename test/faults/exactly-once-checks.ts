// The checks of design.md §4 that every fault test makes once its deployment is quiet,
// through the product's ports (EventStore, CounterStore, DecisionOutbox, JobQueue) and its
// topics only, against the ground truth of what the load sent:
//   - the system settles: ingest lag 0, trainer lag 0, no unpublished decision, no queued
//     or running job, outputs no longer growing (waitUntilQuiet, settleProblems);
//   - each distinct event stored once (checkStored), counted once in every counter
//     (checkCounters);
//   - each poison record on the DLQ exactly once, nothing else there (checkDlq);
//   - each decision published exactly once, every recorded decision published
//     (checkDecisions);
//   - each submitted sheet analysed exactly once (checkSheetAnalyses);
//   - exactly one ModelUpdated per committed version, versions 1..n per (scope, kind),
//     nothing left to announce (checkModelUpdates).
// Each check returns what went wrong (naming the first FIRST ids lost or doubled) and the
// figures the test writes to test/faults/output/.
import { expect, it } from 'vitest';

import { DLQ_HEADERS } from '../../src/app/dead-letter.js';
import type { ModelUpdated, SheetAnalysed, TrainingRequested } from '../../src/domain/events.js';
import type { FaultDeployment } from './fault-deployment.js';
import type { LoadTruth } from './fault-load.js';
import { readWholeTopic } from './topic-reader.js';

/** Failures name at most this many ids. */
export const FIRST = 10;

export interface SettleState {
  settled: boolean;
  /** Why the wait ended without settling: the time cap, or nothing moving for stallMs. */
  gaveUp: 'time cap' | 'stalled' | null;
  waitedMs: number;
  ingestLag: Record<string, number>;
  trainerLag: number;
  pendingDecisions: number;
  activeJobs: number;
  /** Committed versions and rollbacks whose ModelUpdated is not on the topic yet. */
  unannounced: number;
}

export interface QuietOptions {
  /** The longest the wait may take. */
  settleMs: number;
  /** Gives up sooner once nothing (lag, outputs, pending work) has moved for this long. */
  stallMs: number;
  /** Polls in a row, 1.5 s apart, with no lag, nothing pending and no output topic growing. Default 4. */
  quietPolls?: number;
  log: (line: string) => void;
}

export interface CheckResult {
  problems: string[];
  figures: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function sumLag(deployment: FaultDeployment, groupId: string, topics: readonly string[]): Promise<number> {
  return (await deployment.lagProbe.consumerLag(groupId, topics)).reduce((sum, row) => sum + row.lag, 0);
}

/**
 * Polls until nothing is lagging or pending and no output topic grows for `quietPolls`
 * polls; gives up after `settleMs`, or once nothing has moved (lag, outputs, pending work)
 * for `stallMs`.
 */
export async function waitUntilQuiet(deployment: FaultDeployment, options: QuietOptions): Promise<SettleState> {
  const { ports, settings, topics } = deployment;
  const quietPollsNeeded = options.quietPolls ?? 4;
  const started = Date.now();
  let quietPolls = 0;
  let lastOutputs = '';
  let lastMoved = started;
  let lastProgress = '';
  let state: SettleState = { settled: false, gaveUp: null, waitedMs: 0, ingestLag: {}, trainerLag: -1, pendingDecisions: -1, activeJobs: -1, unannounced: -1 };
  let reported = started;
  for (;;) {
    if (Date.now() - started >= options.settleMs) return { ...state, gaveUp: 'time cap' };
    if (Date.now() - lastMoved >= options.stallMs) return { ...state, gaveUp: 'stalled' };
    const ingestLag = await deployment.ingestLag();
    const trainerLag = await sumLag(deployment, settings.core.groups.trainer, [topics['training-requests']]);
    const pendingDecisions = (await ports.outbox.pending(1000)).length;
    const activeJobs = (await ports.jobs.list({ status: 'queued', limit: 1000 })).length + (await ports.jobs.list({ status: 'running', limit: 1000 })).length;
    const unannounced = (await ports.announcements.unannounced(1000)).length;
    const outputs = JSON.stringify(await Promise.all([topics.dlq, topics['training-requests'], topics['sheet-analyses'], topics['model-updates']].map((topic) => deployment.endOffset(topic))));
    state = { settled: false, gaveUp: null, waitedMs: Date.now() - started, ingestLag, trainerLag, pendingDecisions, activeJobs, unannounced };
    const progress = JSON.stringify({ ingestLag, trainerLag, pendingDecisions, activeJobs, unannounced, outputs });
    if (progress !== lastProgress) lastMoved = Date.now();
    lastProgress = progress;
    const quiet = Object.values(ingestLag).every((lag) => lag === 0) && trainerLag === 0 && pendingDecisions === 0 && activeJobs === 0 && unannounced === 0 && outputs === lastOutputs;
    lastOutputs = outputs;
    quietPolls = quiet ? quietPolls + 1 : 0;
    if (quietPolls >= quietPollsNeeded) return { ...state, settled: true };
    if (Date.now() - reported > 15_000) {
      reported = Date.now();
      options.log(`settling for ${Math.round((reported - started) / 1000)} s: ${JSON.stringify(state)}`);
    }
    await sleep(1_500);
  }
}

/** What was still lagging or pending when the wait ended without settling; empty when it settled. */
export function settleProblems(settle: SettleState, deployment: FaultDeployment, stallMs: number): string[] {
  if (settle.settled) return [];
  const lagging = Object.entries(settle.ingestLag).filter(([, lag]) => lag > 0);
  return [
    `not quiet after ${Math.round(settle.waitedMs / 1000)} s (${settle.gaveUp === 'stalled' ? `nothing moved for ${stallMs / 1000} s` : 'time cap'}): ingest lag ${lagging.length === 0 ? '0' : lagging.map(([topic, lag]) => `${topic.replace(deployment.prefix, '')} ${lag}`).join(', ')}; ` +
      `trainer lag ${settle.trainerLag}; unpublished decisions ${settle.pendingDecisions}; queued or running jobs ${settle.activeJobs}; unannounced versions ${settle.unannounced}`,
  ];
}

/** Counts occurrences of each id in `seen` against the ids that should occur exactly once. */
export function exactlyOnce(what: string, expected: Iterable<string>, seen: Iterable<string>): { problems: string[]; lost: number; doubled: number; unexpected: number } {
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

/** EventStore.stats() equals the distinct eventIds sent, per type. */
export async function checkStored(deployment: FaultDeployment, truth: LoadTruth): Promise<CheckResult> {
  const stats = await deployment.ports.store.stats();
  const expected = { transactions: truth.transactions.size, expenses: truth.expenses.size, sheets: truth.sheets.size, labels: truth.labels.size };
  const problems = (Object.keys(expected) as (keyof typeof expected)[])
    .filter((type) => stats[type] !== expected[type])
    .map((type) => `${type}: ${expected[type]} distinct sent, ${stats[type]} stored (${stats[type] < expected[type] ? `${expected[type] - stats[type]} lost` : `${stats[type] - expected[type]} extra`})`);
  return { problems, figures: { expected, stored: stats } };
}

/**
 * Every counter (CounterStore.list()) equals its distinct events. What the ingest role
 * counts today (src/app/ingest-role.ts): forecaster total = the user's spending transactions (negative amounts);
 * categorizer total = the user's labeled transactions (own category, or a user
 * LabelRecorded for a transaction that exists, counted once whichever comes first);
 * anomaly total = the org's expenses, anomaly sheets = the org's submitted sheets. Org
 * labels (fraud/legit) count nothing.
 */
export async function checkCounters(deployment: FaultDeployment, truth: LoadTruth): Promise<CheckResult> {
  const expected = new Map<string, number>();
  const add = (key: string) => expected.set(key, (expected.get(key) ?? 0) + 1);
  const userLabels = new Set([...truth.labels.values()].filter((label) => label.scope.type === 'user').map((label) => `${label.scope.id}/${label.itemId}`));
  for (const transaction of truth.transactions.values()) {
    if (transaction.amount < 0) add(`user:${transaction.userId} forecaster.total`);
    else expected.set(`user:${transaction.userId} forecaster.total`, expected.get(`user:${transaction.userId} forecaster.total`) ?? 0);
    if (transaction.category !== null || userLabels.has(`${transaction.userId}/${transaction.transactionId}`)) add(`user:${transaction.userId} categorizer.total`);
    else expected.set(`user:${transaction.userId} categorizer.total`, expected.get(`user:${transaction.userId} categorizer.total`) ?? 0);
  }
  for (const expense of truth.expenses.values()) add(`org:${expense.orgId} anomaly.total`);
  for (const sheet of truth.sheets.values()) add(`org:${sheet.orgId} anomaly.sheets`);
  const counted = new Map<string, number>();
  for (const counters of await deployment.ports.counters.list()) {
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
  const problems = [
    ...(lost.length === 0 ? [] : [`${lost.length} counters too low, ${lostCount} events lost (first ${FIRST}: ${lost.slice(0, FIRST).join(', ')})`]),
    ...(doubled.length === 0 ? [] : [`${doubled.length} counters too high, ${extraCount} events counted twice (first ${FIRST}: ${doubled.slice(0, FIRST).join(', ')})`]),
  ];
  return { problems, figures: { checked: expected.size, undercounted: lost.length, lostCounts: lostCount, overcounted: doubled.length, extraCounts: extraCount } };
}

/** Each poison record is on the DLQ exactly once (by its `relearn.source.*` headers), and nothing else is. */
export async function checkDlq(deployment: FaultDeployment, truth: LoadTruth): Promise<CheckResult> {
  const dlq = await readWholeTopic(deployment.kafka, deployment.topics.dlq);
  const positions = dlq.map((record) => `${record.headers[DLQ_HEADERS.sourceTopic] ?? '?'}/${record.headers[DLQ_HEADERS.sourcePartition] ?? '?'}/${record.headers[DLQ_HEADERS.sourceOffset] ?? '?'}`);
  const name = (position: string) => {
    const poison = truth.poison.get(position);
    return poison === undefined ? position.replace(deployment.prefix, '') : `${position.replace(deployment.prefix, '')} (${poison.flaw})`;
  };
  const check = exactlyOnce('poison records on the DLQ', [...truth.poison.keys()].map(name), positions.map(name));
  return { problems: check.problems, figures: { poison: truth.poison.size, records: dlq.length, lost: check.lost, doubled: check.doubled, unexpected: check.unexpected } };
}

/**
 * Each decision is published once (TrainingRequested by requestId), every decision of
 * DecisionOutbox.list() is on the topic and marked published, nothing else is there; and
 * the load made at least one decision.
 */
export async function checkDecisions(deployment: FaultDeployment): Promise<CheckResult> {
  const records = await readWholeTopic(deployment.kafka, deployment.topics['training-requests']);
  const requestIds: string[] = [];
  for (const record of records) requestIds.push({ ...((await deployment.ports.codec.decode(record.value ?? Buffer.alloc(0))) as TrainingRequested) }.requestId);
  const decisions = await deployment.ports.outbox.list({ limit: 1_000_000 });
  const check = exactlyOnce('training requests', decisions.map((decision) => decision.decisionId), requestIds);
  const unmarked = decisions.filter((decision) => decision.publishedAt === null).map((decision) => decision.decisionId);
  const problems = [...check.problems];
  if (unmarked.length > 0) problems.push(`${unmarked.length} decisions still unpublished in the outbox (first ${FIRST}: ${unmarked.slice(0, FIRST).join(', ')})`);
  if (decisions.length === 0) problems.unshift('no decision was recorded at all: the load should make some');
  return { problems, figures: { recorded: decisions.length, published: requestIds.length, lost: check.lost, doubled: check.doubled, unexpected: check.unexpected, unmarked: unmarked.length } };
}

/** Each distinct submitted sheet is analysed exactly once (SheetAnalysed by sheetId). */
export async function checkSheetAnalyses(deployment: FaultDeployment, truth: LoadTruth): Promise<CheckResult> {
  const records = await readWholeTopic(deployment.kafka, deployment.topics['sheet-analyses']);
  const sheetIds: string[] = [];
  for (const record of records) sheetIds.push({ ...((await deployment.ports.codec.decode(record.value ?? Buffer.alloc(0))) as SheetAnalysed) }.sheetId);
  const submitted = new Set([...truth.sheets.values()].map((sheet) => sheet.sheetId));
  const check = exactlyOnce('sheet analyses', submitted, sheetIds);
  return { problems: check.problems, figures: { submitted: submitted.size, analyses: sheetIds.length, lost: check.lost, doubled: check.doubled, unexpected: check.unexpected } };
}

/**
 * Announcements (design.md §4, issue 13): exactly one ModelUpdated per committed version
 * (trained ones, by modelId) and none for a version that is not committed; each (scope,
 * kind)'s versions are 1..n with no gap or repeat; each training request stored at most one
 * version; on the topic, a (scope, kind)'s trained versions come in increasing order; and
 * nothing is left to announce. Rollback announcements are counted apart (`rollbacks`).
 */
export async function checkModelUpdates(deployment: FaultDeployment): Promise<CheckResult & { events: ModelUpdated[] }> {
  const records = await readWholeTopic(deployment.kafka, deployment.topics['model-updates']);
  const events: ModelUpdated[] = [];
  for (const record of records) events.push({ ...((await deployment.ports.codec.decode(record.value ?? Buffer.alloc(0))) as ModelUpdated) });
  const trained = events.filter((event) => !event.requestId.startsWith('rollback:'));
  const versions = await deployment.ports.registry.list({ limit: 1_000_000 });
  const check = exactlyOnce('model updates', versions.map((version) => version.modelId), trained.map((event) => event.modelId));
  const problems = [...check.problems];
  const byLineage = new Map<string, number[]>();
  for (const version of versions) byLineage.set(`${version.scope}/${version.kind}`, [...(byLineage.get(`${version.scope}/${version.kind}`) ?? []), version.version]);
  const gaps = [...byLineage].filter(([, numbers]) => numbers.sort((a, b) => a - b).some((number, index) => number !== index + 1)).map(([lineage, numbers]) => `${lineage} ${numbers.join(',')}`);
  if (gaps.length > 0) problems.push(`${gaps.length} (scope, kind) whose versions are not 1..n (first ${FIRST}: ${gaps.slice(0, FIRST).join('; ')})`);
  const perRequest = new Map<string, number>();
  for (const version of versions) perRequest.set(version.requestId, (perRequest.get(version.requestId) ?? 0) + 1);
  const twice = [...perRequest].filter(([, count]) => count > 1).map(([requestId]) => requestId);
  if (twice.length > 0) problems.push(`${twice.length} training requests stored more than one version (first ${FIRST}: ${twice.slice(0, FIRST).join(', ')})`);
  const lastSeen = new Map<string, number>();
  const backwards: string[] = [];
  for (const event of trained) {
    const lineage = `${event.scope}/${event.modelKind}`;
    if ((lastSeen.get(lineage) ?? 0) >= event.version) backwards.push(`${lineage} v${event.version} after v${lastSeen.get(lineage) ?? 0}`);
    lastSeen.set(lineage, Math.max(lastSeen.get(lineage) ?? 0, event.version));
  }
  if (backwards.length > 0) problems.push(`${backwards.length} ModelUpdated out of version order on the topic (first ${FIRST}: ${backwards.slice(0, FIRST).join('; ')})`);
  const left = await deployment.ports.announcements.unannounced(1000);
  if (left.length > 0) problems.push(`${left.length} versions or rollbacks never announced (first ${FIRST}: ${left.slice(0, FIRST).map((entry) => entry.announcementId).join(', ')})`);
  return {
    problems,
    events,
    figures: { versions: versions.length, lineages: byLineage.size, announced: trained.length, rollbacks: events.length - trained.length, lost: check.lost, doubled: check.doubled, unexpected: check.unexpected },
  };
}

/**
 * The exactly-once checks every load-driven fault test makes once its deployment is
 * quiet, as one `it` each: stored, counted, dead-lettered, published, analysed. Their
 * figures go into `figures` under stored, counters, dlq, decisions and sheetAnalyses.
 */
export function itChecksExactlyOnce(context: () => { run: FaultDeployment; truth: LoadTruth }, figures: Record<string, unknown>): void {
  const checks: [string, string, (run: FaultDeployment, truth: LoadTruth) => Promise<CheckResult>][] = [
    ['stores each distinct event once (EventStore.stats)', 'stored', checkStored],
    ['counts each distinct event once in every counter (CounterStore.list)', 'counters', checkCounters],
    ['puts each poison record on the DLQ exactly once, and nothing else', 'dlq', checkDlq],
    ['publishes each decision exactly once, and every recorded decision (training-requests topic, DecisionOutbox)', 'decisions', (run) => checkDecisions(run)],
    ['analyses each submitted sheet exactly once (sheet-analyses topic)', 'sheetAnalyses', checkSheetAnalyses],
  ];
  for (const [name, figure, check] of checks) {
    it(name, async () => {
      const { run, truth } = context();
      const result = await check(run, truth);
      figures[figure] = result.figures;
      expect(result.problems, result.problems.join('; ')).toEqual([]);
    });
  }
}
