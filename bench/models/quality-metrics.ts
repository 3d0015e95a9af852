/** Share of rows whose predicted class equals the true one. */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
  return hits / truth.length;
}

/** Unweighted mean over classes of F1 (a class absent from both truth and predictions is skipped, as scikit-learn's labels=union). */
export function macroF1(truth: ArrayLike<number>, predicted: ArrayLike<number>, nClasses: number): number {
  const tp = new Float64Array(nClasses);
  const fp = new Float64Array(nClasses);
  const fn = new Float64Array(nClasses);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t === p) tp[t]!++;
    else {
      fp[p]!++;
      fn[t]!++;
    }
  }
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < nClasses; c++) {
    if (tp[c]! + fp[c]! + fn[c]! === 0) continue;
    classes++;
    const denominator = 2 * tp[c]! + fp[c]! + fn[c]!;
    sum += denominator === 0 ? 0 : (2 * tp[c]!) / denominator;
  }
  return classes === 0 ? 0 : sum / classes;
}

/** Area under the ROC curve of `scores` (higher = positive) for 0/1 labels; ties count half (Mann–Whitney U). */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPositive = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        rankSumPositive += averageRank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Share of flagged rows that are true anomalies (NaN when nothing is flagged). */
export function precision(labels: ArrayLike<number>, flagged: ArrayLike<number>): number {
  let flaggedCount = 0;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    if (flagged[i] !== 1) continue;
    flaggedCount++;
    if (labels[i] === 1) hits++;
  }
  return flaggedCount === 0 ? Number.NaN : hits / flaggedCount;
}
