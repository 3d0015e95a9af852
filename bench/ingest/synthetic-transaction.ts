import type { LabelRecorded, TransactionRecorded } from '../../src/domain/events.js';
import { MERCHANT_CATALOGUE, type Merchant } from '../../src/simulate/merchant-catalogue.js';
import type { SeededRandom } from '../../src/simulate/seeded-random.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Day-to-day merchants of the synthetic producer's catalogue (monthly bills left out). */
const EVERYDAY = MERCHANT_CATALOGUE.filter((merchant) => !merchant.monthly);

/** A user of the bench's streams: the merchants they shop at. */
export interface BenchUser {
  userId: string;
  regulars: readonly Merchant[];
  city: string;
}

const CITIES = ['LONDON', 'MANCHESTER', 'LEEDS', 'BRISTOL', 'GLASGOW', 'CARDIFF'] as const;

export function benchUser(random: SeededRandom, userId: string): BenchUser {
  const regulars = random.shuffle(EVERYDAY).slice(0, random.int(4, 8));
  return { userId, regulars, city: random.pick(CITIES) };
}

/** One transaction of `user` at `occurredAt`, with its category when `labeled`. */
export function benchTransaction(random: SeededRandom, user: BenchUser, ids: { eventId: string; transactionId: string }, occurredAt: number, labeled: boolean): TransactionRecorded {
  const merchant = random.chance(0.95) ? random.pick(user.regulars) : random.pick(EVERYDAY);
  const amount = Math.round(random.logNormal(merchant.typicalAmount, merchant.spread) * 100) / 100;
  const date = new Date(occurredAt).toISOString().slice(0, 10);
  return {
    eventId: ids.eventId,
    userId: user.userId,
    transactionId: ids.transactionId,
    occurredAt,
    amount: -Math.max(0.01, amount),
    currency: 'GBP',
    merchant: merchant.name,
    description: `CARD PAYMENT TO ${random.pick(merchant.statementNames)} ${user.city} ON ${date} REF ${random.reference(8)}`,
    category: labeled ? merchant.category : null,
  };
}

/** The merchant's category for a transaction that was produced without one. */
export function categoryOf(transaction: TransactionRecorded): string {
  const merchant = MERCHANT_CATALOGUE.find((candidate) => candidate.name === transaction.merchant);
  if (merchant === undefined) throw new Error(`unknown merchant ${transaction.merchant}`);
  return merchant.category;
}

/** The user's later label for a transaction produced unlabeled. */
export function benchLabel(transaction: TransactionRecorded, eventId: string, recordedAt: number): LabelRecorded {
  return { eventId, scope: { type: 'user', id: transaction.userId }, itemId: transaction.transactionId, label: categoryOf(transaction), recordedAt };
}
