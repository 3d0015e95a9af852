import type { LabelRecorded, TransactionRecorded } from '../../src/domain/events.js';
import { SeededRandom } from '../../src/simulate/seeded-random.js';
import { benchLabel, benchTransaction, benchUser, DAY_MS, HOUR_MS } from './synthetic-transaction.js';

/** One record to produce: an input event on its topic role, keyed by userId. */
export type BenchRecord =
  | { role: 'transactions'; key: string; eventId: string; at: number; event: TransactionRecorded; resend: boolean }
  | { role: 'labels'; key: string; eventId: string; at: number; event: LabelRecorded; resend: boolean };

export interface BacklogShape {
  transactions: number;
  users: number;
  labelShare: number;
  labelEventShare: number;
  resendRate: number;
  seed: number;
  /** The backlog's transactions fall in the `days` days before `end`. */
  days: number;
  end: number;
}

export interface Backlog {
  records: BenchRecord[];
  transactions: number;
  labeledAtCreation: number;
  labelEvents: number;
  resends: number;
  /** Distinct eventIds per topic role: what a store keyed by eventId ends up with. */
  uniqueByRole: { transactions: number; labels: number };
}

/**
 * The pre-produced backlog: `transactions` transactions over `users` users in time order,
 * `labelShare` of them with a category, LabelRecorded events for `labelEventShare` of the
 * unlabeled ones (hours after the transaction), and `resendRate` of all events sent a
 * second time, unchanged, a little later in the stream. Same shape and seed, same records
 * (the times are relative to `end`).
 */
export function generateBacklog(shape: BacklogShape): Backlog {
  const random = SeededRandom.fromSeed(shape.seed).fork('bench-ingest/backlog');
  const users = Array.from({ length: shape.users }, (_, index) => benchUser(random.fork(`user-${index}`), `user-${String(index).padStart(5, '0')}`));
  const start = shape.end - shape.days * DAY_MS;
  const events: BenchRecord[] = [];
  let labeledAtCreation = 0;
  let labelEvents = 0;
  for (let index = 0; index < shape.transactions; index++) {
    const user = users[random.int(0, users.length - 1)];
    if (user === undefined) throw new Error('no users');
    const occurredAt = Math.floor(start + random.next() * (shape.end - start - 3 * DAY_MS));
    const labeled = random.chance(shape.labelShare);
    const transaction = benchTransaction(random, user, { eventId: `tx-${shape.seed}-${index}`, transactionId: `t-${index}` }, occurredAt, labeled);
    events.push({ role: 'transactions', key: user.userId, eventId: transaction.eventId, at: occurredAt, event: transaction, resend: false });
    if (labeled) labeledAtCreation++;
    else if (random.chance(shape.labelEventShare)) {
      const label = benchLabel(transaction, `lb-${shape.seed}-${index}`, occurredAt + Math.floor(random.uniform(1, 72) * HOUR_MS));
      events.push({ role: 'labels', key: user.userId, eventId: label.eventId, at: label.recordedAt, event: label, resend: false });
      labelEvents++;
    }
  }
  events.sort((a, b) => a.at - b.at);

  // Resends: the same record again, 1 to 500 records after the first send.
  const resendCount = Math.round(shape.resendRate * events.length);
  const chosen = new Set(random.shuffle(events.map((_, index) => index)).slice(0, resendCount));
  const later = new Map<number, BenchRecord[]>();
  for (const index of chosen) {
    const original = events[index];
    if (original === undefined) continue;
    const at = Math.min(events.length - 1, index + random.int(1, 500));
    const queue = later.get(at) ?? [];
    queue.push({ ...original, resend: true });
    later.set(at, queue);
  }
  const records: BenchRecord[] = [];
  events.forEach((event, index) => {
    records.push(event);
    records.push(...(later.get(index) ?? []));
  });
  return {
    records,
    transactions: shape.transactions,
    labeledAtCreation,
    labelEvents,
    resends: resendCount,
    uniqueByRole: { transactions: shape.transactions, labels: labelEvents },
  };
}
