import { featureMatrix, SeededRandom, type FeatureMatrix } from '../../../src/engines/index.js';

/** A standard normal draw (Box–Muller) from a seeded stream. */
export function gaussian(random: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - random.nextFloat())) * Math.cos(2 * Math.PI * random.nextFloat());
}

/**
 * Gaussian clusters, one per class, with centres fixed by `centreSeed` (so train and test
 * sets drawn with different `seed`s share them). Classes cycle row by row.
 */
export function clusters(
  rows: number,
  options: { classes: number; features: number; spread: number; seed: number; centreSeed?: number; scale?: number },
): { x: FeatureMatrix; y: Int32Array } {
  const { classes, features, spread, seed } = options;
  const scale = options.scale ?? 1;
  const centreRandom = new SeededRandom(options.centreSeed ?? 99);
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => gaussian(centreRandom) * 3));
  const random = new SeededRandom(seed);
  const data = new Float64Array(rows * features);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const cls = r % classes;
    y[r] = cls;
    for (let f = 0; f < features; f++) data[r * features + f] = (centres[cls]![f]! + gaussian(random) * spread) * scale;
  }
  return { x: featureMatrix(data, rows, features), y };
}

/** Inliers from one tight Gaussian blob plus `outliers` rows far outside it; labels 1 mark the outliers. */
export function blobWithOutliers(inliers: number, outliers: number, features: number, seed: number): { x: FeatureMatrix; isOutlier: Uint8Array } {
  const random = new SeededRandom(seed);
  const rows = inliers + outliers;
  const data = new Float64Array(rows * features);
  const isOutlier = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const outlier = r >= inliers;
    isOutlier[r] = outlier ? 1 : 0;
    for (let f = 0; f < features; f++) {
      data[r * features + f] = outlier ? (random.nextFloat() < 0.5 ? -1 : 1) * (6 + random.nextFloat() * 4) : gaussian(random);
    }
  }
  return { x: featureMatrix(data, rows, features), isOutlier };
}

export function accuracyOf(truth: Int32Array, predicted: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
  return hits / truth.length;
}

/** ROC-AUC by pairwise comparison (fine for test-sized inputs); ties count half. */
export function rocAuc(isPositive: Uint8Array, scores: Float64Array): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (isPositive[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (isPositive[j] === 1) continue;
      pairs++;
      if (scores[i]! > scores[j]!) wins++;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}
