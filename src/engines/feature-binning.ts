import type { FeatureMatrix } from './feature-matrix.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Quantile edges of larger columns come from a sample of this many values: sorting is the
 * dominant cost of binning, and 255 quantiles are estimated to well under a bin's width.
 * Columns with few distinct values are still binned exactly (every distinct value seen).
 */
const QUANTILE_SAMPLE_SIZE = 30_000;

/**
 * Features quantised to at most 256 bins per column, computed once per training run.
 * `bins` is column-major (all rows of column c are contiguous at `c * rows`), which keeps
 * a histogram pass over one feature inside one small array.
 */
export interface BinnedFeatures {
  readonly bins: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  /**
   * Per column, ascending upper bin edges in raw feature units: a value v falls in the
   * first bin b with v <= edges[b], or in the last bin (index edges.length) if none.
   * Trees split "bin <= b" and record edges in raw units, so a split is `v <= threshold`.
   */
  readonly edges: readonly Float64Array[];
  /** Largest bin count over all columns (edges.length + 1). */
  readonly maxBinCount: number;
}

/**
 * Bins every column of `x`. When a column has at most `maxBins` distinct values every
 * distinct value gets its own bin (edges at the midpoints), otherwise edges sit at
 * quantiles, moved up past runs of equal values so that no value straddles two bins.
 */
export function binFeatures(x: FeatureMatrix, maxBins: number, seed: number): BinnedFeatures {
  const { rows, cols, data } = x;
  const bins = new Uint8Array(rows * cols);
  const edges: Float64Array[] = [];
  const sampled = rows > QUANTILE_SAMPLE_SIZE;
  const sampleRows = sampled ? sampleIndices(rows, QUANTILE_SAMPLE_SIZE, seed) : null;
  const column = new Float64Array(sampled ? QUANTILE_SAMPLE_SIZE : rows);
  const padded = new Float64Array(256);
  let maxBinCount = 1;
  for (let c = 0; c < cols; c++) {
    let columnEdges = sampled ? exactEdges(data, rows, cols, c, maxBins) : null;
    if (columnEdges === null) {
      for (let i = 0; i < column.length; i++) {
        const r = sampleRows === null ? i : sampleRows[i]!;
        column[i] = data[r * cols + c]!;
      }
      columnEdges = quantileEdges(column.sort(), maxBins);
    }
    edges.push(columnEdges);
    maxBinCount = Math.max(maxBinCount, columnEdges.length + 1);
    padded.fill(Infinity);
    padded.set(columnEdges);
    const base = c * rows;
    for (let r = 0; r < rows; r++) {
      const value = data[r * cols + c]!;
      if (Number.isNaN(value)) throw new RangeError(`feature matrix has NaN at row ${r}, column ${c}: impute missing values before training`);
      bins[base + r] = binOf(padded, value);
    }
  }
  return { bins, rows, cols, edges, maxBinCount };
}

/** Midpoint edges between all distinct values of column c, or null if it has more than maxBins of them. */
function exactEdges(data: Float64Array, rows: number, cols: number, c: number, maxBins: number): Float64Array | null {
  const distinct = new Set<number>();
  for (let r = 0; r < rows; r++) {
    distinct.add(data[r * cols + c]!);
    if (distinct.size > maxBins) return null;
  }
  const values = Float64Array.from(distinct).sort();
  const out = new Float64Array(Math.max(0, values.length - 1));
  for (let i = 1; i < values.length; i++) out[i - 1] = midpoint(values[i - 1]!, values[i]!);
  return out;
}

/** `count` row indices drawn uniformly with replacement (seeded, so binning is deterministic). */
function sampleIndices(rows: number, count: number, seed: number): Int32Array {
  const random = SeededRandom.derive(seed, 0x62696e73);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = random.nextInt(rows);
  return out;
}

function quantileEdges(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sorted[i]! !== sorted[i - 1]!) distinct++;
  if (distinct <= maxBins) {
    const out = new Float64Array(distinct - 1);
    let k = 0;
    for (let i = 1; i < n; i++) if (sorted[i]! !== sorted[i - 1]!) out[k++] = midpoint(sorted[i - 1]!, sorted[i]!);
    return out;
  }
  const out: number[] = [];
  let cursor = 0;
  for (let q = 1; q < maxBins; q++) {
    // Edge q goes between the rank-k value and the next larger distinct value.
    const k = Math.max(cursor, Math.round((q * n) / maxBins));
    if (k <= 0) continue;
    if (k >= n) break;
    const below = sorted[k - 1]!;
    let j = k;
    while (j < n && sorted[j]! === below) j++;
    if (j >= n) break;
    const edge = midpoint(below, sorted[j]!);
    if (out.length === 0 || edge > out[out.length - 1]!) out.push(edge);
    cursor = j + 1;
  }
  return Float64Array.from(out);
}

/** A threshold t with low <= t < high, so that "v <= t" separates them even for adjacent doubles. */
function midpoint(low: number, high: number): number {
  const mid = low + (high - low) / 2;
  return mid >= high || !Number.isFinite(mid) ? low : mid;
}

/**
 * Index of the first edge >= value (the number of edges below it), by a fixed eight-step
 * search over edges padded to 256 with +Infinity: no data-dependent loop exit.
 */
function binOf(padded: Float64Array, value: number): number {
  let b = 0;
  if (value > padded[b + 127]!) b += 128;
  if (value > padded[b + 63]!) b += 64;
  if (value > padded[b + 31]!) b += 32;
  if (value > padded[b + 15]!) b += 16;
  if (value > padded[b + 7]!) b += 8;
  if (value > padded[b + 3]!) b += 4;
  if (value > padded[b + 1]!) b += 2;
  if (value > padded[b]!) b += 1;
  return b;
}
