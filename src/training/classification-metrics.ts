/** Accuracy and macro-F1 over label strings, so models with different class lists compare on the same rows. */
export function classificationMetrics(actual: readonly string[], predicted: readonly string[]): { accuracy: number; macroF1: number } {
  const classes = new Set(actual);
  let correct = 0;
  const truePositive = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const actualCount = new Map<string, number>();
  actual.forEach((label, index) => {
    const guess = predicted[index];
    actualCount.set(label, (actualCount.get(label) ?? 0) + 1);
    if (guess !== undefined) predictedCount.set(guess, (predictedCount.get(guess) ?? 0) + 1);
    if (guess === label) {
      correct += 1;
      truePositive.set(label, (truePositive.get(label) ?? 0) + 1);
    }
  });
  let f1Sum = 0;
  for (const label of classes) {
    const tp = truePositive.get(label) ?? 0;
    const precision = tp === 0 ? 0 : tp / (predictedCount.get(label) ?? 1);
    const recall = tp === 0 ? 0 : tp / (actualCount.get(label) ?? 1);
    f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  return {
    accuracy: actual.length === 0 ? 0 : correct / actual.length,
    macroF1: classes.size === 0 ? 0 : f1Sum / classes.size,
  };
}

/** ROC-AUC by the rank-sum formula, ties counted half; NaN unless both classes are present. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, index) => index).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
  let positives = 0;
  let rankSum = 0;
  let index = 0;
  while (index < order.length) {
    let end = index;
    while (end + 1 < order.length && scores[order[end + 1] ?? 0] === scores[order[index] ?? 0]) end += 1;
    const averageRank = (index + end) / 2 + 1;
    for (let k = index; k <= end; k += 1) {
      if (positive[order[k] ?? 0] === true) {
        positives += 1;
        rankSum += averageRank;
      }
    }
    index = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
