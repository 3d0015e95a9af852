import type { TransactionRecorded } from '../events.js';
import { fnv1a, tokens } from './text-hash.js';

/** Hashed text buckets: enough to keep recurring merchants apart for one user's few hundred rows. */
export const TEXT_BUCKETS = 64;
const NUMERIC = ['logAbsAmount', 'isIncome', 'dayOfWeek', 'dayOfMonth', 'hourOfDay', 'isRoundAmount'] as const;
export const TRANSACTION_FEATURE_COUNT = TEXT_BUCKETS + NUMERIC.length;

/**
 * The categorizer's features: the merchant's name and the description's words hashed
 * into buckets (the merchant weighted double: it is the strongest signal), plus amount
 * and time. Writes into `out` at `offset` so a whole training set fills one typed array.
 */
export function writeTransactionFeatures(transaction: Pick<TransactionRecorded, 'merchant' | 'description' | 'amount' | 'occurredAt'>, out: Float64Array, offset: number): void {
  for (let index = 0; index < TRANSACTION_FEATURE_COUNT; index += 1) out[offset + index] = 0;
  for (const token of tokens(transaction.merchant)) {
    const bucket = offset + (fnv1a(`m:${token}`) % TEXT_BUCKETS);
    out[bucket] = (out[bucket] ?? 0) + 2;
  }
  for (const token of tokens(transaction.description)) {
    const bucket = offset + (fnv1a(`d:${token}`) % TEXT_BUCKETS);
    out[bucket] = (out[bucket] ?? 0) + 1;
  }
  const date = new Date(transaction.occurredAt);
  const absolute = Math.abs(transaction.amount);
  const numeric = offset + TEXT_BUCKETS;
  out[numeric] = Math.log1p(absolute);
  out[numeric + 1] = transaction.amount > 0 ? 1 : 0;
  out[numeric + 2] = date.getUTCDay();
  out[numeric + 3] = date.getUTCDate();
  out[numeric + 4] = date.getUTCHours();
  out[numeric + 5] = absolute >= 1 && Math.abs(absolute - Math.round(absolute)) < 1e-9 ? 1 : 0;
}

export function transactionFeatureMatrix(rows: readonly Pick<TransactionRecorded, 'merchant' | 'description' | 'amount' | 'occurredAt'>[]): Float64Array {
  const data = new Float64Array(rows.length * TRANSACTION_FEATURE_COUNT);
  rows.forEach((row, index) => writeTransactionFeatures(row, data, index * TRANSACTION_FEATURE_COUNT));
  return data;
}
