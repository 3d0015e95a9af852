import type { ExpenseRecorded } from '../events.js';

/**
 * Statistics of an organisation's expenses, learned at training time and stored with the
 * model, so scoring a new sheet compares it with what is normal for that organisation.
 */
export interface ExpenseProfile {
  medianByCategory: Record<string, number>;
  overallMedian: number;
  vendorCounts: Record<string, number>;
  rows: number;
}

export const EXPENSE_FEATURE_NAMES = ['logAmount', 'amountVsCategoryMedian', 'hourOfDay', 'isWeekend', 'isRoundAmount', 'vendorRarity'] as const;
export const EXPENSE_FEATURE_COUNT = EXPENSE_FEATURE_NAMES.length;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function expenseProfile(rows: readonly Pick<ExpenseRecorded, 'amount' | 'category' | 'vendor'>[]): ExpenseProfile {
  const byCategory = new Map<string, number[]>();
  const vendorCounts: Record<string, number> = {};
  for (const row of rows) {
    const amounts = byCategory.get(row.category) ?? [];
    amounts.push(row.amount);
    byCategory.set(row.category, amounts);
    const vendor = row.vendor.toLowerCase();
    vendorCounts[vendor] = (vendorCounts[vendor] ?? 0) + 1;
  }
  const medianByCategory: Record<string, number> = {};
  for (const [category, amounts] of byCategory) medianByCategory[category] = median(amounts);
  return { medianByCategory, overallMedian: median(rows.map((row) => row.amount)), vendorCounts, rows: rows.length };
}

export function writeExpenseFeatures(expense: Pick<ExpenseRecorded, 'amount' | 'category' | 'vendor' | 'occurredAt'>, profile: ExpenseProfile, out: Float64Array, offset: number): void {
  const date = new Date(expense.occurredAt);
  const typical = profile.medianByCategory[expense.category] ?? profile.overallMedian;
  const seen = profile.vendorCounts[expense.vendor.toLowerCase()] ?? 0;
  out[offset] = Math.log1p(Math.max(0, expense.amount));
  out[offset + 1] = Math.log((expense.amount + 1) / (typical + 1));
  out[offset + 2] = date.getUTCHours();
  out[offset + 3] = date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 1 : 0;
  out[offset + 4] = expense.amount >= 10 && expense.amount % 10 === 0 ? 1 : 0;
  out[offset + 5] = 1 / (1 + seen);
}

export function expenseFeatureMatrix(rows: readonly Pick<ExpenseRecorded, 'amount' | 'category' | 'vendor' | 'occurredAt'>[], profile: ExpenseProfile): Float64Array {
  const data = new Float64Array(rows.length * EXPENSE_FEATURE_COUNT);
  rows.forEach((row, index) => writeExpenseFeatures(row, profile, data, index * EXPENSE_FEATURE_COUNT));
  return data;
}
