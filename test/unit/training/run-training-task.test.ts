import { describe, expect, it } from 'vitest';
import type { StoredExpense, StoredTransaction } from '../../../src/ports/event-store.js';
import { generateEvents, resolveSimulationOptions } from '../../../src/simulate/index.js';
import { RandomForestClassifier } from '../../../src/engines/random-forest.js';
import { runTrainingTask } from '../../../src/training/run-training-task.js';
import { packArtifact, unpackArtifact } from '../../../src/training/model-artifact.js';
import type { TrainingTask } from '../../../src/training/training-task.js';
import { loadAnomalyDetector, scoreExpenses } from '../../../src/training/trainers/anomaly-trainer.js';
import { loadCategorizer, predictCategories } from '../../../src/training/trainers/categorizer-trainer.js';
import { loadForecaster } from '../../../src/training/trainers/forecaster-trainer.js';

const records = generateEvents(resolveSimulationOptions({ users: 3, orgs: 1, days: 84, seed: 11, invalidRate: 0 }));

/** Rows as the event store would hold them: first copy of each event, the latest label applied. */
function storedRows(): { transactionsByUser: Map<string, StoredTransaction[]>; expenses: StoredExpense[] } {
  const labels = new Map<string, string>();
  for (const record of records) if (record.kind === 'event' && !record.resend && record.role === 'labels') labels.set(record.event.itemId, record.event.label);
  const transactionsByUser = new Map<string, StoredTransaction[]>();
  const expenses: StoredExpense[] = [];
  for (const record of records) {
    if (record.kind !== 'event' || record.resend) continue;
    if (record.role === 'transactions') {
      const list = transactionsByUser.get(record.event.userId) ?? [];
      list.push({ ...record.event, label: labels.get(record.event.transactionId) ?? record.event.category });
      transactionsByUser.set(record.event.userId, list);
    } else if (record.role === 'expenses') {
      expenses.push({ ...record.event, label: labels.get(record.event.expenseId) ?? null });
    }
  }
  return { transactionsByUser, expenses };
}

const { transactionsByUser, expenses } = storedRows();
const transactions = [...transactionsByUser.values()].sort((a, b) => b.length - a.length)[0] ?? [];
const labeled = transactions.filter((row) => row.label !== null);

const common = { mode: 'full' as const, seed: 7, hyperparameters: {}, championArtifact: null, heldOutFraction: 0.2, maxTrees: 60 };

function categorizerTask(rows: StoredTransaction[], overrides: Partial<TrainingTask> = {}): TrainingTask {
  return { ...common, kind: 'categorizer', engine: 'relearn-forest', rows, ...overrides } as TrainingTask;
}

function treeCount(artifact: Uint8Array): number {
  return RandomForestClassifier.deserialize(unpackArtifact(artifact).payload).treeCount;
}

describe('runTrainingTask: categorizer', () => {
  it('learns clearly better than chance and reloads to the same predictions', () => {
    expect(labeled.length).toBeGreaterThan(100);
    const outcome = runTrainingTask(categorizerTask(transactions));
    expect(outcome).toMatchObject({ kind: 'categorizer', mode: 'full', championMetrics: null, primaryMetric: { name: 'accuracy', higherIsBetter: true } });
    const classes = outcome.metrics.classes ?? 0;
    expect(classes).toBeGreaterThan(2);
    expect(outcome.metrics.accuracy).toBeGreaterThan(Math.max(0.5, 3 / classes));

    const loaded = loadCategorizer(outcome.artifact);
    const reloaded = loadCategorizer(packArtifact(unpackArtifact(outcome.artifact).header, loaded.model.serialize()));
    const predictions = predictCategories(loaded, transactions);
    expect(predictions).toHaveLength(transactions.length);
    expect(predictCategories(reloaded, transactions)).toEqual(predictions);
    expect(new Set(predictions).size).toBeGreaterThan(1);
  });

  it('gives identical artifact bytes for the same seed and different ones for another seed', () => {
    const first = runTrainingTask(categorizerTask(transactions));
    const second = runTrainingTask(categorizerTask(transactions));
    const other = runTrainingTask(categorizerTask(transactions, { seed: 8 }));
    expect(Buffer.from(second.artifact).equals(Buffer.from(first.artifact))).toBe(true);
    expect(Buffer.from(other.artifact).equals(Buffer.from(first.artifact))).toBe(false);
  });

  it('grows the champion forest in incremental mode when the new rows have known classes', () => {
    const ordered = [...labeled].sort((a, b) => a.occurredAt - b.occurredAt);
    const older = ordered.slice(0, Math.floor(ordered.length * 0.6));
    const championOutcome = runTrainingTask(categorizerTask(older));
    const known = new Set(loadCategorizer(championOutcome.artifact).classes);
    const rows = ordered.filter((row) => known.has(row.label ?? ''));
    const outcome = runTrainingTask(categorizerTask(rows, { mode: 'incremental', championArtifact: championOutcome.artifact }));
    expect(outcome.mode).toBe('incremental');
    expect(treeCount(outcome.artifact)).toBeGreaterThan(treeCount(championOutcome.artifact));
    expect(treeCount(outcome.artifact)).toBeLessThanOrEqual(60);
    expect(outcome.championMetrics).not.toBeNull();
  });

  it('falls back to a full retrain when incremental is asked without a champion', () => {
    expect(runTrainingTask(categorizerTask(transactions, { mode: 'incremental' })).mode).toBe('full');
  });
});

describe('runTrainingTask: a champion whose artifact cannot be read', () => {
  const garbage = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  it.each([
    ['categorizer', 'relearn-forest', () => transactions],
    ['anomaly', 'relearn-isolation', () => expenses],
    ['forecaster', 'seasonal-blend', () => transactions],
  ] as const)('trains a %s in full and judges it alone, so a corrupt champion can be replaced', (kind, engine, rows) => {
    const outcome = runTrainingTask({ ...common, kind, engine, rows: rows(), mode: 'incremental', championArtifact: garbage } as TrainingTask);
    expect(outcome.mode).toBe('full');
    expect(outcome.championMetrics).toBeNull();
  });
});

describe('runTrainingTask: anomaly', () => {
  it('trains a detector whose reloaded copy scores the same', () => {
    expect(expenses.length).toBeGreaterThan(50);
    const task: TrainingTask = { ...common, kind: 'anomaly', engine: 'relearn-isolation', rows: expenses };
    const outcome = runTrainingTask(task);
    expect(outcome).toMatchObject({ kind: 'anomaly', mode: 'full' });
    const detector = loadAnomalyDetector(outcome.artifact);
    const scored = scoreExpenses(detector, expenses);
    expect(scored.scores).toHaveLength(expenses.length);
    expect(scored.flagged.some(Boolean)).toBe(true);
    expect(scored.flagged.every(Boolean)).toBe(false);
    const { header } = unpackArtifact(outcome.artifact);
    const again = scoreExpenses(loadAnomalyDetector(packArtifact(header, detector.model.serialize())), expenses);
    expect(Array.from(again.scores)).toEqual(Array.from(scored.scores));
    expect(Buffer.from(runTrainingTask(task).artifact).equals(Buffer.from(outcome.artifact))).toBe(true);
  });
});

describe('runTrainingTask: forecaster', () => {
  it('trains a seasonal model with held-out errors beside the seasonal-naive baseline', () => {
    const task: TrainingTask = { ...common, kind: 'forecaster', engine: 'seasonal-blend', rows: transactions };
    const outcome = runTrainingTask(task);
    expect(outcome.kind).toBe('forecaster');
    expect(Number.isFinite(outcome.metrics.mae)).toBe(true);
    expect(Number.isFinite(outcome.metrics.baselineMae)).toBe(true);
    expect(loadForecaster(outcome.artifact)).toEqual(loadForecaster(Uint8Array.from(outcome.artifact)));
    expect(Buffer.from(runTrainingTask(task).artifact).equals(Buffer.from(outcome.artifact))).toBe(true);
  });
});
