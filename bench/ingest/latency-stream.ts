import { SeededRandom } from '../../src/simulate/seeded-random.js';
import type { BenchRecord } from './backlog.js';
import { benchTransaction, benchUser, DAY_MS } from './synthetic-transaction.js';

export interface LatencyStreamShape {
  users: number;
  /** Labeled transactions that make the categorizer's first model due (its minInitialRows). */
  threshold: number;
  labelShare: number;
  seed: number;
  /** Every user's transactions fall within the `spanMs` before `end`. */
  spanMs: number;
  end: number;
}

export interface LatencyStream {
  records: BenchRecord[];
  /** Per user, the index in `records` of the transaction that makes it cross the threshold. */
  crossings: Map<string, number>;
}

/**
 * Users new to relearn, each sending transactions (a `labelShare` of them with a category)
 * until exactly `threshold` are labeled: the last one is the crossing. Each user's
 * transactions lie within `spanMs` (one week: the forecaster's span rule stays quiet).
 * Users start at staggered points in the first half of the stream and finish by its end,
 * so the crossings spread over its second half rather than arriving all at once.
 */
export function generateLatencyStream(shape: LatencyStreamShape): LatencyStream {
  if (!(shape.labelShare > 0)) throw new Error('the latency stream needs a label share above 0');
  const random = SeededRandom.fromSeed(shape.seed).fork('bench-ingest/latency');
  const scheduled: { slot: number; record: BenchRecord; crossing: boolean }[] = [];
  const start = shape.end - shape.spanMs;
  for (let index = 0; index < shape.users; index++) {
    const userRandom = random.fork(`user-${index}`);
    const user = benchUser(userRandom, `latency-${String(index).padStart(5, '0')}`);
    const labels: boolean[] = [];
    for (let labeled = 0; labeled < shape.threshold; ) {
      const isLabeled = userRandom.chance(shape.labelShare);
      labels.push(isLabeled);
      if (isLabeled) labeled++;
    }
    const times = labels.map(() => Math.floor(start + userRandom.next() * (shape.spanMs - 60_000))).sort((a, b) => a - b);
    const begins = userRandom.uniform(0, 0.5);
    labels.forEach((isLabeled, position) => {
      const time = times[position] ?? start;
      const transaction = benchTransaction(userRandom, user, { eventId: `lat-${shape.seed}-${index}-${position}`, transactionId: `lt-${index}-${position}` }, time, isLabeled);
      scheduled.push({
        slot: begins + (0.5 * (position + 1)) / labels.length,
        record: { role: 'transactions', key: user.userId, eventId: transaction.eventId, at: time, event: transaction, resend: false },
        crossing: position === labels.length - 1,
      });
    });
  }
  // Stable: one user's records keep their order (slots strictly increase per user).
  scheduled.sort((a, b) => a.slot - b.slot);
  const crossings = new Map<string, number>();
  scheduled.forEach((entry, index) => {
    if (entry.crossing) crossings.set(entry.record.key, index);
  });
  return { records: scheduled.map((entry) => entry.record), crossings };
}

/** The span the latency users' transactions fit in: one week, or less when the forecaster's span rule is shorter. */
export function latencySpanMs(forecasterMinInitialSpanMs: number): number {
  const week = 7 * DAY_MS;
  // A span rule of a few minutes cannot be kept quiet by any realistic stream: keep the week then.
  return forecasterMinInitialSpanMs > 2 * 60_000 ? Math.min(week, forecasterMinInitialSpanMs - 60_000) : week;
}
