import { averagePathLength } from './average-path-length.js';
import type { FeatureMatrix } from './feature-matrix.js';
import { resolveIsolationForestOptions, type IsolationForestOptions } from './isolation-forest-options.js';
import { ModelReader, ModelWriter } from './model-binary.js';
import { ModelFormatError } from './model-format-error.js';
import { SeededRandom } from './seeded-random.js';
import { TreeNodeBuffer } from './tree-node-buffer.js';

export { defaultIsolationForestOptions, type IsolationForestOptions } from './isolation-forest-options.js';

const MAGIC = 'RLIF';
const FORMAT_VERSION = 1;
const LEAF_FEATURE = 0xffff;

interface IsolationTrees {
  /** Split feature per node, -1 for leaves. */
  readonly feature: Int32Array;
  /** Split value for splits (x <= value goes to the next node); for leaves depth + c(leaf size). */
  readonly value: Float64Array;
  /** Right child (absolute node index) for splits. */
  readonly next: Int32Array;
  /** Node range of tree t: [treeStart[t], treeStart[t + 1]). */
  readonly treeStart: Int32Array;
}

/**
 * Isolation forest (Liu, Ting & Zhou 2008): each tree isolates a subsample of rows drawn
 * without replacement by random axis-aligned cuts up to the height limit ceil(log2 ψ);
 * anomalies are isolated in few cuts. The score is s(x, ψ) = 2^(−E[h(x)] / c(ψ)), where a
 * path ending in a leaf that still holds n rows counts c(n) extra for its unbuilt subtree.
 * The model keeps no training rows.
 */
export class IsolationForest {
  private constructor(
    readonly nFeatures: number,
    /** Rows each tree was grown on (ψ, the sample size capped at the training rows). */
    readonly subsampleSize: number,
    /** Score at the (1 − contamination) quantile of the training scores. */
    readonly threshold: number,
    private readonly trees: IsolationTrees,
  ) {}

  static train(x: FeatureMatrix, options: Partial<IsolationForestOptions> = {}): IsolationForest {
    const resolved = resolveIsolationForestOptions(options);
    const { rows, cols } = x;
    if (rows < 2) throw new RangeError(`isolation forest: needs at least 2 rows, got ${rows}`);
    if (cols < 1 || cols >= LEAF_FEATURE) throw new RangeError(`isolation forest: feature count must be in [1, ${LEAF_FEATURE - 1}], got ${cols}`);
    for (let i = 0; i < x.data.length; i++) {
      if (Number.isNaN(x.data[i])) throw new RangeError(`isolation forest: NaN at row ${Math.floor(i / cols)}, column ${i % cols}: impute missing values first`);
    }
    const psi = Math.min(resolved.sampleSize, rows);
    const grower = new IsolationTreeGrower(x, psi, Math.ceil(Math.log2(psi)));
    const nodes = new TreeNodeBuffer(resolved.nTrees * Math.min(2 * psi, 1024));
    const treeStart = new Int32Array(resolved.nTrees + 1);
    for (let t = 0; t < resolved.nTrees; t++) {
      treeStart[t] = nodes.length;
      grower.grow(SeededRandom.derive(resolved.seed, t), nodes);
    }
    treeStart[resolved.nTrees] = nodes.length;
    const trimmed = nodes.trimmed();
    const trees: IsolationTrees = { feature: trimmed.feature, value: trimmed.threshold, next: trimmed.next, treeStart };
    const provisional = new IsolationForest(cols, psi, Number.NaN, trees);
    const threshold = upperQuantile(provisional.score(x), 1 - resolved.contamination);
    return new IsolationForest(cols, psi, threshold, trees);
  }

  get treeCount(): number {
    return this.trees.treeStart.length - 1;
  }

  /** Anomaly score per row in (0, 1]: near 1 is anomalous, well below 0.5 is normal. */
  score(x: FeatureMatrix): Float64Array {
    if (x.cols !== this.nFeatures) throw new RangeError(`isolation forest: model has ${this.nFeatures} features, input has ${x.cols}`);
    const { feature, value, next, treeStart } = this.trees;
    const { data, rows, cols } = x;
    const pathSum = new Float64Array(rows);
    const trees = this.treeCount;
    for (let t = 0; t < trees; t++) {
      const root = treeStart[t]!;
      for (let r = 0; r < rows; r++) {
        const rowBase = r * cols;
        let node = root;
        let f = feature[node]!;
        while (f >= 0) {
          node = data[rowBase + f]! <= value[node]! ? node + 1 : next[node]!;
          f = feature[node]!;
        }
        pathSum[r]! += value[node]!;
      }
    }
    const scale = -1 / (trees * averagePathLength(this.subsampleSize));
    for (let r = 0; r < rows; r++) pathSum[r] = Math.pow(2, pathSum[r]! * scale);
    return pathSum;
  }

  /** 1 where score >= threshold (anomaly), else 0. */
  predict(x: FeatureMatrix): Uint8Array {
    const scores = this.score(x);
    const out = new Uint8Array(x.rows);
    for (let r = 0; r < x.rows; r++) out[r] = scores[r]! >= this.threshold ? 1 : 0;
    return out;
  }

  /** Compact binary form: magic "RLIF", format version, shape, u16 features, f64 values, i32 right children of splits, CRC-32. */
  serialize(): Uint8Array {
    const { feature, value, next, treeStart } = this.trees;
    const nodes = feature.length;
    let splits = 0;
    for (let i = 0; i < nodes; i++) if (feature[i]! >= 0) splits++;
    const writer = new ModelWriter(MAGIC, FORMAT_VERSION, 64 + nodes * 10 + splits * 4 + treeStart.byteLength);
    writer.u32(this.nFeatures);
    writer.u32(this.subsampleSize);
    writer.f64(this.threshold);
    writer.u32(this.treeCount);
    writer.u32(nodes);
    writer.u32(splits);
    writer.array(treeStart);
    const diskFeature = new Uint16Array(nodes);
    const rightChildren = new Int32Array(splits);
    for (let i = 0, s = 0; i < nodes; i++) {
      const f = feature[i]!;
      diskFeature[i] = f >= 0 ? f : LEAF_FEATURE;
      if (f >= 0) rightChildren[s++] = next[i]!;
    }
    writer.array(diskFeature);
    writer.array(value);
    writer.array(rightChildren);
    return writer.finish();
  }

  /** Reverses serialize. Throws ModelFormatError on foreign, corrupted or unsupported bytes. */
  static deserialize(bytes: Uint8Array): IsolationForest {
    const reader = new ModelReader(bytes, 'isolation forest model', MAGIC, [FORMAT_VERSION]);
    const nFeatures = reader.u32();
    const subsampleSize = reader.u32();
    const threshold = reader.f64();
    const nTrees = reader.u32();
    const nodes = reader.u32();
    const splits = reader.u32();
    const invalid = (why: string): ModelFormatError => new ModelFormatError('MODEL_INVALID_STRUCTURE', `isolation forest model: ${why}`);
    if (nFeatures < 1 || nFeatures >= LEAF_FEATURE || subsampleSize < 2 || nTrees < 1 || splits > nodes) throw invalid('bad header');
    const treeStart = reader.int32Array(nTrees + 1);
    const diskFeature = reader.uint16Array(nodes);
    const value = reader.float64Array(nodes);
    const rightChildren = reader.int32Array(splits);
    reader.done();

    if (treeStart[0] !== 0 || treeStart[nTrees] !== nodes) throw invalid('tree offsets do not cover the nodes');
    const feature = new Int32Array(nodes);
    const next = new Int32Array(nodes);
    let s = 0;
    for (let t = 0; t < nTrees; t++) {
      const from = treeStart[t]!;
      const to = treeStart[t + 1]!;
      if (to <= from) throw invalid(`tree ${t} is empty`);
      for (let i = from; i < to; i++) {
        const f = diskFeature[i]!;
        if (f === LEAF_FEATURE) {
          feature[i] = -1;
          continue;
        }
        if (s >= splits) throw invalid('more split nodes than right children');
        const right = rightChildren[s++]!;
        // Children must lie after their parent inside the same tree, so traversal always ends.
        if (f >= nFeatures || i + 1 >= to || right <= i + 1 || right >= to) throw invalid(`node ${i} has an invalid split`);
        feature[i] = f;
        next[i] = right;
      }
    }
    if (s !== splits) throw invalid('right-child count does not match split nodes');
    return new IsolationForest(nFeatures, subsampleSize, threshold, { feature, value, next, treeStart });
  }
}

/** Grows isolation trees, reusing its index buffers across trees. */
class IsolationTreeGrower {
  private readonly permutation: Int32Array;
  private readonly sample: Int32Array;
  private readonly featureOrder: Int32Array;
  private random = new SeededRandom(0);
  private nodes!: TreeNodeBuffer;

  constructor(
    private readonly x: FeatureMatrix,
    private readonly psi: number,
    private readonly heightLimit: number,
  ) {
    this.permutation = new Int32Array(x.rows);
    for (let r = 0; r < x.rows; r++) this.permutation[r] = r;
    this.sample = new Int32Array(psi);
    this.featureOrder = new Int32Array(x.cols);
    for (let f = 0; f < x.cols; f++) this.featureOrder[f] = f;
  }

  grow(random: SeededRandom, nodes: TreeNodeBuffer): void {
    this.random = random;
    this.nodes = nodes;
    const { permutation, sample, psi } = this;
    const n = permutation.length;
    // Partial Fisher–Yates: the first ψ entries become a uniform sample without replacement.
    for (let i = 0; i < psi; i++) {
      const j = i + random.nextInt(n - i);
      const row = permutation[j]!;
      permutation[j] = permutation[i]!;
      permutation[i] = row;
      sample[i] = row;
    }
    this.growNode(0, psi, 0);
  }

  private growNode(start: number, end: number, depth: number): void {
    const size = end - start;
    if (depth >= this.heightLimit || size <= 1) {
      this.nodes.pushLeaf(0, depth + averagePathLength(size));
      return;
    }
    const { data, cols } = this.x;
    const { sample, featureOrder, random } = this;
    // Draw features until one varies among these rows (a constant one cannot isolate anything).
    for (let i = 0; i < cols; i++) {
      const j = i + random.nextInt(cols - i);
      const feature = featureOrder[j]!;
      featureOrder[j] = featureOrder[i]!;
      featureOrder[i] = feature;
      let min = Infinity;
      let max = -Infinity;
      for (let k = start; k < end; k++) {
        const v = data[sample[k]! * cols + feature]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (!(max > min)) continue;
      let split = min + random.nextFloat() * (max - min);
      // Keeps min on the left and max on the right even when rounding lands on max.
      if (split >= max) split = min;
      const mid = this.partition(start, end, feature, split);
      const node = this.nodes.pushSplit(feature, split);
      this.growNode(start, mid, depth + 1);
      this.nodes.setNext(node, this.nodes.length);
      this.growNode(mid, end, depth + 1);
      return;
    }
    this.nodes.pushLeaf(0, depth + averagePathLength(size));
  }

  private partition(start: number, end: number, feature: number, split: number): number {
    const { sample } = this;
    const { data, cols } = this.x;
    let i = start;
    let j = end - 1;
    for (;;) {
      while (i <= j && data[sample[i]! * cols + feature]! <= split) i++;
      while (i <= j && data[sample[j]! * cols + feature]! > split) j--;
      if (i >= j) break;
      const swap = sample[i]!;
      sample[i] = sample[j]!;
      sample[j] = swap;
      i++;
      j--;
    }
    return i;
  }
}

/** The q-quantile of `values` with linear interpolation between order statistics (numpy's default). */
function upperQuantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}
