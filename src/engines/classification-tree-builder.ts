import type { BinnedFeatures } from './feature-binning.js';
import type { LeafDistributionTable } from './leaf-distribution-table.js';
import type { RandomForestOptions } from './random-forest-options.js';
import { featuresPerSplit } from './random-forest-options.js';
import { SeededRandom } from './seeded-random.js';
import type { TreeNodeBuffer } from './tree-node-buffer.js';

/** Histograms kept per depth for the sibling-subtraction trick (more features are scanned but not kept). */
const MAX_KEPT_HISTOGRAMS_PER_NODE = 64;

/**
 * Grows Gini classification trees on binned features, one at a time, reusing every
 * buffer across nodes and trees (no allocation per node).
 *
 * A node's rows are a range [start, end) of `rowIndex`, partitioned in place like a
 * quicksort as the tree grows; bootstrap draws become integer row weights, so rows that
 * were never drawn cost nothing and class counts stay exact integers.
 *
 * Split search: per candidate feature, a class histogram over its bins (counts and per-bin
 * totals, plus a bitmap of occupied bins so sweeps and clears touch only those). The
 * histograms a node computed stay alive while its children are built; when a child draws
 * a feature its parent also scanned, and its sibling has fewer rows, the child's
 * histogram is parent minus sibling (the sibling-subtraction trick) instead of a pass
 * over its own rows.
 */
export class ClassificationTreeBuilder {
  private readonly nRows: number;
  private readonly nFeatures: number;
  private readonly nClasses: number;
  private readonly nBins: number;
  private readonly bitmapWords: number;
  private readonly drawPerSplit: number;
  private readonly keptPerNode: number;
  private readonly maxDepth: number;
  private readonly minLeaf: number;

  private readonly weight: Int32Array;
  private readonly rowIndex: Int32Array;
  // (weight << 16) | label of rowIndex[i], moved with it, so histogram passes read it sequentially.
  private readonly rowWeightLabel: Int32Array;
  private readonly partitionScratch: Int32Array;
  private readonly featureOrder: Int32Array;

  // Histogram slots: depth d keeps slots [d * keptPerNode, (d + 1) * keptPerNode); then two scratch slots.
  private readonly counts: Int32Array;
  private readonly bitmaps: Int32Array;
  private readonly slotTouched: Int32Array;
  private readonly slotOfFeature: Int32Array; // [depth * nFeatures + f] → slot or -1
  private readonly keptFeatures: Int32Array; // [depth * keptPerNode + k] → feature
  private readonly keptCount: Int32Array; // per depth
  private readonly scratchSlot: number;
  private readonly siblingSlot: number;

  // Class counts of the node being built at each depth.
  private readonly nodeCounts: Int32Array;
  private readonly leftCounts: Int32Array;
  private readonly bestLeftCounts: Int32Array;

  // Best split found so far at the current node.
  private bestScore = 0;
  private bestFeature = -1;
  private bestBin = -1;
  private bestNextBin = -1;

  private random = new SeededRandom(0);
  private nodes!: TreeNodeBuffer;
  private leaves!: LeafDistributionTable;

  constructor(
    private readonly binned: BinnedFeatures,
    private readonly labels: Int32Array,
    nClasses: number,
    private readonly options: Readonly<RandomForestOptions>,
  ) {
    this.nRows = binned.rows;
    this.nFeatures = binned.cols;
    this.nClasses = nClasses;
    this.nBins = binned.maxBinCount;
    this.bitmapWords = (this.nBins + 31) >>> 5;
    this.drawPerSplit = featuresPerSplit(options.maxFeatures, this.nFeatures);
    this.keptPerNode = Math.min(this.drawPerSplit, MAX_KEPT_HISTOGRAMS_PER_NODE);
    this.maxDepth = options.maxDepth;
    this.minLeaf = options.minSamplesLeaf;

    this.weight = new Int32Array(this.nRows);
    this.rowIndex = new Int32Array(this.nRows);
    this.rowWeightLabel = new Int32Array(this.nRows);
    this.partitionScratch = new Int32Array(2 * this.nRows);
    this.featureOrder = new Int32Array(this.nFeatures);
    for (let f = 0; f < this.nFeatures; f++) this.featureOrder[f] = f;

    const depthLevels = this.maxDepth + 1;
    const slots = depthLevels * this.keptPerNode + 2;
    this.scratchSlot = slots - 2;
    this.siblingSlot = slots - 1;
    this.counts = new Int32Array(slots * this.nBins * nClasses);
    this.bitmaps = new Int32Array(slots * this.bitmapWords);
    this.slotTouched = new Int32Array(slots);
    this.slotOfFeature = new Int32Array(depthLevels * this.nFeatures).fill(-1);
    this.keptFeatures = new Int32Array(depthLevels * this.keptPerNode);
    this.keptCount = new Int32Array(depthLevels);

    this.nodeCounts = new Int32Array((depthLevels + 1) * nClasses);
    this.leftCounts = new Int32Array(nClasses);
    this.bestLeftCounts = new Int32Array(nClasses);
  }

  /** Grows tree number `treeIndex` (its randomness depends only on the seed and this index) into `nodes`. */
  build(treeIndex: number, nodes: TreeNodeBuffer, leaves: LeafDistributionTable): void {
    this.nodes = nodes;
    this.leaves = leaves;
    this.random = SeededRandom.derive(this.options.seed, treeIndex);
    const { nRows, weight, rowIndex, rowWeightLabel, labels, nClasses, nodeCounts } = this;

    weight.fill(0);
    if (this.options.bootstrap) {
      for (let i = 0; i < nRows; i++) weight[this.random.nextInt(nRows)]!++;
    } else {
      weight.fill(1);
    }
    let inBag = 0;
    nodeCounts.fill(0, 0, nClasses);
    for (let r = 0; r < nRows; r++) {
      const w = weight[r]!;
      if (w === 0) continue;
      rowIndex[inBag] = r;
      // Bootstrap weights are tiny (Poisson(1)-like), far below the 15 bits they get here.
      rowWeightLabel[inBag++] = (w << 16) | labels[r]!;
      nodeCounts[labels[r]!]! += w;
    }
    this.resetKept();
    this.buildNode(0, inBag, 0, -1, -1);
  }

  private buildNode(start: number, end: number, depth: number, siblingStart: number, siblingEnd: number): void {
    const { nClasses, nodeCounts } = this;
    const countsOffset = depth * nClasses;
    let total = 0;
    let classesPresent = 0;
    for (let c = 0; c < nClasses; c++) {
      const n = nodeCounts[countsOffset + c]!;
      total += n;
      if (n > 0) classesPresent++;
    }
    if (depth >= this.maxDepth || classesPresent <= 1 || end - start < 2 || total < 2 * this.minLeaf) {
      this.pushLeaf(countsOffset, total, classesPresent);
      return;
    }

    this.findBestSplit(start, end, depth, siblingStart, siblingEnd, countsOffset, total);
    if (this.bestFeature < 0) {
      this.pushLeaf(countsOffset, total, classesPresent);
      return;
    }

    const feature = this.bestFeature;
    const splitBin = this.bestBin;
    const edges = this.binned.edges[feature]!;
    const threshold = midpoint(edges[splitBin]!, edges[this.bestNextBin - 1]!);
    const mid = this.partition(start, end, feature, splitBin);

    const childOffset = countsOffset + nClasses;
    nodeCounts.set(this.bestLeftCounts, childOffset);
    const node = this.nodes.pushSplit(feature, threshold);
    this.buildNode(start, mid, depth + 1, mid, end);
    // The left subtree only wrote deeper levels, so this node's counts are intact.
    for (let c = 0; c < nClasses; c++) nodeCounts[childOffset + c] = nodeCounts[countsOffset + c]! - nodeCounts[childOffset + c]!;
    this.nodes.setNext(node, this.nodes.length);
    this.buildNode(mid, end, depth + 1, start, mid);
  }

  private pushLeaf(countsOffset: number, total: number, classesPresent: number): void {
    if (classesPresent === 1) {
      let cls = 0;
      while (this.nodeCounts[countsOffset + cls] === 0) cls++;
      this.nodes.pushLeaf(cls);
    } else {
      this.nodes.pushLeaf(this.leaves.internCounts(this.nodeCounts, countsOffset, total));
    }
  }

  /**
   * Draws features without replacement until `drawPerSplit` of them vary within the node
   * (as scikit-learn does, constant ones do not count), scanning each one's histogram.
   */
  private findBestSplit(
    start: number,
    end: number,
    depth: number,
    siblingStart: number,
    siblingEnd: number,
    countsOffset: number,
    total: number,
  ): void {
    const { nFeatures, featureOrder, random, keptPerNode, slotOfFeature, keptFeatures } = this;
    this.clearKept(depth);
    this.bestFeature = -1;
    this.bestScore = -Infinity;

    const size = end - start;
    const siblingSize = siblingEnd - siblingStart;
    const parentDepth = depth - 1;
    let varying = 0;
    let kept = 0;
    for (let i = 0; i < nFeatures && varying < this.drawPerSplit; i++) {
      const j = i + random.nextInt(nFeatures - i);
      const feature = featureOrder[j]!;
      featureOrder[j] = featureOrder[i]!;
      featureOrder[i] = feature;

      const slot = kept < keptPerNode ? depth * keptPerNode + kept : this.scratchSlot;
      const parentSlot = parentDepth >= 0 ? slotOfFeature[parentDepth * nFeatures + feature]! : -1;
      if (parentSlot >= 0 && siblingSize + this.slotTouched[parentSlot]! * this.nClasses < size) {
        this.accumulate(this.siblingSlot, feature, siblingStart, siblingEnd);
        this.subtract(slot, parentSlot, this.siblingSlot);
        this.clearSlot(this.siblingSlot);
      } else {
        this.accumulate(slot, feature, start, end);
      }
      const touched = this.sweep(slot, feature, countsOffset, total);
      this.slotTouched[slot] = touched;
      if (touched > 1) varying++;
      if (slot === this.scratchSlot) {
        this.clearSlot(slot);
      } else {
        keptFeatures[depth * keptPerNode + kept] = feature;
        slotOfFeature[depth * nFeatures + feature] = slot;
        kept++;
      }
    }
    this.keptCount[depth] = kept;
  }

  /** Adds the rows [start, end) to the (clear) histogram `slot` of `feature`. */
  private accumulate(slot: number, feature: number, start: number, end: number): void {
    const { counts, bitmaps, rowIndex, rowWeightLabel, nClasses } = this;
    const bins = this.binned.bins;
    const binBase = feature * this.nRows;
    const countBase = slot * this.nBins * nClasses;
    const bitmapBase = slot * this.bitmapWords;
    for (let i = start; i < end; i++) {
      const bin = bins[binBase + rowIndex[i]!]!;
      const packed = rowWeightLabel[i]!;
      counts[countBase + bin * nClasses + (packed & 0xffff)]! += packed >>> 16;
      bitmaps[bitmapBase + (bin >>> 5)]! |= 1 << (bin & 31);
    }
  }

  /** Histogram `slot` (clear) = `parent` − `sibling`, over the parent's occupied bins. */
  private subtract(slot: number, parent: number, sibling: number): void {
    const { counts, bitmaps, nClasses, nBins, bitmapWords } = this;
    const out = slot * nBins;
    const from = parent * nBins;
    const minus = sibling * nBins;
    for (let word = 0; word < bitmapWords; word++) {
      let bits = bitmaps[parent * bitmapWords + word]!;
      let kept = 0;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const bin = (word << 5) | (31 - Math.clz32(low));
        const o = (out + bin) * nClasses;
        const p = (from + bin) * nClasses;
        const s = (minus + bin) * nClasses;
        let total = 0;
        for (let c = 0; c < nClasses; c++) {
          const n = counts[p + c]! - counts[s + c]!;
          counts[o + c] = n;
          total += n;
        }
        // A bin only the sibling occupies is left with zero counts: drop it from the bitmap.
        if (total !== 0) kept |= low;
      }
      bitmaps[slot * bitmapWords + word] = kept;
    }
  }

  /**
   * Scans the split points of histogram `slot` in bin order, keeping the best Gini split
   * (maximising Σ_left n_c²/n_left + Σ_right n_c²/n_right, which is minimising the
   * weighted Gini impurity of the children). Returns how many bins are occupied.
   */
  private sweep(slot: number, feature: number, countsOffset: number, total: number): number {
    const { counts, bitmaps, nClasses, nodeCounts, leftCounts, bitmapWords, minLeaf } = this;
    const countBase = slot * this.nBins * nClasses;
    leftCounts.fill(0);
    let sumSqLeft = 0;
    let sumSqRight = 0;
    for (let c = 0; c < nClasses; c++) {
      const n = nodeCounts[countsOffset + c]!;
      sumSqRight += n * n;
    }
    let leftTotal = 0;
    let previous = -1;
    let touched = 0;
    for (let word = 0; word < bitmapWords; word++) {
      let bits = bitmaps[slot * bitmapWords + word]!;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const bin = (word << 5) | (31 - Math.clz32(low));
        touched++;
        if (previous >= 0) {
          const rightTotal = total - leftTotal;
          if (leftTotal >= minLeaf && rightTotal >= minLeaf) {
            const score = sumSqLeft / leftTotal + sumSqRight / rightTotal;
            if (score > this.bestScore) {
              this.bestScore = score;
              this.bestFeature = feature;
              this.bestBin = previous;
              this.bestNextBin = bin;
              this.bestLeftCounts.set(leftCounts);
            }
          }
        }
        const o = countBase + bin * nClasses;
        for (let c = 0; c < nClasses; c++) {
          const h = counts[o + c]!;
          if (h === 0) continue;
          leftTotal += h;
          const left = leftCounts[c]!;
          const right = nodeCounts[countsOffset + c]! - left;
          sumSqLeft += h * (2 * left + h);
          sumSqRight += h * (h - 2 * right);
          leftCounts[c] = left + h;
        }
        previous = bin;
      }
    }
    return touched;
  }

  /**
   * Moves rows with bin <= splitBin to the front of [start, end), keeping both sides in
   * ascending row order (a stable partition): histogram passes then walk the column
   * arrays forwards, which the hardware prefetcher rewards. Returns the boundary.
   */
  private partition(start: number, end: number, feature: number, splitBin: number): number {
    const { rowIndex, rowWeightLabel, partitionScratch } = this;
    const bins = this.binned.bins;
    const binBase = feature * this.nRows;
    let left = start;
    let right = 0;
    for (let i = start; i < end; i++) {
      const row = rowIndex[i]!;
      const packed = rowWeightLabel[i]!;
      if (bins[binBase + row]! <= splitBin) {
        rowIndex[left] = row;
        rowWeightLabel[left++] = packed;
      } else {
        partitionScratch[right++] = row;
        partitionScratch[right++] = packed;
      }
    }
    for (let k = 0, i = left; k < right; k += 2, i++) {
      rowIndex[i] = partitionScratch[k]!;
      rowWeightLabel[i] = partitionScratch[k + 1]!;
    }
    return left;
  }

  private clearSlot(slot: number): void {
    const { counts, bitmaps, nClasses, nBins, bitmapWords } = this;
    for (let word = 0; word < bitmapWords; word++) {
      const index = slot * bitmapWords + word;
      let bits = bitmaps[index]!;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const bin = (word << 5) | (31 - Math.clz32(low));
        const o = (slot * nBins + bin) * nClasses;
        for (let c = 0; c < nClasses; c++) counts[o + c] = 0;
      }
      bitmaps[index] = 0;
    }
  }

  /** Clears the histograms the previous node at this depth kept. */
  private clearKept(depth: number): void {
    const { keptPerNode, nFeatures } = this;
    const kept = this.keptCount[depth]!;
    for (let k = 0; k < kept; k++) {
      const feature = this.keptFeatures[depth * keptPerNode + k]!;
      this.slotOfFeature[depth * nFeatures + feature] = -1;
      this.clearSlot(depth * keptPerNode + k);
    }
    this.keptCount[depth] = 0;
  }

  private resetKept(): void {
    for (let depth = 0; depth < this.keptCount.length; depth++) this.clearKept(depth);
  }
}

/** A threshold t with low <= t < high (or low when they are adjacent doubles). */
function midpoint(low: number, high: number): number {
  const mid = low + (high - low) / 2;
  return mid >= high ? low : mid;
}
