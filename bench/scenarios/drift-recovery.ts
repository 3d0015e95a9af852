// Drift recovery: `npx tsx bench/scenarios/drift-recovery.ts [--seeds 5] [--users 20]`.
//
// Per user, a stream of the synthetic producer with drift (the category mix shifts and the
// user takes up merchants never seen before) from the middle of the period, replayed through
// the categorizer's decision loop (categorizer-replay.ts). Prequential accuracy: each labeled
// transaction is predicted by the champion of that moment before it becomes training data
// (src/app/live-performance.ts). Arms on the identical stream:
//   product          retraining as configured by defaultConfig() (new-data retrains incremental)
//   frozen           the product arm's champion at the drift point, never replaced (same replay)
//   all-full         defaultConfig({ incrementalOnNewData: false }): every retrain is full
//   incremental-on-new-data  defaultConfig({ incrementalOnNewData: true }): new-data retrains grow the forest
//   all-incremental  every retrain asks for incremental (benchmark-only; the trainer falls back to full when it must)
//   held-out-0.1     defaultConfig with training.heldOutFraction 0.1 (a configuration change)
//   refit            what-if (needs a product change): the promoted model is refit on all rows
//   refit-all-full   the refit what-if with incrementalOnNewData: false
// Writes two sections of bench/results/scenarios-latest.md: drift recovery, and incremental vs full.
// Jobs (seed × arm) run in child processes, two at a time (--parallel).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConfig, type RelearnConfig } from '../../src/config/relearn-config.js';
import type { TrainingMode } from '../../src/domain/events.js';
import { mean } from '../fleet/summary-stats.js';
import { replayCategorizer } from './categorizer-replay.js';
import { BIN, curveMean, driftCurve, POST_WINDOW, PRE_WINDOW, summarizeUser, totalTally, totalTrainMs, type DriftCurve, type UserDriftSummary } from './drift-summary.js';
import { machineLine } from './machine-line.js';
import { writeResultsSection } from './results-section.js';
import { simulatedUserStream } from './simulated-user-stream.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    users: { type: 'string', default: '20' },
    days: { type: 'string', default: '320' },
    arms: { type: 'string', default: 'product,incremental-on-new-data,all-incremental,held-out-0.1,refit' },
    parallel: { type: 'string', default: '2' },
    out: { type: 'string', default: 'bench/results/scenarios-latest.md' },
    job: { type: 'string' },
  },
});
const seeds = Array.from({ length: Number(values.seeds) }, (_, index) => index + 1);
const users = Number(values.users);
const days = Number(values.days);
/** The producer's own drift option starts the drift in the middle of the period. */
const driftFromDay = Math.floor(days / 2);
const TOLERANCE = 0.02;
const TARGET_EVENTS = 200;

interface Arm {
  label: string;
  config: RelearnConfig;
  forceMode?: TrainingMode;
  refitOnPromotion?: boolean;
}

const defaults = defaultConfig();
const ARMS: Readonly<Record<string, Arm>> = {
  product: { label: 'retraining, product defaults', config: defaults },
  'all-full': { label: 'retraining, incrementalOnNewData: false', config: defaultConfig({ incrementalOnNewData: false }) },
  'incremental-on-new-data': { label: 'retraining, incrementalOnNewData: true (incremental new-data retrains)', config: defaultConfig({ incrementalOnNewData: true }) },
  'all-incremental': { label: 'retraining, every retrain incremental', config: defaults, forceMode: 'incremental' },
  'held-out-0.1': { label: 'retraining, heldOutFraction 0.1 (config)', config: defaultConfig({ training: { ...defaults.training, heldOutFraction: 0.1 } }) },
  refit: { label: 'what-if: promoted model refit on all rows (code change)', config: defaults, refitOnPromotion: true },
  'refit-all-full': { label: 'what-if: refit (code change) and incrementalOnNewData: false', config: defaultConfig({ incrementalOnNewData: false }), refitOnPromotion: true },
};
const arms = (values.arms ?? '').split(',').filter((name) => name !== '');
for (const name of arms) if (ARMS[name] === undefined) throw new Error(`unknown arm ${name}: expected one of ${Object.keys(ARMS).join(', ')}`);

function log(message: string): void {
  process.stderr.write(`bench:drift ${message}\n`);
}

async function runJob(seed: number, armName: string): Promise<UserDriftSummary[]> {
  const arm = ARMS[armName];
  if (arm === undefined) throw new Error(`unknown arm ${armName}`);
  const summaries: UserDriftSummary[] = [];
  for (let userIndex = 0; userIndex < users; userIndex++) {
    const stream = simulatedUserStream({ seed, userIndex, days, driftFromDay });
    const driftStartsAt = stream.driftStartsAt ?? Number.POSITIVE_INFINITY;
    const result = await replayCategorizer({
      stream,
      config: arm.config,
      freezeAt: driftStartsAt,
      ...(arm.forceMode === undefined ? {} : { forceMode: arm.forceMode }),
      ...(arm.refitOnPromotion === true ? { refitOnPromotion: true } : {}),
    });
    summaries.push(summarizeUser(stream.userId, result, driftStartsAt));
  }
  return summaries;
}

function runChild(seed: number, arm: string): Promise<UserDriftSummary[]> {
  const script = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', script, '--job', `${seed}:${arm}`, '--users', String(users), '--days', String(days)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`job ${seed}:${arm} exited with ${code}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as UserDriftSummary[]);
    });
  });
}

async function runAll(): Promise<Map<string, UserDriftSummary[]>> {
  const jobs = seeds.flatMap((seed) => arms.map((arm) => ({ seed, arm })));
  const results = new Map<string, UserDriftSummary[]>();
  let next = 0;
  const runner = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job === undefined) return;
      const started = performance.now();
      results.set(`${job.seed}:${job.arm}`, await runChild(job.seed, job.arm));
      log(`seed ${job.seed} ${job.arm}: ${users} users in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: Number(values.parallel) }, runner));
  return results;
}

const pct = (value: number) => (Number.isNaN(value) ? 'n/a' : (value * 100).toFixed(1));
const events = (value: number | null) => (value === null ? `not within ${POST_WINDOW}` : String(value));

function driftSection(results: Map<string, UserDriftSummary[]>, started: number): string {
  const of = (arm: string, seed?: number) => (seed === undefined ? seeds.flatMap((one) => results.get(`${one}:${arm}`) ?? []) : (results.get(`${seed}:${arm}`) ?? []));
  const head = [
    'seed',
    'users',
    'pre-drift level %',
    'first 20 after drift %',
    'lowest bin %',
    'recovered within 2 points after (labeled events per user)',
    'stays within',
    `≤ ${TARGET_EVENTS}`,
    `frozen arm, events 0–${TARGET_EVENTS} %`,
    `frozen arm, events ${TARGET_EVENTS}–${POST_WINDOW} %`,
    `retraining arm, events ${TARGET_EVENTS}–${POST_WINDOW} %`,
  ];
  const row = (name: string, curve: DriftCurve) =>
    `| ${name} | ${curve.users} | ${pct(curve.preLevel)} | ${pct(curve.curve[0] ?? Number.NaN)} | ${pct(Math.min(...curve.curve))} | ${events(curve.recoveredAfter)} | ${curve.recoveredAfter === null ? 'n/a' : curve.staysRecovered ? 'yes' : 'no'} | ${curve.recoveredAfter !== null && curve.recoveredAfter <= TARGET_EVENTS ? 'met' : '**missed**'} | ${pct(curveMean(curve.frozenCurve, 0, TARGET_EVENTS))} | ${pct(curveMean(curve.frozenCurve, TARGET_EVENTS, POST_WINDOW))} | ${pct(curveMean(curve.curve, TARGET_EVENTS, POST_WINDOW))} |`;

  const lines: string[] = [
    '## Drift recovery',
    '',
    `Command: \`npx tsx bench/scenarios/drift-recovery.ts --seeds ${seeds.length} --users ${users}\` — ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - started) / 60_000).toFixed(0)} min on ${machineLine()}.`,
    '',
    `Stream: per seed ${users} regular users of the synthetic producer over ${days} days, drift from day ${driftFromDay} (the producer's drift: category mix shift — dining ×0.3, groceries ×1.8, travel ×4, … — and 2–3 merchants never seen before, taken up with high affinity). ` +
      `Replayed hour by hour through the categorizer's decision loop (bench/scenarios/categorizer-replay.ts: the product's retrain policy, row loading, trainer, promotion gate and prequential sample, defaultConfig()). ` +
      `Pre-drift level: prequential accuracy over each user's last ${PRE_WINDOW} labeled events before the drift, averaged over users. After the drift, user-averaged accuracy per bin of ${BIN} labeled events; ` +
      `"recovered" is the end of the first bin within ${TOLERANCE * 100} points of the pre-drift level. The frozen arm is the champion at the drift point predicting the identical events.`,
    '',
    'Retraining arm (product defaults) vs frozen arm, per seed and over all users:',
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
  ];
  for (const seed of seeds) lines.push(row(String(seed), driftCurve(of('product', seed), TOLERANCE)));
  const overall = driftCurve(of('product'), TOLERANCE);
  lines.push(row('**all**', overall));
  const perSeed = seeds.map((seed) => driftCurve(of('product', seed), TOLERANCE).recoveredAfter);
  lines.push(
    '',
    `Mean over seeds of the per-seed recovery point: ${perSeed.every((value) => value !== null) ? mean(perSeed.map((value) => value ?? 0)).toFixed(0) : `n/a (${perSeed.filter((value) => value === null).length} seed(s) never recovered within ${POST_WINDOW})`} labeled events.`,
    '',
    'Curves over all users (accuracy % per bin of labeled events after the drift; every arm on the identical stream):',
    '',
  );
  const curves = arms.map((arm) => ({ arm, curve: driftCurve(of(arm), TOLERANCE) }));
  const curveHead = ['events after drift', 'users', 'frozen', ...curves.map(({ arm }) => arm)];
  lines.push(`| ${curveHead.join(' | ')} |`, `|${curveHead.map(() => '---').join('|')}|`);
  lines.push(`| pre-drift level | ${overall.users} | ${pct(overall.preLevel)} | ${curves.map(({ curve }) => pct(curve.preLevel)).join(' | ')} |`);
  for (let bin = 0; bin < overall.curve.length; bin++) {
    lines.push(
      `| ${bin * BIN}–${(bin + 1) * BIN} | ${overall.usersPerBin[bin] ?? 0} | ${pct(overall.frozenCurve[bin] ?? Number.NaN)} | ${curves.map(({ curve }) => pct(curve.curve[bin] ?? Number.NaN)).join(' | ')} |`,
    );
  }
  lines.push(
    `| recovered after | | ${driftCurve(of('product'), TOLERANCE).frozenCurve.findIndex((value) => value >= overall.preLevel - TOLERANCE) < 0 ? 'never' : 'see curve'} | ${curves.map(({ curve }) => `${events(curve.recoveredAfter)}${curve.recoveredAfter !== null && !curve.staysRecovered ? ' (dips again)' : ''}`).join(' | ')} |`,
    '',
    'Arms: ' + arms.map((arm) => `${arm} = ${ARMS[arm]?.label ?? arm}`).join('; ') + '.',
  );
  return lines.join('\n');
}

function incrementalSection(results: Map<string, UserDriftSummary[]>): string {
  const compared = ['product', 'incremental-on-new-data', 'all-full', 'all-incremental'].filter((arm) => arms.includes(arm));
  const of = (arm: string) => seeds.flatMap((seed) => results.get(`${seed}:${arm}`) ?? []);
  const fullMs = (() => {
    const tally = totalTally(of(arms.includes('all-full') ? 'all-full' : 'product'));
    return tally.trainings === 0 ? Number.NaN : totalTrainMs(tally) / tally.trainings;
  })();
  const head = [
    'arm',
    'users',
    'prequential accuracy before drift %',
    `after drift (first ${POST_WINDOW}) %`,
    'trainings per user',
    'trained incremental / full',
    'incremental requests that fell back to full',
    'promoted %',
    'mean train ms: incremental',
    'mean train ms: full',
    'mean train ms (all)',
    'train time ÷ all-full',
    'reasons',
  ];
  const lines = [
    '## Incremental vs full retraining',
    '',
    `Same run and streams as the drift-recovery section (${seeds.length} seeds × ${users} users, drift at day ${driftFromDay} of ${days}). The product's choice: \`incrementalOnNewData\` (default false; when true, new-data decisions are incremental: 25 trees grown on the rows the champion has not seen, added to its forest, the oldest retired past maxTrees 60); interval, performance, scheduled and initial decisions are full. Train times are the trainer's own trainMs, in-process, one at a time, in the same run (ratios are what to read).`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
  ];
  for (const arm of compared) {
    const summaries = of(arm);
    const tally = totalTally(summaries);
    const incremental = tally.byMode.incremental ?? { count: 0, trainMs: 0 };
    const full = tally.byMode.full ?? { count: 0, trainMs: 0 };
    const meanAll = totalTrainMs(tally) / Math.max(1, tally.trainings);
    lines.push(
      `| ${arm} | ${summaries.length} | ${pct(mean(summaries.map((user) => user.preAccuracy)))} | ${pct(mean(summaries.map((user) => user.postAccuracy)))} | ${(tally.trainings / Math.max(1, summaries.length)).toFixed(1)} | ${incremental.count} / ${full.count} | ${tally.fellBackToFull} | ${pct(tally.promoted / Math.max(1, tally.trainings))} | ${incremental.count === 0 ? 'n/a' : (incremental.trainMs / incremental.count).toFixed(1)} | ${full.count === 0 ? 'n/a' : (full.trainMs / full.count).toFixed(1)} | ${meanAll.toFixed(1)} | ${(meanAll / fullMs).toFixed(2)}× | ${Object.entries(tally.byReason)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ')} |`,
    );
  }
  return lines.join('\n');
}

if (values.job !== undefined) {
  const [seedText, arm] = values.job.split(':');
  process.stdout.write(`${JSON.stringify(await runJob(Number(seedText), arm ?? ''))}\n`);
} else {
  const started = performance.now();
  log(`${seeds.length} seeds × ${users} users × arms ${arms.join(', ')}, ${values.parallel} at a time`);
  const results = await runAll();
  const drift = driftSection(results, started);
  const incremental = incrementalSection(results);
  process.stdout.write(`${drift}\n\n${incremental}\n`);
  if (values.out !== undefined && values.out !== '') {
    writeResultsSection(values.out, 'drift-recovery', drift);
    writeResultsSection(values.out, 'incremental-vs-full', incremental);
    log(`written to ${values.out}`);
  }
}
