/**
 * Growable flat storage for tree nodes while trees are built. A node is internal when
 * feature >= 0: rows with x[feature] <= threshold go to the next node (index + 1, trees
 * are laid out in pre-order), the others to `next`. A leaf has feature -1 and `next`
 * holds its payload (a leaf-distribution index, or unused).
 */
export class TreeNodeBuffer {
  feature: Int32Array;
  threshold: Float64Array;
  next: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /** Appends an internal node; its `next` (right child) is set later with setNext. */
  pushSplit(feature: number, threshold: number): number {
    const index = this.grow();
    this.feature[index] = feature;
    this.threshold[index] = threshold;
    this.next[index] = -1;
    return index;
  }

  pushLeaf(payload: number, value = 0): number {
    const index = this.grow();
    this.feature[index] = -1;
    this.threshold[index] = value;
    this.next[index] = payload;
    return index;
  }

  setNext(index: number, next: number): void {
    this.next[index] = next;
  }

  /** Exact-length copies. */
  trimmed(): { feature: Int32Array; threshold: Float64Array; next: Int32Array } {
    return {
      feature: this.feature.slice(0, this.length),
      threshold: this.threshold.slice(0, this.length),
      next: this.next.slice(0, this.length),
    };
  }

  private grow(): number {
    if (this.length === this.feature.length) {
      const capacity = this.feature.length * 2;
      const feature = new Int32Array(capacity);
      feature.set(this.feature);
      const threshold = new Float64Array(capacity);
      threshold.set(this.threshold);
      const next = new Int32Array(capacity);
      next.set(this.next);
      this.feature = feature;
      this.threshold = threshold;
      this.next = next;
    }
    return this.length++;
  }
}
