import { describe, expect, it } from 'vitest';
import { averagePathLength } from '../../../src/engines/average-path-length.js';
import { featureMatrix, IsolationForest, ModelFormatError } from '../../../src/engines/index.js';
import { blobWithOutliers, rocAuc } from './synthetic-data.js';

const train = blobWithOutliers(2000, 40, 6, 1);
const test = blobWithOutliers(500, 25, 6, 2);

describe('IsolationForest', () => {
  const forest = IsolationForest.train(train.x, { seed: 7 });

  it('ranks planted outliers above inliers', () => {
    const scores = forest.score(test.x);
    expect(rocAuc(test.isOutlier, scores)).toBeGreaterThan(0.98);
    for (const s of scores) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('grows trees on ψ = min(sampleSize, rows) rows with height limit ceil(log2 ψ)', () => {
    expect(forest.subsampleSize).toBe(256);
    expect(forest.treeCount).toBe(100);
    const small = IsolationForest.train(featureMatrix(Float64Array.from([1, 2, 3, 40]), 4, 1), { nTrees: 3 });
    expect(small.subsampleSize).toBe(4);
    // ψ = 2: height limit 1, so each tree is one cut into two single-row leaves: h(x) = 1 + c(1) = 1
    // for every x, c(2) = 1, and every score is exactly 2^(−1/1).
    const pair = IsolationForest.train(featureMatrix(Float64Array.from([0, 1]), 2, 1), { nTrees: 4 });
    expect(Array.from(pair.score(featureMatrix(Float64Array.from([-5, 0.5, 9]), 3, 1)))).toEqual([0.5, 0.5, 0.5]);
  });

  it('flags about the contamination share of the training rows at its threshold', () => {
    const flagged = forest.predict(train.x).reduce((a, b) => a + b, 0);
    expect(flagged / train.x.rows).toBeGreaterThan(0.04);
    expect(flagged / train.x.rows).toBeLessThan(0.06);
    const looser = IsolationForest.train(train.x, { seed: 7, contamination: 0.2 });
    expect(looser.threshold).toBeLessThan(forest.threshold);
    const outliersFlagged = Array.from(forest.predict(test.x)).filter((v, i) => v === 1 && test.isOutlier[i] === 1).length;
    expect(outliersFlagged).toBe(25);
  });

  it('is deterministic for a seed and varies with it', () => {
    expect(IsolationForest.train(train.x, { seed: 7 }).serialize()).toEqual(forest.serialize());
    expect(IsolationForest.train(train.x, { seed: 8 }).serialize()).not.toEqual(forest.serialize());
  });

  it('round-trips through serialize and scores bit-identically', () => {
    const bytes = forest.serialize();
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('RLIF');
    const restored = IsolationForest.deserialize(bytes);
    expect(restored.threshold).toBe(forest.threshold);
    expect(restored.score(test.x)).toEqual(forest.score(test.x));
    expect(restored.predict(test.x)).toEqual(forest.predict(test.x));
  });

  it('rejects corrupted and foreign bytes', () => {
    const bytes = forest.serialize();
    const flipped = bytes.slice();
    flipped[bytes.length - 20]! ^= 1;
    expect(() => IsolationForest.deserialize(flipped)).toThrow(ModelFormatError);
    expect(() => IsolationForest.deserialize(new Uint8Array(3))).toThrow(/too short/);
    expect(() => IsolationForest.deserialize(bytes.subarray(0, 100))).toThrow(/checksum/);
  });

  it('validates options with errors that name the option', () => {
    expect(() => IsolationForest.train(train.x, { nTrees: 0 })).toThrow(/nTrees must be an integer/);
    expect(() => IsolationForest.train(train.x, { sampleSize: 1 })).toThrow(/sampleSize/);
    expect(() => IsolationForest.train(train.x, { contamination: 0 })).toThrow(/contamination must be in \(0, 0.5\]/);
    expect(() => IsolationForest.train(train.x, { contamination: 0.6 })).toThrow(/contamination/);
    expect(() => IsolationForest.train(featureMatrix(new Float64Array(1), 1, 1))).toThrow(/at least 2 rows/);
    expect(() => forest.score(featureMatrix(new Float64Array(2), 1, 2))).toThrow(/model has 6 features/);
  });
});

describe('averagePathLength', () => {
  it('follows c(n) = 2 H(n-1) - 2 (n-1) / n with the small-n cases', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    let harmonic = 0;
    for (let i = 1; i <= 255; i++) harmonic += 1 / i;
    // The ln + γ approximation of H(255) is within 1/(2·255) of the exact sum.
    expect(Math.abs(averagePathLength(256) - (2 * harmonic - (2 * 255) / 256))).toBeLessThan(2 / (2 * 255));
  });
});
