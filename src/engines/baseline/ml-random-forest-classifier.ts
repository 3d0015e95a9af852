import { RandomForestClassifier as MlForest } from 'ml-random-forest';
import type { FeatureMatrix } from '../feature-matrix.js';
import { ModelFormatError } from '../model-format-error.js';
import { resolveRandomForestOptions, type RandomForestOptions } from '../random-forest-options.js';
import { featureRows } from './feature-rows.js';

type RandomForestClassifierModel = Parameters<typeof MlForest.load>[0];

/**
 * Baseline engine: ml-random-forest 2.1.0 behind relearn's classifier shape.
 *
 * Used as well as the package allows: bootstrap rows via `useSampleBagging`, feature
 * sampling without replacement (`replacement: false`), no out-of-bag pass (`noOOB: true`).
 * The package samples features once per tree, not per split, so 'sqrt' (which it rejects,
 * and which per tree costs most of the accuracy) becomes all features; a numeric fraction
 * is passed through (per tree). `minSamplesLeaf` maps to ml-cart's `minNumSamples` (a node
 * with that many rows or fewer is not split), `maxBins` is ignored (the package sorts raw
 * values). Class probabilities are the trees' vote shares (each tree votes one-hot).
 */
export class MlRandomForestClassifier {
  private constructor(
    readonly nClasses: number,
    readonly nFeatures: number,
    private readonly model: MlForest,
  ) {}

  static train(x: FeatureMatrix, y: Int32Array, nClasses: number, options: Partial<RandomForestOptions> = {}): MlRandomForestClassifier {
    const resolved = resolveRandomForestOptions(options);
    if (y.length !== x.rows) throw new RangeError(`ml-random-forest: ${y.length} labels for ${x.rows} rows`);
    if (x.rows < 1 || x.cols < 1) throw new RangeError('ml-random-forest: cannot train on an empty matrix');
    const model = new MlForest({
      nEstimators: resolved.nTrees,
      maxFeatures: resolved.maxFeatures === 'sqrt' ? 1.0 : resolved.maxFeatures,
      replacement: false,
      useSampleBagging: resolved.bootstrap,
      noOOB: true,
      seed: Math.trunc(resolved.seed) | 0,
      treeOptions: { maxDepth: resolved.maxDepth, minNumSamples: resolved.minSamplesLeaf },
    });
    model.train(featureRows(x), Array.from(y));
    return new MlRandomForestClassifier(nClasses, x.cols, model);
  }

  get treeCount(): number {
    return this.model.estimators?.length ?? 0;
  }

  /** Row-major rows × nClasses vote shares. */
  predictProba(x: FeatureMatrix): Float64Array {
    if (x.cols !== this.nFeatures) throw new RangeError(`ml-random-forest: model has ${this.nFeatures} features, input has ${x.cols}`);
    const { nClasses } = this;
    const out = new Float64Array(x.rows * nClasses);
    if (x.rows === 0) return out;
    const votes = this.model.predictionValues(featureRows(x));
    const trees = votes.columns;
    for (let r = 0; r < x.rows; r++) {
      for (let t = 0; t < trees; t++) {
        const label = votes.get(r, t);
        if (label >= 0 && label < nClasses) out[r * nClasses + label]! += 1 / trees;
      }
    }
    return out;
  }

  /** Class with the most votes per row (the lowest class index on ties). */
  predict(x: FeatureMatrix): Int32Array {
    const proba = this.predictProba(x);
    const out = new Int32Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let best = 0;
      for (let c = 1; c < this.nClasses; c++) if (proba[r * this.nClasses + c]! > proba[r * this.nClasses + best]!) best = c;
      out[r] = best;
    }
    return out;
  }

  /** This forest's trees followed by `newer`'s, keeping the newest `maxTrees`. */
  withAddedTrees(newer: MlRandomForestClassifier, maxTrees: number): MlRandomForestClassifier {
    if (!Number.isInteger(maxTrees) || maxTrees < 1) throw new RangeError(`withAddedTrees: maxTrees must be a positive integer, got ${maxTrees}`);
    if (newer.nClasses !== this.nClasses || newer.nFeatures !== this.nFeatures) throw new RangeError('withAddedTrees: forests differ in shape');
    const older = this.model.toJSON();
    const added = newer.model.toJSON();
    // The package's typings leave estimators untyped; they are opaque JSON here.
    const estimators: unknown[] = [...(older.baseModel.estimators as unknown[]), ...(added.baseModel.estimators as unknown[])];
    const indexes = [...older.baseModel.indexes, ...added.baseModel.indexes];
    const drop = Math.max(0, estimators.length - maxTrees);
    const merged: RandomForestClassifierModel = {
      ...older,
      baseModel: { ...older.baseModel, estimators: estimators.slice(drop) as typeof older.baseModel.estimators, indexes: indexes.slice(drop), nEstimators: estimators.length - drop },
    };
    return new MlRandomForestClassifier(this.nClasses, this.nFeatures, MlForest.load(merged));
  }

  /** UTF-8 JSON of the package's own toJSON, wrapped with the shape relearn needs. */
  serialize(): Uint8Array {
    const document = { format: 'ml-random-forest', version: 1, nClasses: this.nClasses, nFeatures: this.nFeatures, model: this.model.toJSON() };
    return new TextEncoder().encode(JSON.stringify(document));
  }

  static deserialize(bytes: Uint8Array): MlRandomForestClassifier {
    let document: unknown;
    try {
      document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (error) {
      throw new ModelFormatError('MODEL_INVALID_STRUCTURE', `ml-random-forest model: not UTF-8 JSON (${(error as Error).message})`);
    }
    const d = document as { format?: unknown; version?: unknown; nClasses?: unknown; nFeatures?: unknown; model?: unknown };
    if (d.format !== 'ml-random-forest') throw new ModelFormatError('MODEL_BAD_MAGIC', 'ml-random-forest model: not an ml-random-forest document');
    if (d.version !== 1) throw new ModelFormatError('MODEL_UNSUPPORTED_VERSION', `ml-random-forest model: format version ${String(d.version)} is not supported`);
    if (typeof d.nClasses !== 'number' || typeof d.nFeatures !== 'number' || typeof d.model !== 'object' || d.model === null) {
      throw new ModelFormatError('MODEL_INVALID_STRUCTURE', 'ml-random-forest model: missing shape or model');
    }
    try {
      return new MlRandomForestClassifier(d.nClasses, d.nFeatures, MlForest.load(d.model as RandomForestClassifierModel));
    } catch (error) {
      throw new ModelFormatError('MODEL_INVALID_STRUCTURE', `ml-random-forest model: ${(error as Error).message}`);
    }
  }
}
