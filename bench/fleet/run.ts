// Fleet benchmark: `npx tsx bench/fleet/run.ts [--users 100]`.
//
// N users (default 1,000) with M labeled transactions each (default 500), from the synthetic
// producer's generators. Every user's categorizer AND forecaster are trained through relearn's
// trainer worker pool (src/training/worker-pool.ts), with tasks built the way the trainer role
// builds them from defaultConfig(): default engines, training-set bounds, held-out share,
// tree cap and seed. Three rounds, each a burst of 2 × N tasks submitted at once:
//   initial               no champion, full training on the first K labeled rows (K = 400)
//   retrain (full)        the same users M rows later, the initial model as champion (the target's round)
//   retrain (incremental) the same, categorizer in incremental mode (what new-data decisions ask for)
// Then a main-thread breakdown of where a training's time goes, on a sample of users.
// The report goes to stdout and, for the full fleet, to bench/results/fleet-latest.md.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../src/config/relearn-config.js';
import { fnv1a } from '../../src/domain/features/text-hash.js';
import type { TrainingMode } from '../../src/domain/events.js';
import type { StoredTransaction } from '../../src/ports/event-store.js';
import { promotionVerdict } from '../../src/training/promotion-gate.js';
import { FORECASTER_ENGINE } from '../../src/training/trainers/forecaster-trainer.js';
import type { TrainingTask } from '../../src/training/training-task.js';
import { TrainingWorkerPool } from '../../src/training/worker-pool.js';
import { machineLine } from '../scenarios/machine-line.js';
import { userTrainingData, type UserTrainingData } from './fleet-data.js';
import { runFleetRound, type RoundFigures } from './fleet-round.js';
import { BREAKDOWN_STAGES, breakdownTotal, measureBreakdown, type Breakdown } from './time-breakdown.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    labeled: { type: 'string', default: '500' },
    'initial-labeled': { type: 'string', default: '400' },
    workers: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    'breakdown-users': { type: 'string', default: '100' },
    out: { type: 'string' },
  },
});
const users = Number(values.users);
const labeledCount = Number(values.labeled);
const initialLabeledCount = Number(values['initial-labeled']);
const workers = Number(values.workers);
const seed = Number(values.seed);
const breakdownUsers = Math.min(users, Number(values['breakdown-users']));
const FULL_FLEET = 1000;
const out = values.out ?? (users === FULL_FLEET ? 'bench/results/fleet-latest.md' : undefined);
const TARGET_WALL_MS = 60_000;
const config = defaultConfig();

function log(message: string): void {
  process.stderr.write(`bench:fleet ${message}\n`);
}

/** The trainer role's task for one request (src/app/trainer-role.ts), rows bounded as loadTrainingRows bounds them. */
function taskFor(user: UserTrainingData, kind: 'categorizer' | 'forecaster', round: string, rows: StoredTransaction[], mode: TrainingMode, championArtifact: Uint8Array | null): TrainingTask {
  const requestId = `user:${user.userId}|${kind}|${round}`;
  const common = {
    mode,
    seed: (config.training.seed ^ fnv1a(requestId)) >>> 0,
    hyperparameters: config.hyperparameters[kind],
    championArtifact,
    heldOutFraction: config.training.heldOutFraction,
    maxTrees: config.training.maxTrees,
    rows: rows.slice(-config.training.maxRows[kind]),
  };
  return kind === 'categorizer' ? { ...common, kind, engine: config.engines.categorizer } : { ...common, kind, engine: FORECASTER_ENGINE };
}

const promotable = (_task: TrainingTask, outcome: { primaryMetric: { name: string; higherIsBetter: boolean }; metrics: Record<string, number>; championMetrics: Record<string, number> | null }) =>
  promotionVerdict(outcome.primaryMetric, outcome.metrics, outcome.championMetrics).promoted;

log(`generating ${users} users × ${labeledCount} labeled transactions (seed ${seed})`);
const generationStarted = performance.now();
const fleet: UserTrainingData[] = [];
for (let index = 0; index < users; index++) fleet.push(userTrainingData(seed, index, labeledCount, initialLabeledCount));
const generationMs = performance.now() - generationStarted;
const rssAfterData = process.memoryUsage().rss;
const meanSpendingRows = fleet.reduce((total, user) => total + user.current.spending.length, 0) / users;

const pool = new TrainingWorkerPool(workers);
// Worker threads start once per process; the service keeps them for its lifetime. One small
// task per worker, at the same time, so both have started (and compiled) before the rounds.
const warmStarted = performance.now();
const warmUser = fleet[0];
if (warmUser === undefined) throw new Error('no users');
await Promise.all(Array.from({ length: workers * 2 }, (_, index) => pool.run(taskFor(warmUser, index % 2 === 0 ? 'categorizer' : 'forecaster', `warm-${index}`, index % 2 === 0 ? warmUser.initial.labeled : warmUser.initial.spending, 'full', null))));
const warmUpMs = performance.now() - warmStarted;

const machineBefore = machineLine();
const rounds: RoundFigures[] = [];
const initialTasks = fleet.flatMap((user) => [
  taskFor(user, 'categorizer', 'initial', user.initial.labeled, 'full', null),
  taskFor(user, 'forecaster', 'initial', user.initial.spending, 'full', null),
]);
log(`round initial: ${initialTasks.length} tasks on ${workers} workers`);
const initial = await runFleetRound('initial (no champion)', pool, workers, initialTasks, promotable);
rounds.push(initial.figures);
const champions = initial.outcomes.map((outcome) => outcome?.artifact ?? null);
initialTasks.length = 0;

for (const mode of ['full', 'incremental'] as const) {
  const tasks = fleet.flatMap((user, index) => [
    taskFor(user, 'categorizer', `retrain-${mode}`, user.current.labeled, mode, champions[index * 2] ?? null),
    // The forecaster has no incremental form: its decisions are always full.
    taskFor(user, 'forecaster', `retrain-${mode}`, user.current.spending, 'full', champions[index * 2 + 1] ?? null),
  ]);
  log(`round retrain (${mode}): ${tasks.length} tasks`);
  rounds.push((await runFleetRound(`retrain (${mode}), champion present`, pool, workers, tasks, promotable)).figures);
}
await pool.close();
const peakRssProcess = process.resourceUsage().maxRSS * 1024;

log(`breakdown on ${breakdownUsers} users (main thread, one task at a time)`);
const breakdown = measureBreakdown(
  fleet.slice(0, breakdownUsers).flatMap((user, index) => [
    taskFor(user, 'categorizer', 'retrain-full', user.current.labeled, 'full', champions[index * 2] ?? null),
    taskFor(user, 'forecaster', 'retrain-full', user.current.spending, 'full', champions[index * 2 + 1] ?? null),
  ]),
);

const s = (ms: number) => (ms / 1000).toFixed(1);
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const mb = (bytes: number) => (bytes / 1048576).toFixed(0);

function roundTable(figures: readonly RoundFigures[]): string {
  const head = ['round', 'trainings', 'wall s', 'trainings/s', 'CPU s', 'CPU ÷ wall', 'outside-trainer share of worker time', 'peak RSS MB', 'failures'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const round of figures) {
    const trainings = Object.values(round.byKind).reduce((total, kind) => total + kind.trainings, 0);
    lines.push(
      `| ${round.name} | ${trainings} | ${s(round.wallMs)} | ${round.trainingsPerSecond.toFixed(0)} | ${s(round.cpuMs)} | ${(round.cpuMs / round.wallMs).toFixed(2)} | ${(round.outsideTrainerShare * 100).toFixed(0)}% | ${mb(round.peakRssBytes)} | ${round.failures.length} |`,
    );
  }
  return lines.join('\n');
}

function kindTable(figures: readonly RoundFigures[]): string {
  const head = ['round', 'model kind', 'trainings', 'mean train ms', 'p95 train ms', 'max train ms', 'Σ train s', 'modes', 'gate would promote', 'mean model KB'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const round of figures) {
    for (const [kind, figuresOfKind] of Object.entries(round.byKind)) {
      const modes = Object.entries(figuresOfKind.modes).map(([mode, count]) => `${mode} ${count}`).join(', ');
      lines.push(
        `| ${round.name} | ${kind} | ${figuresOfKind.trainings} | ${ms(figuresOfKind.meanTrainMs)} | ${ms(figuresOfKind.p95TrainMs)} | ${ms(figuresOfKind.maxTrainMs)} | ${s(figuresOfKind.sumTrainMs)} | ${modes} | ${figuresOfKind.promotable} | ${(figuresOfKind.meanArtifactBytes / 1024).toFixed(1)} |`,
      );
    }
  }
  return lines.join('\n');
}

function breakdownTable(result: Breakdown): string {
  const total = breakdownTotal(result);
  const lines = ['| stage (categorizer, retrain with champion, full) | ms per task | share |', '|---|---|---|'];
  for (const stage of BREAKDOWN_STAGES) lines.push(`| ${stage} | ${ms(result.stageMs[stage] / result.tasks)} | ${((result.stageMs[stage] / total) * 100).toFixed(1)}% |`);
  lines.push(`| **sum of stages** | ${ms(total / result.tasks)} | 100% |`);
  lines.push(`| runTrainingTask on the same tasks (whole trainer, for comparison) | ${ms(result.wholeTrainerMs / result.tasks)} | |`);
  lines.push(`| forecaster: task structured clone (both ways) | ${ms(result.forecasterCloneMs / Math.max(1, result.forecasterTasks))} | |`);
  lines.push(`| forecaster: whole trainer | ${ms(result.forecasterTrainerMs / Math.max(1, result.forecasterTasks))} | |`);
  const categorizerClone = result.stageMs['task structured clone (serialize, main thread)'] + result.stageMs['task structured clone (deserialize, worker)'];
  lines.push(
    `| what-if, rows with only the fields the trainers read: task clone, categorizer (both ways) | ${ms(result.slimCloneMs.categorizer / result.tasks)} | ${(result.slimCloneMs.categorizer / categorizerClone).toFixed(2)}× of today's |`,
  );
  lines.push(
    `| what-if, same: task clone, forecaster (both ways) | ${ms(result.slimCloneMs.forecaster / Math.max(1, result.forecasterTasks))} | ${(result.slimCloneMs.forecaster / Math.max(1e-9, result.forecasterCloneMs)).toFixed(2)}× of today's |`,
  );
  return lines.join('\n');
}

const target = rounds[1];
const verdict =
  target === undefined
    ? 'no retrain round ran'
    : `${s(target.wallMs)} s for ${users} users (${Object.values(target.byKind).reduce((total, kind) => total + kind.trainings, 0)} trainings) on ${workers} workers: ` +
      (users === FULL_FLEET
        ? target.wallMs <= TARGET_WALL_MS
          ? `**met** (${((target.wallMs / TARGET_WALL_MS) * 100).toFixed(0)}% of the 60 s budget)`
          : `**missed** by ${s(target.wallMs - TARGET_WALL_MS)} s`
        : `quick mode; at this rate 1,000 users would take about ${s((target.wallMs * FULL_FLEET) / users)} s`);

const report = [
  `# Fleet benchmark (issue 7)`,
  '',
  `Command: \`npx tsx bench/fleet/run.ts${users === FULL_FLEET ? '' : ` --users ${users}`}\` — ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${machineBefore} before the rounds; ${machineLine().split('load average ')[1] ?? ''} at the end (shared machine, other jobs running: compare within a run).`,
  '',
  `Fleet: ${users} users × ${labeledCount} labeled transactions (seed ${seed}, synthetic producer, regular users), forecaster on ${meanSpendingRows.toFixed(0)} spending rows per user on average; champions trained on the first ${initialLabeledCount} labeled rows. ` +
    `Engines and bounds from defaultConfig(): categorizer ${config.engines.categorizer} (${JSON.stringify(config.hyperparameters.categorizer)} = engine defaults), forecaster ${FORECASTER_ENGINE}, held-out ${config.training.heldOutFraction}, maxTrees ${config.training.maxTrees}, maxRows ${JSON.stringify(config.training.maxRows)}; ${workers} worker threads (TrainingWorkerPool).`,
  '',
  `Target (retrain round, categorizer and forecaster, ≤ 60 s on 2 cores): ${verdict}`,
  '',
  `Data generation ${s(generationMs)} s (not in the rounds); worker start-up and warm-up ${s(warmUpMs)} s (once per process, not in the rounds); RSS after loading the fleet's rows into the main thread ${mb(rssAfterData)} MB; process peak RSS over the whole run ${mb(peakRssProcess)} MB.`,
  '',
  '## Rounds',
  '',
  roundTable(rounds),
  '',
  'CPU is the whole process (main thread and worker threads). The outside-trainer share is 1 − Σ trainMs ÷ (wall × workers): worker time not spent inside the trainer function (structured clone of tasks and outcomes, message passing, idle).',
  '',
  '## Per model kind',
  '',
  kindTable(rounds),
  '',
  `## Where a training's time goes (${breakdown.tasks} users, main thread, one task at a time)`,
  '',
  breakdownTable(breakdown),
  '',
];
const text = report.join('\n');
process.stdout.write(`${text}\n`);
if (out !== undefined) {
  writeFileSync(out, text);
  log(`report written to ${out}`);
}
