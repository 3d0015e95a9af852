import type { FeatureMatrix } from '../feature-matrix.js';

/** The matrix as an array of row arrays, the input shape the ml-* packages take. */
export function featureRows(x: FeatureMatrix): number[][] {
  const out: number[][] = new Array<number[]>(x.rows);
  for (let r = 0; r < x.rows; r++) out[r] = Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols));
  return out;
}
