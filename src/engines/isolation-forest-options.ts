/** Options of IsolationForest.train. */
export interface IsolationForestOptions {
  /** Isolation trees in the forest. */
  nTrees: number;
  /** Rows drawn (without replacement) to grow each tree; Liu et al. recommend 256. */
  sampleSize: number;
  /** Expected share of anomalies in the training data; sets the decision threshold. */
  contamination: number;
  /** Everything random derives from it: equal seeds and data give equal models. */
  seed: number;
}

export const defaultIsolationForestOptions: Readonly<IsolationForestOptions> = Object.freeze({
  nTrees: 100,
  sampleSize: 256,
  contamination: 0.05,
  seed: 1,
});

/** Defaults filled in, every value checked, result frozen. Throws RangeError naming the option. */
export function resolveIsolationForestOptions(options: Partial<IsolationForestOptions> = {}): Readonly<IsolationForestOptions> {
  const resolved: IsolationForestOptions = { ...defaultIsolationForestOptions };
  for (const [key, value] of Object.entries(options) as [keyof IsolationForestOptions, unknown][]) {
    if (value === undefined) continue;
    if (!(key in defaultIsolationForestOptions)) throw new RangeError(`isolation forest: unknown option ${JSON.stringify(key)}`);
    (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  const { nTrees, sampleSize, contamination, seed } = resolved;
  if (!Number.isInteger(nTrees) || nTrees < 1 || nTrees > 100_000) {
    throw new RangeError(`isolation forest: nTrees must be an integer in [1, 100000], got ${String(nTrees)}`);
  }
  if (!Number.isInteger(sampleSize) || sampleSize < 2 || sampleSize > 1 << 24) {
    throw new RangeError(`isolation forest: sampleSize must be an integer in [2, 16777216], got ${String(sampleSize)}`);
  }
  if (typeof contamination !== 'number' || !(contamination > 0 && contamination <= 0.5)) {
    throw new RangeError(`isolation forest: contamination must be in (0, 0.5], got ${String(contamination)}`);
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new RangeError(`isolation forest: seed must be a finite number, got ${String(seed)}`);
  return Object.freeze(resolved);
}
