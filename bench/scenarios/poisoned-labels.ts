// Poisoned labels: `npx tsx bench/scenarios/poisoned-labels.ts [--seeds 20] [--users 10]`.
//
// Per run (seed × user): the user's first 500 labeled transactions from the synthetic
// producer (within 400 days; a few users label fewer). The clean champion is trained on them by the product's trainer (runTrainingTask,
// default engine and config). A challenger is trained on the same rows with 30% of the
// training part's labels flipped, and the promotion gate (src/training/promotion-gate.ts)
// compares both on the same held-out rows (the newest 20%, left clean), exactly as the
// trainer role does. Variants:
//   full, uniform flips        every flipped label replaced by another of the user's classes, at random
//   full, confusable flips     replaced by a plausible wrong category (the producer's CONFUSABLE_CATEGORIES)
//   incremental, uniform flips the product's new-data path: champion trained on the first 400
//                              rows, challenger grown from it with trees on the newer rows, 30% of those flipped
//   controls                   the full and the incremental challenger without flips: how often the gate promotes an honest retrain
//   config nTrees 100          the first variant and its control with 100 trees instead of the default 25 (a configuration change)
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../src/config/relearn-config.js';
import type { TrainingMode } from '../../src/domain/events.js';
import type { StoredTransaction } from '../../src/ports/event-store.js';
import { SeededRandom } from '../../src/simulate/seeded-random.js';
import { CONFUSABLE_CATEGORIES, type TransactionCategory } from '../../src/simulate/transaction-category.js';
import { splitRecent } from '../../src/training/held-out-split.js';
import { promotionVerdict } from '../../src/training/promotion-gate.js';
import { runTrainingTask } from '../../src/training/run-training-task.js';
import { loadCategorizer, predictCategories } from '../../src/training/trainers/categorizer-trainer.js';
import type { Hyperparameters, TrainingTask } from '../../src/training/training-task.js';
import { mean } from '../fleet/summary-stats.js';
import { machineLine } from './machine-line.js';
import { writeResultsSection } from './results-section.js';
import { simulatedUserStream, storedTransactions } from './simulated-user-stream.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    users: { type: 'string', default: '10' },
    rows: { type: 'string', default: '500' },
    'flip-share': { type: 'string', default: '0.3' },
    out: { type: 'string', default: 'bench/results/scenarios-latest.md' },
  },
});
const seeds = Number(values.seeds);
const users = Number(values.users);
const rowCount = Number(values.rows);
const flipShare = Number(values['flip-share']);
const config = defaultConfig();
const DAYS = 400;

type Flip = 'uniform' | 'confusable' | 'none';

interface Variant {
  name: string;
  mode: TrainingMode;
  flip: Flip;
  /** Rows the champion learns from (a prefix of the run's rows). */
  championRows: number;
  /** Configuration override of the categorizer's hyperparameters, for champion and challenger alike. */
  hyperparameters?: Hyperparameters;
}

const VARIANTS: readonly Variant[] = [
  { name: 'full retrain, 30% uniform flips', mode: 'full', flip: 'uniform', championRows: rowCount },
  { name: 'full retrain, 30% confusable flips', mode: 'full', flip: 'confusable', championRows: rowCount },
  { name: 'incremental (new-data) retrain, 30% of the new rows flipped uniformly', mode: 'incremental', flip: 'uniform', championRows: Math.round(rowCount * 0.8) },
  { name: 'control: clean full retrain (no flips, another seed)', mode: 'full', flip: 'none', championRows: rowCount },
  { name: 'control: clean incremental retrain (no flips)', mode: 'incremental', flip: 'none', championRows: Math.round(rowCount * 0.8) },
  { name: 'config nTrees 100: full retrain, 30% uniform flips', mode: 'full', flip: 'uniform', championRows: rowCount, hyperparameters: { nTrees: 100 } },
  { name: 'config nTrees 100: control, clean full retrain', mode: 'full', flip: 'none', championRows: rowCount, hyperparameters: { nTrees: 100 } },
];

interface RunResult {
  promoted: boolean;
  championAccuracy: number;
  challengerAccuracy: number;
  /** What the trainer actually did (incremental falls back to full when it cannot apply). */
  mode: TrainingMode;
  flipped: number;
  /** What-if: a gate that also asks for macro-F1 ≥ the champion's would have refused. */
  refusedOnMacroF1Too: boolean;
  /**
   * Share of the challenger's training labels the champion never trained on that the
   * champion predicts itself (undefined when there are none: the full variants' champion saw every row).
   */
  championAgreement: number | undefined;
}

function task(rows: StoredTransaction[], mode: TrainingMode, seed: number, championArtifact: Uint8Array | null, hyperparameters: Hyperparameters | undefined): TrainingTask {
  return {
    kind: 'categorizer',
    engine: config.engines.categorizer,
    mode,
    seed,
    hyperparameters: { ...config.hyperparameters.categorizer, ...hyperparameters },
    championArtifact,
    heldOutFraction: config.training.heldOutFraction,
    maxTrees: config.training.maxTrees,
    rows,
  };
}

function flippedLabel(random: SeededRandom, label: string, classes: readonly string[], flip: Flip): string {
  if (flip === 'confusable') {
    const plausible = (CONFUSABLE_CATEGORIES[label as TransactionCategory] ?? []).filter((candidate) => classes.includes(candidate));
    if (plausible.length > 0) return random.pick(plausible);
  }
  return random.pick(classes.filter((candidate) => candidate !== label));
}

function runOnce(seed: number, userIndex: number, variant: Variant): RunResult {
  const stream = simulatedUserStream({ seed, userIndex, days: DAYS });
  const rows = storedTransactions(stream)
    .filter((row) => row.label !== null)
    .slice(0, rowCount);
  const champion = runTrainingTask(task(rows.slice(0, variant.championRows), 'full', seed * 1000 + userIndex, null, variant.hyperparameters));
  // Only rows the challenger trains on are poisoned; the held-out rows both are judged on stay clean.
  const { train } = splitRecent(rows, config.training.heldOutFraction);
  const trainIds = new Set(train.map((row) => row.transactionId));
  // Flips stay within the champion's classes, so an incremental challenger can still grow its forest.
  const { trainedUntil, classes } = loadCategorizer(champion.artifact);
  const random = SeededRandom.fromSeed(seed).fork(`poison:${userIndex}:${variant.name}`);
  let flipped = 0;
  const poisoned = rows.map((row) => {
    const target = trainIds.has(row.transactionId) && (variant.mode === 'full' || row.occurredAt > trainedUntil);
    if (variant.flip === 'none' || !target || !random.chance(flipShare)) return row;
    flipped += 1;
    return { ...row, label: flippedLabel(random, row.label ?? '', classes, variant.flip) };
  });
  const unseen = poisoned.filter((row) => trainIds.has(row.transactionId) && row.occurredAt > trainedUntil);
  const predictedUnseen = predictCategories(loadCategorizer(champion.artifact), unseen);
  const championAgreement = unseen.length === 0 ? undefined : unseen.filter((row, index) => predictedUnseen[index] === row.label).length / unseen.length;
  const challenger = runTrainingTask(task(poisoned, variant.mode, seed * 1000 + userIndex + 500, champion.artifact, variant.hyperparameters));
  const verdict = promotionVerdict(challenger.primaryMetric, challenger.metrics, challenger.championMetrics);
  return {
    promoted: verdict.promoted,
    championAccuracy: challenger.championMetrics?.accuracy ?? Number.NaN,
    challengerAccuracy: challenger.metrics.accuracy ?? Number.NaN,
    mode: challenger.mode,
    flipped,
    championAgreement,
    refusedOnMacroF1Too: !verdict.promoted || (challenger.metrics.macroF1 ?? 0) < (challenger.championMetrics?.macroF1 ?? 0),
  };
}

function agreement(results: readonly RunResult[]): string {
  const shares = results.flatMap((result) => (result.championAgreement === undefined ? [] : [result.championAgreement]));
  return shares.length === 0 ? 'n/a' : `${pct(mean(shares))} / ${pct(Math.min(...shares))} / ${pct(Math.max(...shares))}`;
}

const started = performance.now();
const pct = (value: number) => (value * 100).toFixed(1);
const head = [
  'variant',
  'runs',
  'refused by the gate',
  'refused in every run',
  'trained as',
  'mean flipped rows',
  'champion accuracy %',
  'challenger accuracy %',
  'gap, mean (points)',
  'gap, sd (points)',
  'gap, smallest (points)',
  'what-if: refused by accuracy AND macro-F1 gate',
  'champion agrees with the new training labels it never saw, % (mean / lowest / highest)',
];
const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
for (const variant of VARIANTS) {
  const results: RunResult[] = [];
  for (let seed = 1; seed <= seeds; seed++) for (let userIndex = 0; userIndex < users; userIndex++) results.push(runOnce(seed, userIndex, variant));
  const refused = results.filter((result) => !result.promoted).length;
  const gaps = results.map((result) => (result.championAccuracy - result.challengerAccuracy) * 100);
  const modes: Record<string, number> = {};
  for (const result of results) modes[result.mode] = (modes[result.mode] ?? 0) + 1;
  const isControl = variant.flip === 'none';
  lines.push(
    `| ${variant.name} | ${results.length} | ${refused} / ${results.length} (${pct(refused / results.length)}%) | ${isControl ? 'n/a (control)' : refused === results.length ? 'met' : `**missed** (${results.length - refused} promoted)`} | ${Object.entries(modes)
      .map(([mode, count]) => `${mode} ${count}`)
      .join(', ')} | ${mean(results.map((result) => result.flipped)).toFixed(0)} | ${pct(mean(results.map((result) => result.championAccuracy)))} | ${pct(mean(results.map((result) => result.challengerAccuracy)))} | ${mean(gaps).toFixed(1)} | ${Math.sqrt(mean(gaps.map((gap) => (gap - mean(gaps)) ** 2))).toFixed(1)} | ${Math.min(...gaps).toFixed(1)} | ${results.filter((result) => result.refusedOnMacroF1Too).length} / ${results.length} | ${agreement(results)} |`,
  );
  process.stderr.write(`bench:poison ${variant.name}: ${refused}/${results.length} refused\n`);
}

const section = [
  '## Poisoned labels vs the promotion gate',
  '',
  `Command: \`npx tsx bench/scenarios/poisoned-labels.ts --seeds ${seeds} --users ${users}\` — ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - started) / 1000).toFixed(0)} s on ${machineLine()}.`,
  '',
  `Per run (${seeds} seeds × ${users} users): the user's first ${rowCount} labeled transactions within ${DAYS} simulated days (a few users label fewer: all of theirs); the clean champion and the challenger are trained by runTrainingTask with defaultConfig() (relearn-forest, held-out share ${config.training.heldOutFraction}); ${flipShare * 100}% of the challenger's training labels flipped (each training row independently), the held-out rows clean; the gate is promotionVerdict on the trainer's own metrics (challenger accuracy ≥ champion accuracy on the same held-out rows promotes). Gap = champion − challenger accuracy on those rows.`,
  '',
  ...lines,
].join('\n');
process.stdout.write(`${section}\n`);
if (values.out !== undefined && values.out !== '') writeResultsSection(values.out, 'poisoned-labels', section);
