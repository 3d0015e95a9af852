/**
 * Time-ordered split: the most recent rows are held out, because a model is judged on
 * what comes after what it learned from, never on a shuffled sample of its own past.
 */
export function splitRecent<T>(rows: readonly T[], fraction: number, minimum = 5): { train: T[]; heldOut: T[] } {
  const heldOutCount = Math.min(Math.max(minimum, Math.round(rows.length * fraction)), Math.floor(rows.length / 2));
  return { train: rows.slice(0, rows.length - heldOutCount), heldOut: rows.slice(rows.length - heldOutCount) };
}

export function windowOf(rows: readonly { occurredAt: number }[]): { rows: number; from: number; to: number } {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    from = Math.min(from, row.occurredAt);
    to = Math.max(to, row.occurredAt);
  }
  return rows.length === 0 ? { rows: 0, from: 0, to: 0 } : { rows: rows.length, from, to };
}
