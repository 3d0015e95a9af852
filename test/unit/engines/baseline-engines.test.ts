import { describe, expect, it } from 'vitest';
import {
  classifierEngineNames,
  anomalyEngineNames,
  isClassifierEngineName,
  MlIsolationForestDetector,
  MlRandomForestClassifier,
  ModelFormatError,
} from '../../../src/engines/index.js';
import { accuracyOf, blobWithOutliers, clusters, rocAuc } from './synthetic-data.js';

describe('engine names', () => {
  it('lists relearn engines first (the defaults) and recognises configured names', () => {
    expect(classifierEngineNames).toEqual(['relearn-forest', 'ml-random-forest']);
    expect(anomalyEngineNames).toEqual(['relearn-isolation', 'ml-isolation-forest']);
    expect(isClassifierEngineName('ml-random-forest')).toBe(true);
    expect(isClassifierEngineName('sklearn')).toBe(false);
  });
});

describe('MlRandomForestClassifier (baseline)', () => {
  const shape = { classes: 3, features: 4, spread: 1 };
  const train = clusters(150, { ...shape, seed: 1 });
  const test = clusters(90, { ...shape, seed: 2 });
  const forest = MlRandomForestClassifier.train(train.x, train.y, 3, { nTrees: 5, seed: 3 });

  it('learns a separable problem and gives vote shares as probabilities', () => {
    expect(accuracyOf(test.y, forest.predict(test.x))).toBeGreaterThan(0.85);
    const proba = forest.predictProba(test.x);
    for (let r = 0; r < test.x.rows; r++) expect(proba[r * 3]! + proba[r * 3 + 1]! + proba[r * 3 + 2]!).toBeCloseTo(1, 9);
  });

  it('round-trips through its JSON bytes', () => {
    const restored = MlRandomForestClassifier.deserialize(forest.serialize());
    expect(restored.predictProba(test.x)).toEqual(forest.predictProba(test.x));
    expect(() => MlRandomForestClassifier.deserialize(new Uint8Array([1, 2, 3]))).toThrow(ModelFormatError);
  });

  it('merges trees under a cap', () => {
    const newer = MlRandomForestClassifier.train(train.x, train.y, 3, { nTrees: 3, seed: 4 });
    expect(forest.withAddedTrees(newer, 6).treeCount).toBe(6);
    expect(forest.withAddedTrees(newer, 3).predictProba(test.x)).toEqual(newer.predictProba(test.x));
  });
});

describe('MlIsolationForestDetector (baseline)', () => {
  const train = blobWithOutliers(300, 6, 4, 1);
  const detector = MlIsolationForestDetector.train(train.x, { nTrees: 30 });

  it('ranks planted outliers above inliers', () => {
    expect(rocAuc(train.isOutlier, detector.score(train.x))).toBeGreaterThan(0.95);
  });

  it('refuses to serialise with a clear, coded error', () => {
    expect(() => detector.serialize()).toThrow(/cannot be serialised/);
    try {
      detector.serialize();
    } catch (error) {
      expect((error as ModelFormatError).code).toBe('MODEL_NOT_SERIALIZABLE');
    }
  });
});
