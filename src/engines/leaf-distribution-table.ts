/**
 * The class distributions that forest leaves point at, stored once each. Fully grown
 * trees have mostly pure leaves and depth-limited ones repeat small-count mixtures, so
 * interning shrinks models several-fold. Entries 0..nClasses-1 are the one-hot (pure)
 * distributions, so a pure leaf's index is its class. Values are float32: the same
 * values are used in memory and on disk, so reloaded models predict bit-identically.
 */
export class LeafDistributionTable {
  private values: Float32Array;
  private bits: Uint32Array;
  private slots: Int32Array;
  private count = 0;
  private readonly scratch: Float32Array;
  private readonly scratchBits: Uint32Array;

  constructor(readonly nClasses: number) {
    this.values = new Float32Array(Math.max(16, nClasses * 2) * nClasses);
    this.bits = new Uint32Array(this.values.buffer);
    this.slots = new Int32Array(64).fill(-1);
    this.scratch = new Float32Array(nClasses);
    this.scratchBits = new Uint32Array(this.scratch.buffer);
    for (let c = 0; c < nClasses; c++) {
      this.scratch.fill(0);
      this.scratch[c] = 1;
      this.internScratch();
    }
  }

  get size(): number {
    return this.count;
  }

  /** Index of the distribution counts[offset + c] / total. */
  internCounts(counts: Int32Array, offset: number, total: number): number {
    const { nClasses, scratch } = this;
    for (let c = 0; c < nClasses; c++) scratch[c] = counts[offset + c]! / total;
    return this.internScratch();
  }

  /** Index of entry `index` of another table's values (used when merging forests). */
  internFrom(values: Float32Array, index: number): number {
    const { nClasses } = this;
    this.scratch.set(values.subarray(index * nClasses, (index + 1) * nClasses));
    return this.internScratch();
  }

  /** The distributions, nClasses values per entry. */
  toArray(): Float32Array {
    return this.values.slice(0, this.count * this.nClasses);
  }

  private internScratch(): number {
    const { nClasses, scratchBits } = this;
    let hash = 0x811c9dc5;
    for (let c = 0; c < nClasses; c++) hash = Math.imul(hash ^ scratchBits[c]!, 0x01000193);
    let mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry < 0) break;
      if (this.equalsScratch(entry)) return entry;
      slot = (slot + 1) & mask;
    }
    const index = this.count++;
    this.ensureCapacity();
    this.values.set(this.scratch, index * nClasses);
    if (this.count * 2 > this.slots.length) {
      this.rehash();
      mask = this.slots.length - 1;
      slot = hash & mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & mask;
    }
    this.slots[slot] = index;
    return index;
  }

  private equalsScratch(entry: number): boolean {
    const { nClasses, bits, scratchBits } = this;
    const base = entry * nClasses;
    for (let c = 0; c < nClasses; c++) if (bits[base + c] !== scratchBits[c]) return false;
    return true;
  }

  private ensureCapacity(): void {
    if (this.count * this.nClasses <= this.values.length) return;
    const grown = new Float32Array(this.values.length * 2);
    grown.set(this.values);
    this.values = grown;
    this.bits = new Uint32Array(grown.buffer);
  }

  private rehash(): void {
    const { nClasses, bits } = this;
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    // The entry being inserted (count - 1) is re-slotted by the caller.
    for (let entry = 0; entry < this.count - 1; entry++) {
      let hash = 0x811c9dc5;
      for (let c = 0; c < nClasses; c++) hash = Math.imul(hash ^ bits[entry * nClasses + c]!, 0x01000193);
      let slot = hash & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
  }
}
