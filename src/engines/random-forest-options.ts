/** Options of RandomForestClassifier.train. */
export interface RandomForestOptions {
  /** Trees in the forest. */
  nTrees: number;
  /** Depth limit (the root is depth 0). Bounds model size on large data. */
  maxDepth: number;
  /** Minimum (bootstrap-weighted) training rows in each leaf. */
  minSamplesLeaf: number;
  /** Features drawn per split: 'sqrt' (floor(sqrt(nFeatures))) or a fraction of them in (0, 1]. */
  maxFeatures: 'sqrt' | number;
  /** Each tree trains on a bootstrap sample (drawn with replacement) of the rows. */
  bootstrap: boolean;
  /** Bins per feature, at most 256. */
  maxBins: number;
  /** Everything random derives from it: equal seeds, data and options give equal models. */
  seed: number;
}

export const defaultRandomForestOptions: Readonly<RandomForestOptions> = Object.freeze({
  nTrees: 25,
  maxDepth: 16,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  bootstrap: true,
  maxBins: 255,
  seed: 1,
});

/** Upper bound on maxDepth: tree building recurses once per level. */
export const MAX_TREE_DEPTH = 64;

/** Defaults filled in, every value checked, result frozen. Throws RangeError naming the option. */
export function resolveRandomForestOptions(options: Partial<RandomForestOptions> = {}): Readonly<RandomForestOptions> {
  const resolved: RandomForestOptions = { ...defaultRandomForestOptions };
  for (const [key, value] of Object.entries(options) as [keyof RandomForestOptions, unknown][]) {
    if (value === undefined) continue;
    if (!(key in defaultRandomForestOptions)) throw new RangeError(`random forest: unknown option ${JSON.stringify(key)}`);
    (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  requireInteger('nTrees', resolved.nTrees, 1, 100_000);
  requireInteger('maxDepth', resolved.maxDepth, 1, MAX_TREE_DEPTH);
  requireInteger('minSamplesLeaf', resolved.minSamplesLeaf, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('maxBins', resolved.maxBins, 2, 256);
  if (typeof resolved.seed !== 'number' || !Number.isFinite(resolved.seed)) {
    throw new RangeError(`random forest: seed must be a finite number, got ${String(resolved.seed)}`);
  }
  if (typeof resolved.bootstrap !== 'boolean') throw new RangeError(`random forest: bootstrap must be a boolean, got ${String(resolved.bootstrap)}`);
  const mf = resolved.maxFeatures;
  if (mf !== 'sqrt' && !(typeof mf === 'number' && mf > 0 && mf <= 1)) {
    throw new RangeError(`random forest: maxFeatures must be 'sqrt' or a fraction in (0, 1], got ${String(mf)}`);
  }
  return Object.freeze(resolved);
}

/** Number of features drawn per split. */
export function featuresPerSplit(maxFeatures: RandomForestOptions['maxFeatures'], nFeatures: number): number {
  const drawn = maxFeatures === 'sqrt' ? Math.floor(Math.sqrt(nFeatures)) : Math.floor(maxFeatures * nFeatures);
  return Math.min(nFeatures, Math.max(1, drawn));
}

function requireInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`random forest: ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
}
