import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/engines/crc32.js';
import { featureMatrix, ModelFormatError, RandomForestClassifier } from '../../../src/engines/index.js';
import { accuracyOf, clusters } from './synthetic-data.js';

const shape = { classes: 4, features: 8, spread: 1.5 };
const train = clusters(1200, { ...shape, seed: 1 });
const test = clusters(800, { ...shape, seed: 2 });

function expectModelError(action: () => unknown, code: string): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).code).toBe(code);
    return;
  }
  throw new Error(`expected ModelFormatError ${code}`);
}

describe('RandomForestClassifier', () => {
  const forest = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 15, seed: 3 });

  it('learns a separable problem far above chance', () => {
    expect(forest.treeCount).toBe(15);
    expect(forest.nClasses).toBe(4);
    expect(forest.nFeatures).toBe(8);
    expect(accuracyOf(test.y, forest.predict(test.x))).toBeGreaterThan(0.9);
  });

  it('returns probabilities that sum to one per row, and predict is their argmax', () => {
    const proba = forest.predictProba(test.x);
    const predicted = forest.predict(test.x);
    expect(proba.length).toBe(test.x.rows * 4);
    for (let r = 0; r < test.x.rows; r++) {
      const row = Array.from(proba.subarray(r * 4, r * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(row[predicted[r]!]).toBe(Math.max(...row));
    }
  });

  it('is deterministic for a seed and varies with it', () => {
    const again = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 15, seed: 3 });
    const other = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 15, seed: 4 });
    expect(again.serialize()).toEqual(forest.serialize());
    expect(other.serialize()).not.toEqual(forest.serialize());
  });

  it('round-trips through serialize and predicts bit-identically', () => {
    const bytes = forest.serialize();
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('RLRF');
    const restored = RandomForestClassifier.deserialize(bytes);
    expect(restored.treeCount).toBe(forest.treeCount);
    expect(restored.predictProba(test.x)).toEqual(forest.predictProba(test.x));
    expect(restored.serialize()).toEqual(bytes);
  });

  it('deserialises from a Uint8Array view at an unaligned offset', () => {
    const bytes = forest.serialize();
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const restored = RandomForestClassifier.deserialize(padded.subarray(3));
    expect(restored.predictProba(test.x)).toEqual(forest.predictProba(test.x));
  });

  it('rejects corrupted, truncated, foreign and future-version bytes', () => {
    const bytes = forest.serialize();
    const flipped = bytes.slice();
    flipped[Math.floor(bytes.length / 2)]! ^= 0x10;
    expectModelError(() => RandomForestClassifier.deserialize(flipped), 'MODEL_CHECKSUM_MISMATCH');
    expectModelError(() => RandomForestClassifier.deserialize(bytes.subarray(0, bytes.length - 9)), 'MODEL_CHECKSUM_MISMATCH');
    expectModelError(() => RandomForestClassifier.deserialize(bytes.subarray(0, 5)), 'MODEL_TRUNCATED');
    const foreign = bytes.slice();
    foreign.set([0x58, 0x58, 0x58, 0x58], 0);
    expectModelError(() => RandomForestClassifier.deserialize(foreign), 'MODEL_BAD_MAGIC');
    const future = bytes.slice();
    new DataView(future.buffer).setUint16(4, 99, true);
    new DataView(future.buffer).setUint32(future.length - 4, crc32(future, 0, future.length - 4), true);
    expectModelError(() => RandomForestClassifier.deserialize(future), 'MODEL_UNSUPPORTED_VERSION');
  });

  it('rejects structurally invalid bytes even with a valid checksum', () => {
    const bytes = forest.serialize();
    const broken = bytes.slice();
    // Header: magic(4) version(2) nClasses nFeatures nTrees nodes splits nDistributions, then treeStart[0].
    new DataView(broken.buffer).setInt32(6 + 24, 5, true);
    new DataView(broken.buffer).setUint32(broken.length - 4, crc32(broken, 0, broken.length - 4), true);
    expectModelError(() => RandomForestClassifier.deserialize(broken), 'MODEL_INVALID_STRUCTURE');
  });

  it('respects the depth limit', () => {
    const stumps = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 5, maxDepth: 1 });
    expect(stumps.nodeCount).toBeLessThanOrEqual(5 * 3);
    const deeper = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 5, maxDepth: 8 });
    expect(deeper.nodeCount).toBeGreaterThan(stumps.nodeCount);
  });

  it('grows smaller trees with a larger minSamplesLeaf', () => {
    const fine = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 5, minSamplesLeaf: 1 });
    const coarse = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 5, minSamplesLeaf: 50 });
    expect(coarse.nodeCount).toBeLessThan(fine.nodeCount);
    expect(accuracyOf(test.y, coarse.predict(test.x))).toBeGreaterThan(0.85);
  });

  it('bins columns with few distinct values exactly', () => {
    // Label is 1 exactly when the (integer) feature is >= 5: every value needs its own bin.
    const rows = 400;
    const data = new Float64Array(rows);
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      data[r] = r % 10;
      y[r] = r % 10 >= 5 ? 1 : 0;
    }
    const x = featureMatrix(data, rows, 1);
    const model = RandomForestClassifier.train(x, y, 2, { nTrees: 3, bootstrap: false, maxFeatures: 1 });
    expect(accuracyOf(y, model.predict(x))).toBe(1);
    const probe = model.predict(featureMatrix(Float64Array.from([4, 4.4, 4.6, 5]), 4, 1));
    expect(Array.from(probe)).toEqual([0, 0, 1, 1]);
  });

  it('validates options and inputs with errors that name the problem', () => {
    expect(() => RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 0 })).toThrow(/nTrees must be an integer/);
    expect(() => RandomForestClassifier.train(train.x, train.y, 4, { maxDepth: 0 })).toThrow(/maxDepth/);
    expect(() => RandomForestClassifier.train(train.x, train.y, 4, { maxBins: 300 })).toThrow(/maxBins/);
    expect(() => RandomForestClassifier.train(train.x, train.y, 4, { maxFeatures: 2 })).toThrow(/maxFeatures/);
    expect(() => RandomForestClassifier.train(train.x, train.y, 4, { minSamplesLeaf: 0.5 })).toThrow(/minSamplesLeaf/);
    expect(() => RandomForestClassifier.train(train.x, train.y, 4, { nTress: 3 } as never)).toThrow(/unknown option "nTress"/);
    expect(() => RandomForestClassifier.train(train.x, train.y, 3)).toThrow(/label 3 at row 3/);
    expect(() => RandomForestClassifier.train(train.x, train.y.subarray(1), 4)).toThrow(/labels for/);
    const withNaN = featureMatrix(Float64Array.from([1, Number.NaN]), 2, 1);
    expect(() => RandomForestClassifier.train(withNaN, Int32Array.from([0, 1]), 2)).toThrow(/NaN at row 1/);
    expect(() => forest.predict(featureMatrix(new Float64Array(3), 1, 3))).toThrow(/model has 8 features, input has 3/);
  });
});

describe('RandomForestClassifier.withAddedTrees', () => {
  const older = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 3, seed: 10 });
  const olderFirstTree = RandomForestClassifier.train(train.x, train.y, 4, { nTrees: 1, seed: 10 });
  // Newer trees see other data on another scale: its bin edges differ from the older forest's.
  const shifted = clusters(600, { ...shape, seed: 5, scale: 1.0001 });
  const newer = RandomForestClassifier.train(shifted.x, shifted.y, 4, { nTrees: 2, seed: 20 });

  it('keeps every tree under the cap', () => {
    const merged = older.withAddedTrees(newer, 10);
    expect(merged.treeCount).toBe(5);
    const newerProba = newer.predictProba(test.x);
    const expected = older.predictProba(test.x).map((p, i) => (p * 3 + newerProba[i]! * 2) / 5);
    const actual = merged.predictProba(test.x);
    for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 9);
    expect(accuracyOf(test.y, merged.predict(test.x))).toBeGreaterThan(0.9);
  });

  it('retires the oldest trees past the cap', () => {
    const merged = older.withAddedTrees(newer, 4);
    expect(merged.treeCount).toBe(4);
    // Tree seeds depend only on (seed, tree index), so older minus its first tree is known.
    const o3 = older.predictProba(test.x);
    const o1 = olderFirstTree.predictProba(test.x);
    const n2 = newer.predictProba(test.x);
    const actual = merged.predictProba(test.x);
    for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo((o3[i]! * 3 - o1[i]! + n2[i]! * 2) / 4, 9);
  });

  it('keeps only the newest trees when they alone exceed the cap', () => {
    const merged = older.withAddedTrees(newer, 2);
    expect(merged.predictProba(test.x)).toEqual(newer.predictProba(test.x));
    expect(RandomForestClassifier.deserialize(merged.serialize()).predictProba(test.x)).toEqual(merged.predictProba(test.x));
  });

  it('refuses forests of another shape and a bad cap', () => {
    const threeClass = RandomForestClassifier.train(train.x, Int32Array.from(train.y, (v) => v % 3), 3, { nTrees: 1 });
    expect(() => older.withAddedTrees(threeClass, 10)).toThrow(/differ in shape/);
    expect(() => older.withAddedTrees(newer, 0)).toThrow(/maxTrees/);
  });
});
