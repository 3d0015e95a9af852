// One simulated user's transactions and labels, straight from the synthetic producer's own
// generators (src/simulate), without the org, resend and invalid-record streams the
// benchmarks do not need. Every user is a 'regular' one, so every user reaches a model.
import type { LabelRecorded, TransactionRecorded } from '../../src/domain/events.js';
import type { StoredTransaction } from '../../src/ports/event-store.js';
import { SeededRandom } from '../../src/simulate/seeded-random.js';
import { DAY_MS, simulationCalendar } from '../../src/simulate/simulation-calendar.js';
import { DEFAULT_SIMULATION_OPTIONS } from '../../src/simulate/simulation-options.js';
import type { SimulationRun } from '../../src/simulate/simulation-run.js';
import { createUserProfile } from '../../src/simulate/user-profile.js';
import { simulateUserTransactions } from '../../src/simulate/user-transactions.js';

export type StreamRecord = { at: number; type: 'transaction'; event: TransactionRecorded; truth: string } | { at: number; type: 'label'; event: LabelRecorded };

export interface UserStream {
  userId: string;
  /** Transactions and labels in the order the producing app publishes them (by `at`). */
  records: StreamRecord[];
  start: number;
  end: number;
  /** Epoch ms from which the category mix shifts and new merchants appear; undefined without drift. */
  driftStartsAt: number | undefined;
}

export interface UserStreamOptions {
  seed: number;
  userIndex: number;
  days: number;
  /** Day from which drift applies (the producer's own drift option uses days / 2). */
  driftFromDay?: number;
}

export function userIdOf(userIndex: number): string {
  return `u-${String(userIndex + 1).padStart(4, '0')}`;
}

/**
 * Uses the same per-user random stream as generateEvents (`user:<id>` forked from the
 * seed), so a user here is the user of that name in a full simulation with drift at the same day.
 */
export function simulatedUserStream(options: UserStreamOptions): UserStream {
  const start = DEFAULT_SIMULATION_OPTIONS.start;
  const run: SimulationRun = {
    calendar: simulationCalendar(start, options.days),
    end: start + options.days * DAY_MS,
    driftFromDay: options.driftFromDay,
    eventIdPrefix: `sim${options.seed}`,
  };
  const userId = userIdOf(options.userIndex);
  const random = SeededRandom.fromSeed(options.seed).fork(`user:${userId}`);
  const profile = createUserProfile(random, userId, 'regular', options.days);
  const records: StreamRecord[] = [];
  for (const record of simulateUserTransactions(profile, random, run)) {
    if (record.role === 'transactions') records.push({ at: record.at, type: 'transaction', event: record.event, truth: record.truth.category });
    else if (record.role === 'labels') records.push({ at: record.at, type: 'label', event: record.event });
  }
  // Stable: a transaction and its label never share a time (labels come half a day later at least).
  records.sort((a, b) => a.at - b.at);
  return {
    userId,
    records,
    start,
    end: run.end,
    driftStartsAt: options.driftFromDay === undefined ? undefined : start + options.driftFromDay * DAY_MS,
  };
}

/**
 * The user's transactions as the event store holds them once every record up to `asOf`
 * arrived: the latest label by time given, else the transaction's own category. Oldest first.
 */
export function storedTransactions(stream: UserStream, asOf = Number.POSITIVE_INFINITY): StoredTransaction[] {
  const labels = new Map<string, { label: string; recordedAt: number }>();
  for (const record of stream.records) {
    if (record.at > asOf || record.type !== 'label') continue;
    const previous = labels.get(record.event.itemId);
    if (previous === undefined || previous.recordedAt <= record.event.recordedAt) labels.set(record.event.itemId, { label: record.event.label, recordedAt: record.event.recordedAt });
  }
  const rows: StoredTransaction[] = [];
  for (const record of stream.records) {
    if (record.at > asOf || record.type !== 'transaction') continue;
    rows.push({ ...record.event, label: labels.get(record.event.transactionId)?.label ?? record.event.category });
  }
  return rows.sort((a, b) => a.occurredAt - b.occurredAt);
}
