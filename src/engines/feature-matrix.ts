/** A dense row-major matrix of features: row r, column c is `data[r * cols + c]`. */
export interface FeatureMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Wraps `data` (not copied) as a rows × cols matrix after checking the shape. */
export function featureMatrix(data: Float64Array, rows: number, cols: number): FeatureMatrix {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isSafeInteger(cols) || cols < 0) throw new RangeError(`cols must be a non-negative integer, got ${cols}`);
  if (data.length !== rows * cols) {
    throw new RangeError(`feature matrix data has ${data.length} values, expected rows × cols = ${rows} × ${cols} = ${rows * cols}`);
  }
  return { data, rows, cols };
}
