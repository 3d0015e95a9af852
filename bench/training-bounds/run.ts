// Training time at the hyperparameter bounds: `npm run bench:training-bounds [-- --engines all]`.
//
// Trains each model kind once at the largest hyperparameters the schemas accept
// (src/training/hyperparameter-schemas.ts) on the largest training window the default
// settings allow (core.training.maxRows: the newest 2,000 transactions of one user for the
// categorizer, 5,000 of one user for the forecaster, 5,000 expenses of one organisation for
// the anomaly model), on the worker pool with the default time limit and heap limit, as a
// trainer would. The bounds are meant to keep such a training well inside the default
// RELEARN_TRAINING_TIMEOUT_MS on the 2-core machine; this prints the figures that say so.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { defaultConfig } from '../../src/config/relearn-config.js';
import type { ModelKind } from '../../src/domain/model-kind.js';
import type { StoredExpense, StoredTransaction } from '../../src/ports/event-store.js';
import { generateEvents, resolveSimulationOptions } from '../../src/simulate/index.js';
import { HYPERPARAMETER_BOUNDS } from '../../src/training/hyperparameter-schemas.js';
import { FORECASTER_ENGINE } from '../../src/training/trainers/forecaster-trainer.js';
import type { Hyperparameters, TrainingTask } from '../../src/training/training-task.js';
import { TrainingWorkerPool } from '../../src/training/worker-pool.js';

// `--engines all` adds the ml-* baseline engines, with `--baseline-trees` trees (default 3):
// ml-random-forest's O(n²) split search takes tens of seconds per tree on this window, so
// its time at the bound is extrapolated from a few trees, not measured.
const { values } = parseArgs({
  options: { engines: { type: 'string', default: 'default' }, days: { type: 'string', default: '2400' }, 'baseline-trees': { type: 'string', default: '3' } },
});
const baselineTrees = Number(values['baseline-trees']);
const config = defaultConfig();
const { maxRows, timeoutMs, workerMemoryMb, heldOutFraction, maxTrees } = config.training;

function log(message: string): void {
  process.stderr.write(`bench:training-bounds ${message}\n`);
}

/** One user's and one organisation's history, long enough to fill the default windows. */
function histories(days: number): { transactions: StoredTransaction[]; expenses: StoredExpense[] } {
  const records = generateEvents(resolveSimulationOptions({ users: 8, orgs: 1, days, seed: 7, invalidRate: 0, resendRate: 0 }));
  const labels = new Map<string, string>();
  for (const record of records) if (record.kind === 'event' && record.role === 'labels') labels.set(record.event.itemId, record.event.label);
  const byUser = new Map<string, StoredTransaction[]>();
  const expenses: StoredExpense[] = [];
  for (const record of records) {
    if (record.kind !== 'event') continue;
    if (record.role === 'transactions') {
      const rows = byUser.get(record.event.userId) ?? [];
      rows.push({ ...record.event, label: labels.get(record.event.transactionId) ?? record.event.category });
      byUser.set(record.event.userId, rows);
    } else if (record.role === 'expenses') {
      expenses.push({ ...record.event, label: labels.get(record.event.expenseId) ?? null });
    }
  }
  const transactions = [...byUser.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  return { transactions, expenses };
}

/** The newest `count` rows, as the trainer reads its window. */
function newest<Row extends { occurredAt: number }>(rows: readonly Row[], count: number): Row[] {
  return [...rows].sort((a, b) => b.occurredAt - a.occurredAt).slice(0, count);
}

interface Case {
  kind: ModelKind;
  engine: string;
  hyperparameters: Hyperparameters;
}

const allEngines = values.engines === 'all';
const cases: Case[] = [
  { kind: 'categorizer', engine: 'relearn-forest', hyperparameters: { nTrees: HYPERPARAMETER_BOUNDS.forestTrees, maxDepth: HYPERPARAMETER_BOUNDS.maxDepth, minSamplesLeaf: 1 } },
  { kind: 'anomaly', engine: 'relearn-isolation', hyperparameters: { nTrees: HYPERPARAMETER_BOUNDS.isolationTrees, sampleSize: HYPERPARAMETER_BOUNDS.sampleSize, contamination: 0.5 } },
  { kind: 'forecaster', engine: FORECASTER_ENGINE, hyperparameters: {} },
  ...(allEngines
    ? [
        { kind: 'categorizer', engine: 'ml-random-forest', hyperparameters: { nTrees: baselineTrees, maxDepth: HYPERPARAMETER_BOUNDS.maxDepth, minSamplesLeaf: 1 } } satisfies Case,
      ]
    : []),
];

const days = Number(values.days);
log(`generating ${days} days of history`);
const { transactions, expenses } = histories(days);
const pool = new TrainingWorkerPool(1, { resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb } });
const lines: string[] = [];
lines.push(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} at start; node ${process.version}`);
lines.push(`time limit ${timeoutMs} ms, worker heap ${workerMemoryMb} MB, held-out fraction ${heldOutFraction}`);
lines.push('');
lines.push('| kind | engine | hyperparameters | window rows | wall ms | train ms | artifact bytes | outcome |');
lines.push('|---|---|---|---|---|---|---|---|');
try {
  for (const entry of cases) {
    const common = { engine: entry.engine, mode: 'full' as const, seed: 1, hyperparameters: entry.hyperparameters, championArtifact: null, heldOutFraction, maxTrees };
    const task: TrainingTask =
      entry.kind === 'anomaly'
        ? { ...common, kind: 'anomaly', rows: newest(expenses, maxRows.anomaly) }
        : entry.kind === 'forecaster'
          ? { ...common, kind: 'forecaster', rows: newest(transactions, maxRows.forecaster) }
          : { ...common, kind: 'categorizer', rows: newest(transactions, maxRows.categorizer) };
    log(`training ${entry.kind} with ${entry.engine} on ${task.rows.length} rows`);
    const started = performance.now();
    let trainMs = '';
    let bytes = '';
    let outcome = 'trained';
    try {
      const trained = await pool.run(task, { timeoutMs });
      trainMs = trained.trainMs.toFixed(0);
      bytes = String(trained.artifact.byteLength);
    } catch (error) {
      outcome = (error as Error).message.slice(0, 120);
    }
    const wallMs = (performance.now() - started).toFixed(0);
    lines.push(`| ${entry.kind} | ${entry.engine} | \`${JSON.stringify(entry.hyperparameters)}\` | ${task.rows.length} | ${wallMs} | ${trainMs} | ${bytes} | ${outcome} |`);
    log(lines.at(-1) ?? '');
  }
} finally {
  await pool.close();
}
lines.push('');
lines.push(`load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} at the end`);
process.stdout.write(`${lines.join('\n')}\n`);
