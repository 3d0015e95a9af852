// Where a fleet training's time goes, measured on the main thread, one task at a time, with
// the very pieces the trainer is built from (src/training/trainers/categorizer-trainer.ts),
// plus the structured clone that postMessage applies to a task and its outcome.
import { deserialize, serialize } from 'node:v8';
import { TRANSACTION_FEATURE_COUNT, transactionFeatureMatrix } from '../../src/domain/features/transaction-features.js';
import { featureMatrix } from '../../src/engines/feature-matrix.js';
import { classificationMetrics } from '../../src/training/classification-metrics.js';
import { classifierEngine } from '../../src/training/classifier-engines.js';
import { splitRecent, windowOf } from '../../src/training/held-out-split.js';
import { packArtifact } from '../../src/training/model-artifact.js';
import { runTrainingTask } from '../../src/training/run-training-task.js';
import { loadCategorizer, predictCategories, type LoadedCategorizer } from '../../src/training/trainers/categorizer-trainer.js';
import type { TrainingTask } from '../../src/training/training-task.js';
import { sum } from './summary-stats.js';

export const BREAKDOWN_STAGES = [
  'task structured clone (serialize, main thread)',
  'task structured clone (deserialize, worker)',
  'sort, filter, held-out split',
  'features: training rows',
  'forest training',
  'champion artifact load',
  'features + prediction: held-out rows (challenger and champion)',
  'metrics',
  'model serialisation + artifact',
  'outcome structured clone (artifact transferred)',
] as const;

export type BreakdownStage = (typeof BREAKDOWN_STAGES)[number];

export interface Breakdown {
  tasks: number;
  /** Total ms per stage over all tasks. */
  stageMs: Record<BreakdownStage, number>;
  /** runTrainingTask on the same tasks, for comparison with the sum of the trainer's stages. */
  wholeTrainerMs: number;
  forecasterTasks: number;
  forecasterCloneMs: number;
  forecasterTrainerMs: number;
  /**
   * What-if: the same tasks' structured clone (both ways) when rows carry only the fields the
   * trainers read (occurredAt, amount, label; plus merchant and description for the categorizer).
   */
  slimCloneMs: { categorizer: number; forecaster: number };
}

function slimmed(task: TrainingTask): unknown {
  const rows =
    task.kind === 'categorizer'
      ? task.rows.map((row) => ({ occurredAt: row.occurredAt, amount: row.amount, label: row.label, merchant: row.merchant, description: row.description }))
      : task.rows.map((row) => ({ occurredAt: row.occurredAt, amount: row.amount, label: row.label }));
  return { ...task, rows };
}

function timed<T>(stageMs: Record<BreakdownStage, number>, stage: BreakdownStage, work: () => T): T {
  const started = performance.now();
  const result = work();
  stageMs[stage] += performance.now() - started;
  return result;
}

/** Categorizer tasks are taken apart stage by stage; forecaster tasks only as clone + whole trainer (about 1 ms each). */
export function measureBreakdown(tasks: readonly TrainingTask[]): Breakdown {
  const stageMs = Object.fromEntries(BREAKDOWN_STAGES.map((stage) => [stage, 0])) as Record<BreakdownStage, number>;
  let wholeTrainerMs = 0;
  let forecasterTasks = 0;
  let forecasterCloneMs = 0;
  let forecasterTrainerMs = 0;
  let categorizerTasks = 0;
  const slimCloneMs = { categorizer: 0, forecaster: 0 };
  for (const task of tasks) {
    if (task.kind === 'categorizer' || task.kind === 'forecaster') {
      const slim = slimmed(task);
      const started = performance.now();
      deserialize(serialize(slim));
      slimCloneMs[task.kind] += performance.now() - started;
    }
    if (task.kind === 'forecaster') {
      forecasterTasks += 1;
      let started = performance.now();
      deserialize(serialize(task));
      forecasterCloneMs += performance.now() - started;
      started = performance.now();
      runTrainingTask(task);
      forecasterTrainerMs += performance.now() - started;
      continue;
    }
    if (task.kind !== 'categorizer') continue;
    categorizerTasks += 1;
    const bytes = timed(stageMs, 'task structured clone (serialize, main thread)', () => serialize(task));
    const received = timed(stageMs, 'task structured clone (deserialize, worker)', () => deserialize(bytes) as typeof task);

    const { train, heldOut } = timed(stageMs, 'sort, filter, held-out split', () => {
      const rows = received.rows.filter((row) => row.label !== null).sort((a, b) => a.occurredAt - b.occurredAt);
      return splitRecent(rows, received.heldOutFraction);
    });
    const classes = [...new Set(train.map((row) => row.label ?? ''))].sort();
    const x = timed(stageMs, 'features: training rows', () => featureMatrix(transactionFeatureMatrix(train), train.length, TRANSACTION_FEATURE_COUNT));
    const index = new Map(classes.map((name, position) => [name, position]));
    const y = Int32Array.from(train, (row) => index.get(row.label ?? '') ?? -1);
    const engine = classifierEngine(received.engine);
    const model = timed(stageMs, 'forest training', () => engine.train(x, y, classes.length, received.hyperparameters, received.seed));
    const champion = timed(stageMs, 'champion artifact load', () => (received.championArtifact === null ? null : loadCategorizer(received.championArtifact)));
    const challenger: LoadedCategorizer = { classes, model, engine: received.engine, trainedUntil: windowOf(train).to };
    const predictions = timed(stageMs, 'features + prediction: held-out rows (challenger and champion)', () => ({
      mine: predictCategories(challenger, heldOut),
      theirs: champion === null ? null : predictCategories(champion, heldOut),
    }));
    timed(stageMs, 'metrics', () => {
      const actual = heldOut.map((row) => row.label ?? '');
      classificationMetrics(actual, predictions.mine);
      if (predictions.theirs !== null) classificationMetrics(actual, predictions.theirs);
    });
    const artifact = timed(stageMs, 'model serialisation + artifact', () =>
      packArtifact({ kind: 'categorizer', engine: received.engine, meta: { classes, trainedUntil: windowOf(train).to } }, model.serialize()),
    );
    timed(stageMs, 'outcome structured clone (artifact transferred)', () => {
      // The worker transfers the artifact's buffer; everything else in the outcome is cloned.
      const { artifact: _transferred, ...rest } = { artifact, metrics: { accuracy: 1, macroF1: 1, classes: classes.length, heldOut: heldOut.length }, trainedOn: windowOf(train) };
      deserialize(serialize(rest));
    });
    const started = performance.now();
    runTrainingTask(task);
    wholeTrainerMs += performance.now() - started;
  }
  return { tasks: categorizerTasks, stageMs, wholeTrainerMs, forecasterTasks, forecasterCloneMs, forecasterTrainerMs, slimCloneMs };
}

export function breakdownTotal(breakdown: Breakdown): number {
  return sum(Object.values(breakdown.stageMs));
}
