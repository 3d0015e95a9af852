import { ClassificationTreeBuilder } from './classification-tree-builder.js';
import { binFeatures } from './feature-binning.js';
import type { FeatureMatrix } from './feature-matrix.js';
import { LeafDistributionTable } from './leaf-distribution-table.js';
import { ModelReader, ModelWriter } from './model-binary.js';
import { ModelFormatError } from './model-format-error.js';
import { resolveRandomForestOptions, type RandomForestOptions } from './random-forest-options.js';
import { TreeNodeBuffer } from './tree-node-buffer.js';

export { defaultRandomForestOptions, type RandomForestOptions } from './random-forest-options.js';

const MAGIC = 'RLRF';
const FORMAT_VERSION = 1;
const LEAF_FEATURE = 0xffff;
/** Features are stored as u16 on disk, with 0xffff marking leaves. */
const MAX_FEATURES = LEAF_FEATURE;

/** The flat arrays a forest is made of (all trees concatenated, pre-order per tree). */
interface ForestArrays {
  /** Split feature per node, -1 for leaves. */
  readonly feature: Int32Array;
  /** Split threshold in raw feature units (go to the next node when x <= threshold). */
  readonly threshold: Float64Array;
  /** Right child (absolute node index) for splits, leaf-distribution index for leaves. */
  readonly next: Int32Array;
  /** Node range of tree t: [treeStart[t], treeStart[t + 1]). */
  readonly treeStart: Int32Array;
  /** Leaf class distributions, nClasses float32 values each. */
  readonly distributions: Float32Array;
}

/**
 * A random forest classifier over dense numeric features: bootstrap-bagged Gini trees on
 * features binned to at most 256 quantile bins, sqrt(features) drawn per split, class
 * probabilities averaged over trees. The model holds no training rows: it is a few flat
 * typed arrays, with thresholds in raw feature units so forests trained on different data
 * can be merged (withAddedTrees).
 */
export class RandomForestClassifier {
  private constructor(
    readonly nClasses: number,
    readonly nFeatures: number,
    private readonly forest: ForestArrays,
  ) {}

  /** Trains on `x` (one row per example) with class labels `y` in [0, nClasses). */
  static train(x: FeatureMatrix, y: Int32Array, nClasses: number, options: Partial<RandomForestOptions> = {}): RandomForestClassifier {
    const resolved = resolveRandomForestOptions(options);
    if (!Number.isInteger(nClasses) || nClasses < 1 || nClasses > 65_535) {
      throw new RangeError(`random forest: nClasses must be an integer in [1, 65535], got ${nClasses}`);
    }
    if (x.rows < 1) throw new RangeError('random forest: cannot train on zero rows');
    if (x.cols < 1 || x.cols > MAX_FEATURES - 1) throw new RangeError(`random forest: feature count must be in [1, ${MAX_FEATURES - 1}], got ${x.cols}`);
    if (y.length !== x.rows) throw new RangeError(`random forest: ${y.length} labels for ${x.rows} rows`);
    for (let i = 0; i < y.length; i++) {
      const label = y[i]!;
      if (label < 0 || label >= nClasses) throw new RangeError(`random forest: label ${label} at row ${i} is outside [0, ${nClasses})`);
    }

    const binned = binFeatures(x, resolved.maxBins, resolved.seed);
    const builder = new ClassificationTreeBuilder(binned, y, nClasses, resolved);
    const nodes = new TreeNodeBuffer(Math.min(1 << 20, Math.max(1024, 2 * x.rows)));
    const leaves = new LeafDistributionTable(nClasses);
    const treeStart = new Int32Array(resolved.nTrees + 1);
    for (let t = 0; t < resolved.nTrees; t++) {
      treeStart[t] = nodes.length;
      builder.build(t, nodes, leaves);
    }
    treeStart[resolved.nTrees] = nodes.length;
    return new RandomForestClassifier(nClasses, x.cols, { ...nodes.trimmed(), treeStart, distributions: leaves.toArray() });
  }

  get treeCount(): number {
    return this.forest.treeStart.length - 1;
  }

  /** Total nodes over all trees. */
  get nodeCount(): number {
    return this.forest.feature.length;
  }

  /** Row-major rows × nClasses class probabilities, the mean of the trees' leaf distributions. */
  predictProba(x: FeatureMatrix): Float64Array {
    this.checkWidth(x);
    const { nClasses } = this;
    const { feature, threshold, next, treeStart, distributions } = this.forest;
    const { data, rows, cols } = x;
    const out = new Float64Array(rows * nClasses);
    const trees = this.treeCount;
    // Tree-major: one tree's nodes stay in cache while all rows pass through it.
    for (let t = 0; t < trees; t++) {
      const root = treeStart[t]!;
      for (let r = 0; r < rows; r++) {
        const rowBase = r * cols;
        let node = root;
        let f = feature[node]!;
        while (f >= 0) {
          node = data[rowBase + f]! <= threshold[node]! ? node + 1 : next[node]!;
          f = feature[node]!;
        }
        const leaf = next[node]! * nClasses;
        const o = r * nClasses;
        for (let c = 0; c < nClasses; c++) out[o + c]! += distributions[leaf + c]!;
      }
    }
    const scale = 1 / trees;
    for (let i = 0; i < out.length; i++) out[i]! *= scale;
    return out;
  }

  /** Most probable class per row (the lowest class index on ties). */
  predict(x: FeatureMatrix): Int32Array {
    const proba = this.predictProba(x);
    const { nClasses } = this;
    const out = new Int32Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let best = 0;
      let bestP = proba[r * nClasses]!;
      for (let c = 1; c < nClasses; c++) {
        const p = proba[r * nClasses + c]!;
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
      out[r] = best;
    }
    return out;
  }

  /**
   * Incremental update: this forest's trees followed by `newer`'s, keeping the newest
   * `maxTrees` (the oldest — this forest's first trees — are retired first).
   */
  withAddedTrees(newer: RandomForestClassifier, maxTrees: number): RandomForestClassifier {
    if (!Number.isInteger(maxTrees) || maxTrees < 1) throw new RangeError(`withAddedTrees: maxTrees must be a positive integer, got ${maxTrees}`);
    if (newer.nClasses !== this.nClasses || newer.nFeatures !== this.nFeatures) {
      throw new RangeError(
        `withAddedTrees: forests differ in shape (${this.nFeatures} features × ${this.nClasses} classes vs ${newer.nFeatures} × ${newer.nClasses})`,
      );
    }
    const all: { forest: ForestArrays; tree: number }[] = [];
    for (const source of [this, newer]) {
      for (let t = 0; t < source.treeCount; t++) all.push({ forest: source.forest, tree: t });
    }
    const kept = all.slice(Math.max(0, all.length - maxTrees));
    let totalNodes = 0;
    for (const { forest, tree } of kept) totalNodes += forest.treeStart[tree + 1]! - forest.treeStart[tree]!;

    const feature = new Int32Array(totalNodes);
    const threshold = new Float64Array(totalNodes);
    const next = new Int32Array(totalNodes);
    const treeStart = new Int32Array(kept.length + 1);
    const leaves = new LeafDistributionTable(this.nClasses);
    let at = 0;
    kept.forEach(({ forest, tree }, index) => {
      const from = forest.treeStart[tree]!;
      const to = forest.treeStart[tree + 1]!;
      treeStart[index] = at;
      feature.set(forest.feature.subarray(from, to), at);
      threshold.set(forest.threshold.subarray(from, to), at);
      const shift = at - from;
      for (let i = from; i < to; i++) {
        next[i + shift] = forest.feature[i]! >= 0 ? forest.next[i]! + shift : leaves.internFrom(forest.distributions, forest.next[i]!);
      }
      at += to - from;
    });
    treeStart[kept.length] = at;
    return new RandomForestClassifier(this.nClasses, this.nFeatures, {
      feature,
      threshold,
      next,
      treeStart,
      distributions: leaves.toArray(),
    });
  }

  /**
   * Compact binary form: magic "RLRF", format version, shape, per-node u16 feature and
   * i32 link, f64 thresholds for split nodes only, f32 leaf distributions, CRC-32.
   */
  serialize(): Uint8Array {
    const { feature, threshold, next, treeStart, distributions } = this.forest;
    const nodes = feature.length;
    let splits = 0;
    for (let i = 0; i < nodes; i++) if (feature[i]! >= 0) splits++;
    const writer = new ModelWriter(MAGIC, FORMAT_VERSION, 64 + nodes * 6 + splits * 8 + distributions.byteLength + treeStart.byteLength);
    writer.u32(this.nClasses);
    writer.u32(this.nFeatures);
    writer.u32(this.treeCount);
    writer.u32(nodes);
    writer.u32(splits);
    writer.u32(distributions.length / this.nClasses);
    writer.array(treeStart);
    const diskFeature = new Uint16Array(nodes);
    const splitThresholds = new Float64Array(splits);
    for (let i = 0, s = 0; i < nodes; i++) {
      const f = feature[i]!;
      diskFeature[i] = f >= 0 ? f : LEAF_FEATURE;
      if (f >= 0) splitThresholds[s++] = threshold[i]!;
    }
    writer.array(diskFeature);
    writer.array(next);
    writer.array(splitThresholds);
    writer.array(distributions);
    return writer.finish();
  }

  /** Reverses serialize. Throws ModelFormatError on foreign, corrupted or unsupported bytes. */
  static deserialize(bytes: Uint8Array): RandomForestClassifier {
    const reader = new ModelReader(bytes, 'random forest model', MAGIC, [FORMAT_VERSION]);
    const nClasses = reader.u32();
    const nFeatures = reader.u32();
    const nTrees = reader.u32();
    const nodes = reader.u32();
    const splits = reader.u32();
    const nDistributions = reader.u32();
    const invalid = (why: string): ModelFormatError => new ModelFormatError('MODEL_INVALID_STRUCTURE', `random forest model: ${why}`);
    if (nClasses < 1 || nFeatures < 1 || nFeatures >= MAX_FEATURES || nTrees < 1 || splits > nodes) throw invalid('bad header');
    const treeStart = reader.int32Array(nTrees + 1);
    const diskFeature = reader.uint16Array(nodes);
    const next = reader.int32Array(nodes);
    const splitThresholds = reader.float64Array(splits);
    const distributions = reader.float32Array(nDistributions * nClasses);
    reader.done();

    if (treeStart[0] !== 0 || treeStart[nTrees] !== nodes) throw invalid('tree offsets do not cover the nodes');
    const feature = new Int32Array(nodes);
    const threshold = new Float64Array(nodes);
    let s = 0;
    for (let t = 0; t < nTrees; t++) {
      const from = treeStart[t]!;
      const to = treeStart[t + 1]!;
      if (to <= from) throw invalid(`tree ${t} is empty`);
      for (let i = from; i < to; i++) {
        const f = diskFeature[i]!;
        const link = next[i]!;
        if (f === LEAF_FEATURE) {
          feature[i] = -1;
          if (link < 0 || link >= nDistributions) throw invalid(`leaf ${i} points at missing distribution ${link}`);
        } else {
          // Children must lie after their parent inside the same tree, so traversal always ends.
          if (f >= nFeatures || i + 1 >= to || link <= i + 1 || link >= to) throw invalid(`node ${i} has an invalid split`);
          feature[i] = f;
          if (s >= splits) throw invalid('more split nodes than thresholds');
          threshold[i] = splitThresholds[s++]!;
        }
      }
    }
    if (s !== splits) throw invalid('threshold count does not match split nodes');
    return new RandomForestClassifier(nClasses, nFeatures, { feature, threshold, next, treeStart, distributions });
  }

  private checkWidth(x: FeatureMatrix): void {
    if (x.cols !== this.nFeatures) throw new RangeError(`random forest: model has ${this.nFeatures} features, input has ${x.cols}`);
  }
}
