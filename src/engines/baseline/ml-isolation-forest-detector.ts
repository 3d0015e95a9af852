import { IsolationForest as MlIsolationForest } from 'ml-isolation-forest';
import type { FeatureMatrix } from '../feature-matrix.js';
import { resolveIsolationForestOptions, type IsolationForestOptions } from '../isolation-forest-options.js';
import { ModelFormatError } from '../model-format-error.js';
import { featureRows } from './feature-rows.js';

/**
 * Baseline engine: ml-isolation-forest 0.1.0 behind relearn's anomaly-detector shape.
 *
 * The package grows every tree on all training rows (no ψ-row subsample), draws from
 * Math.random (no seed) and keeps the training rows in its leaves, so `sampleSize` and
 * `seed` are ignored here and results differ run to run. The threshold is computed the
 * same way as relearn's engine: the (1 − contamination) quantile of the training scores.
 * It cannot be saved: the package has no save/load, and its model (training rows in every
 * leaf, 73 MB of JSON at 10k rows) is not something to persist; serialize throws.
 */
export class MlIsolationForestDetector {
  private constructor(
    readonly nFeatures: number,
    readonly threshold: number,
    private readonly model: MlIsolationForest,
  ) {}

  static train(x: FeatureMatrix, options: Partial<IsolationForestOptions> = {}): MlIsolationForestDetector {
    const resolved = resolveIsolationForestOptions(options);
    if (x.rows < 2 || x.cols < 1) throw new RangeError('ml-isolation-forest: needs at least 2 rows and 1 feature');
    const model = new MlIsolationForest({ nEstimators: resolved.nTrees });
    const rows = featureRows(x);
    model.train(rows);
    const trainingScores = Float64Array.from(model.predict(rows)).sort();
    const position = (1 - resolved.contamination) * (trainingScores.length - 1);
    const low = Math.floor(position);
    const high = Math.min(trainingScores.length - 1, low + 1);
    const threshold = trainingScores[low]! + (trainingScores[high]! - trainingScores[low]!) * (position - low);
    return new MlIsolationForestDetector(x.cols, threshold, model);
  }

  get treeCount(): number {
    return this.model.nEstimators;
  }

  score(x: FeatureMatrix): Float64Array {
    if (x.cols !== this.nFeatures) throw new RangeError(`ml-isolation-forest: model has ${this.nFeatures} features, input has ${x.cols}`);
    return Float64Array.from(this.model.predict(featureRows(x)));
  }

  predict(x: FeatureMatrix): Uint8Array {
    const scores = this.score(x);
    return Uint8Array.from(scores, (s) => (s >= this.threshold ? 1 : 0));
  }

  serialize(): Uint8Array {
    throw new ModelFormatError(
      'MODEL_NOT_SERIALIZABLE',
      'ml-isolation-forest models cannot be serialised (the package has no save/load and keeps training rows in its leaves); use the relearn-isolation engine to persist models',
    );
  }

  static deserialize(_bytes: Uint8Array): MlIsolationForestDetector {
    throw new ModelFormatError('MODEL_NOT_SERIALIZABLE', 'ml-isolation-forest models cannot be deserialised: they are never serialised');
  }
}
