import type { TransactionRecorded } from '../events.js';

export const WEEK_MS = 7 * 24 * 3_600_000;
/** 1970-01-05 was a Monday: weeks start on Mondays, UTC. */
const MONDAY_EPOCH = 4 * 24 * 3_600_000;

export function weekIndex(time: number): number {
  return Math.floor((time - MONDAY_EPOCH) / WEEK_MS);
}

export function weekStart(index: number): number {
  return index * WEEK_MS + MONDAY_EPOCH;
}

/** Spending (negative amounts) summed per category per week; income is not spend. */
export interface WeeklySpend {
  firstWeek: number;
  weeks: number;
  /** category -> spend per week, index 0 = firstWeek. */
  series: Record<string, number[]>;
}

/**
 * Whether a transaction is spending, the only rows the forecaster learns from: a negative
 * amount (the contract's sign convention: money out is negative). The policy counts these
 * rows, so a user whose transactions are all income or refunds is never decided a
 * forecaster it cannot train.
 */
export function isSpending(row: Pick<TransactionRecorded, 'amount'>): boolean {
  return row.amount < 0;
}

export function weeklySpend(rows: readonly (Pick<TransactionRecorded, 'occurredAt' | 'amount'> & { label: string | null })[], untilWeek?: number): WeeklySpend {
  const spending = rows.filter(isSpending);
  if (spending.length === 0) return { firstWeek: 0, weeks: 0, series: {} };
  let firstWeek = Number.POSITIVE_INFINITY;
  let lastWeek = Number.NEGATIVE_INFINITY;
  for (const row of spending) {
    const week = weekIndex(row.occurredAt);
    firstWeek = Math.min(firstWeek, week);
    lastWeek = Math.max(lastWeek, week);
  }
  if (untilWeek !== undefined) lastWeek = Math.min(lastWeek, untilWeek);
  const weeks = Math.max(0, lastWeek - firstWeek + 1);
  const series: Record<string, number[]> = {};
  for (const row of spending) {
    const week = weekIndex(row.occurredAt) - firstWeek;
    if (week >= weeks) continue;
    const category = row.label ?? 'uncategorized';
    const values = (series[category] ??= new Array<number>(weeks).fill(0));
    values[week] = (values[week] ?? 0) - row.amount;
  }
  return { firstWeek, weeks, series };
}
