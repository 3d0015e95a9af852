import { featureMatrix } from '../../engines/feature-matrix.js';
import { TRANSACTION_FEATURE_COUNT, transactionFeatureMatrix } from '../../domain/features/transaction-features.js';
import type { StoredTransaction } from '../../ports/event-store.js';
import { classificationMetrics } from '../classification-metrics.js';
import { classifierEngine, type ClassifierModel } from '../classifier-engines.js';
import { splitRecent, windowOf } from '../held-out-split.js';
import { packArtifact, unpackArtifact } from '../model-artifact.js';
import type { TrainingOutcome, TrainingTask } from '../training-task.js';
import { readableChampion } from '../readable-champion.js';

/** A categorizer as loaded for prediction: class names plus the engine's model. */
export interface LoadedCategorizer {
  classes: string[];
  model: ClassifierModel;
  engine: string;
  /** The newest row time it learned from: incremental updates train only on what came after. */
  trainedUntil: number;
}

export function loadCategorizer(artifact: Uint8Array): LoadedCategorizer {
  const { header, payload } = unpackArtifact(artifact);
  if (header.kind !== 'categorizer') throw new Error(`artifact holds a ${header.kind} model, not a categorizer`);
  const classes = header.meta.classes as string[];
  return { classes, model: classifierEngine(header.engine).load(payload), engine: header.engine, trainedUntil: Number(header.meta.trainedUntil ?? 0) };
}

export function predictCategories(categorizer: LoadedCategorizer, rows: readonly StoredTransaction[]): string[] {
  if (rows.length === 0) return [];
  const x = featureMatrix(transactionFeatureMatrix(rows), rows.length, TRANSACTION_FEATURE_COUNT);
  return Array.from(categorizer.model.predict(x), (index) => categorizer.classes[index] ?? '');
}

function labelsOf(rows: readonly StoredTransaction[], classes: readonly string[]): Int32Array {
  const index = new Map(classes.map((name, position) => [name, position]));
  return Int32Array.from(rows, (row) => index.get(row.label ?? '') ?? -1);
}

/**
 * Trains on labeled transactions. Incremental mode adds trees trained on the rows the
 * champion has not seen to the champion's forest; it falls back to a full retrain when
 * a new category appeared (the old trees cannot vote for it) or the engine cannot grow.
 */
export function trainCategorizer(task: Extract<TrainingTask, { kind: 'categorizer' }>): TrainingOutcome {
  const started = performance.now();
  const rows = task.rows.filter((row) => row.label !== null).sort((a, b) => a.occurredAt - b.occurredAt);
  const { train, heldOut } = splitRecent(rows, task.heldOutFraction);
  const engine = classifierEngine(task.engine);
  const champion = readableChampion(task.championArtifact, loadCategorizer);

  let mode = task.mode;
  let classes = [...new Set(train.map((row) => row.label ?? ''))].sort();
  let model: ClassifierModel;
  const trainingRows = (subset: readonly StoredTransaction[]) => featureMatrix(transactionFeatureMatrix(subset), subset.length, TRANSACTION_FEATURE_COUNT);
  const fresh = champion === null ? [] : train.filter((row) => row.occurredAt > champion.trainedUntil);
  const canGrow =
    mode === 'incremental' &&
    champion !== null &&
    champion.engine === task.engine &&
    engine.addTrees !== undefined &&
    fresh.length >= 10 &&
    fresh.every((row) => champion.classes.includes(row.label ?? ''));
  if (canGrow && champion !== null && engine.addTrees !== undefined) {
    classes = champion.classes;
    const newer = engine.train(trainingRows(fresh), labelsOf(fresh, classes), classes.length, task.hyperparameters, task.seed);
    model = engine.addTrees(champion.model, newer, task.maxTrees);
  } else {
    mode = 'full';
    model = engine.train(trainingRows(train), labelsOf(train, classes), classes.length, task.hyperparameters, task.seed);
  }

  const actual = heldOut.map((row) => row.label ?? '');
  const loaded: LoadedCategorizer = { classes, model, engine: task.engine, trainedUntil: windowOf(train).to };
  const metrics = { ...classificationMetrics(actual, predictCategories(loaded, heldOut)), classes: classes.length, heldOut: heldOut.length };
  const championMetrics =
    champion === null ? null : { ...classificationMetrics(actual, predictCategories(champion, heldOut)), classes: champion.classes.length, heldOut: heldOut.length };
  const artifact = packArtifact({ kind: 'categorizer', engine: task.engine, meta: { classes, trainedUntil: windowOf(train).to } }, model.serialize());
  return {
    kind: 'categorizer',
    engine: task.engine,
    mode,
    artifact,
    metrics,
    championMetrics,
    primaryMetric: { name: 'accuracy', higherIsBetter: true },
    trainedOn: windowOf(train),
    hyperparameters: engine.effectiveHyperparameters(task.hyperparameters),
    trainMs: performance.now() - started,
  };
}
