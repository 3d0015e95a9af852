import { featureMatrix } from '../../engines/feature-matrix.js';
import { EXPENSE_FEATURE_COUNT, expenseFeatureMatrix, expenseProfile, type ExpenseProfile } from '../../domain/features/expense-features.js';
import type { StoredExpense } from '../../ports/event-store.js';
import { anomalyEngine, type AnomalyModel } from '../anomaly-engines.js';
import { rocAuc } from '../classification-metrics.js';
import { splitRecent, windowOf } from '../held-out-split.js';
import { packArtifact, unpackArtifact } from '../model-artifact.js';
import type { TrainingOutcome, TrainingTask } from '../training-task.js';
import { readableChampion } from '../readable-champion.js';

export interface LoadedAnomalyDetector {
  profile: ExpenseProfile;
  model: AnomalyModel;
  contamination: number;
}

export function loadAnomalyDetector(artifact: Uint8Array): LoadedAnomalyDetector {
  const { header, payload } = unpackArtifact(artifact);
  if (header.kind !== 'anomaly') throw new Error(`artifact holds a ${header.kind} model, not an anomaly detector`);
  return {
    profile: header.meta.profile as ExpenseProfile,
    model: anomalyEngine(header.engine).load(payload),
    contamination: Number(header.meta.contamination ?? 0.05),
  };
}

/** Scores rows and flags those at or above the model's threshold. */
export function scoreExpenses(detector: LoadedAnomalyDetector, rows: readonly StoredExpense[]): { scores: Float64Array; flagged: boolean[] } {
  if (rows.length === 0) return { scores: new Float64Array(0), flagged: [] };
  const scores = detector.model.score(featureMatrix(expenseFeatureMatrix(rows, detector.profile), rows.length, EXPENSE_FEATURE_COUNT));
  return { scores, flagged: Array.from(scores, (score) => score >= detector.model.threshold) };
}

/**
 * Held-out quality of a detector. With known outcomes (late 'fraud'/'legit' labels) the
 * comparison uses ROC-AUC over labeled rows; without them, how close the flagged share
 * is to the expected contamination ('rateFit', higher is better).
 */
function detectorMetrics(detector: LoadedAnomalyDetector, heldOut: readonly StoredExpense[]): Record<string, number> {
  const { scores, flagged } = scoreExpenses(detector, heldOut);
  const anomalyRate = flagged.length === 0 ? 0 : flagged.filter(Boolean).length / flagged.length;
  const labeledIndex = heldOut.flatMap((row, index) => (row.label === null ? [] : [index]));
  const auc = rocAuc(
    labeledIndex.map((index) => scores[index] ?? 0),
    labeledIndex.map((index) => heldOut[index]?.label === 'fraud'),
  );
  const flaggedFraud = labeledIndex.filter((index) => flagged[index] === true && heldOut[index]?.label === 'fraud').length;
  const flaggedLabeled = labeledIndex.filter((index) => flagged[index] === true).length;
  const metrics: Record<string, number> = {
    anomalyRate,
    rateFit: -Math.abs(anomalyRate - detector.contamination),
    heldOut: heldOut.length,
  };
  if (!Number.isNaN(auc)) metrics.rocAuc = auc;
  if (flaggedLabeled > 0) metrics.precision = flaggedFraud / flaggedLabeled;
  return metrics;
}

export function trainAnomalyDetector(task: Extract<TrainingTask, { kind: 'anomaly' }>): TrainingOutcome {
  const started = performance.now();
  const rows = [...task.rows].sort((a, b) => a.occurredAt - b.occurredAt);
  const { train, heldOut } = splitRecent(rows, task.heldOutFraction);
  const engine = anomalyEngine(task.engine);
  const profile = expenseProfile(train);
  const x = featureMatrix(expenseFeatureMatrix(train, profile), train.length, EXPENSE_FEATURE_COUNT);
  const hyperparameters = engine.effectiveHyperparameters(task.hyperparameters);
  const model = engine.train(x, task.hyperparameters, task.seed);
  const contamination = Number(hyperparameters.contamination ?? 0.05);
  const detector: LoadedAnomalyDetector = { profile, model, contamination };
  const metrics = detectorMetrics(detector, heldOut);
  const champion = readableChampion(task.championArtifact, loadAnomalyDetector);
  const championMetrics = champion === null ? null : detectorMetrics(champion, heldOut);
  // Compare on ROC-AUC only when both sides have it on these rows; otherwise on rate fit.
  const primary = metrics.rocAuc !== undefined && championMetrics?.rocAuc !== undefined ? 'rocAuc' : metrics.rocAuc !== undefined && championMetrics === null ? 'rocAuc' : 'rateFit';
  return {
    kind: 'anomaly',
    engine: task.engine,
    mode: 'full',
    artifact: packArtifact({ kind: 'anomaly', engine: task.engine, meta: { profile, contamination } }, model.serialize()),
    metrics,
    championMetrics,
    primaryMetric: { name: primary, higherIsBetter: true },
    trainedOn: windowOf(train),
    hyperparameters,
    trainMs: performance.now() - started,
  };
}
