// Model benchmark: `npm run bench:models [-- --quick]`.
//
// Trains and scores every engine on the same data in one run — relearn's engines, the ml-*
// baseline engines and scikit-learn (one thread, same number of trees) — each in its own
// child process, and prints one markdown table per model kind plus the target check. The
// data sets are generated or loaded by datasets.py (scikit-learn) into a temporary folder
// that every engine reads. The report is also written to bench/results/models-latest.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDataset, readManifest, type DatasetMeta } from './dataset-file.js';
import { accuracy, macroF1, precision, rocAuc } from './quality-metrics.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/models-latest.md' },
  },
});
const quick = values.quick;
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const CHILD_TIMEOUT_MS = 20 * 60_000;
/** relearn's default depth limit; scikit-learn runs once with the same limit and once unlimited (its default). */
const FOREST_MAX_DEPTH = 16;
/** relearn's deepest allowed trees: the like-for-like counterpart of scikit-learn's unlimited default. */
const FOREST_DEEP = 64;
const CONTAMINATION = 0.05;
/** ml-random-forest's split search is O(n²) per node: beyond this it takes minutes to hours (design.md §7). */
const ML_RANDOM_FOREST_MAX_ROWS = 1_000;
/** ml-isolation-forest grows every tree on all rows, scores 28× slower and its leaves keep the rows. */
const ML_ISOLATION_FOREST_MAX_ROWS = 10_000;

interface RunOutput {
  engine: string;
  trainWallMs: number;
  trainCpuMs: number;
  predictWallMs: number;
  predictCpuMs: number;
  peakMemoryBytes: number;
  modelBytes: number | null;
  predicted?: number[];
  scores?: number[];
  flagged?: number[];
}

interface Row {
  dataset: DatasetMeta;
  trees: number;
  engine: string;
  output: RunOutput | null;
  note: string;
  quality: Record<string, number>;
}

function log(message: string): void {
  process.stderr.write(`bench:models ${message}\n`);
}

function pythonPath(): string {
  const out = execFileSync('bash', [join(repoRoot, 'scripts', 'python-env.sh')], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = out.trim().split('\n');
  return lines[lines.length - 1]!;
}

function runChild(command: string, args: string[]): { output: RunOutput | null; note: string } {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) return { output: null, note: `failed: ${result.error.message}` };
  if (result.status !== 0) {
    const lastError = (result.stderr || '').trim().split('\n').slice(-1)[0] ?? '';
    return { output: null, note: `failed (exit ${result.status}): ${lastError}` };
  }
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return { output: JSON.parse(line) as RunOutput, note: '' };
}

function nodeEngine(engine: string, dataDir: string, dataset: string, trees: number, maxDepth = FOREST_MAX_DEPTH): { output: RunOutput | null; note: string } {
  return runChild(process.execPath, [
    '--expose-gc',
    '--import',
    'tsx',
    join(here, 'engine-runner.ts'),
    '--data',
    dataDir,
    '--dataset',
    dataset,
    '--engine',
    engine,
    '--trees',
    String(trees),
    '--max-depth',
    String(maxDepth),
    '--contamination',
    String(CONTAMINATION),
  ]);
}

function sklearn(python: string, model: 'rf' | 'iforest', dataDir: string, dataset: string, trees: number, maxDepth = 'none') {
  return runChild(python, [
    join(here, 'sklearn_baseline.py'),
    '--data',
    dataDir,
    '--dataset',
    dataset,
    '--model',
    model,
    '--trees',
    String(trees),
    '--max-depth',
    maxDepth,
    '--contamination',
    String(CONTAMINATION),
  ]);
}

function score(row: Row, dataDir: string): void {
  const { output, dataset } = row;
  if (output === null) return;
  const { yTest } = loadDataset(dataDir, dataset.name);
  if (output.predicted !== undefined) {
    row.quality = { accuracy: accuracy(yTest, output.predicted), macroF1: macroF1(yTest, output.predicted, dataset.nClasses) };
  } else if (output.scores !== undefined && output.flagged !== undefined) {
    row.quality = { rocAuc: rocAuc(yTest, output.scores), precision: precision(yTest, output.flagged) };
  }
}

const seconds = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 3 : 1);
const milliseconds = (ms: number): string => ms.toFixed(ms < 100 ? 1 : 0);
const megabytes = (bytes: number): string => (bytes / 1048576).toFixed(1);
const kilobytes = (bytes: number | null): string => (bytes === null ? 'n/a' : (bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0));
const fixed = (value: number | undefined, digits = 3): string => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

function table(rows: Row[], kind: 'classification' | 'anomaly'): string {
  const qualityHeads = kind === 'classification' ? ['accuracy', 'macro-F1'] : ['ROC-AUC', `precision@threshold`];
  const head = ['data set', 'train rows', 'trees', 'engine', 'train wall s', 'train CPU s', kind === 'classification' ? 'predict ms' : 'score ms', 'peak MB', 'model KB', ...qualityHeads];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const o = row.output;
    if (o === null) {
      lines.push(`| ${row.dataset.name} | ${row.dataset.trainRows} | ${row.trees} | ${row.engine} | ${row.note} |${' |'.repeat(head.length - 5)}`);
      continue;
    }
    const q = kind === 'classification' ? [fixed(row.quality.accuracy), fixed(row.quality.macroF1)] : [fixed(row.quality.rocAuc), fixed(row.quality.precision)];
    lines.push(
      `| ${[row.dataset.name, row.dataset.trainRows, row.trees, row.engine, seconds(o.trainWallMs), seconds(o.trainCpuMs), milliseconds(o.predictWallMs), megabytes(o.peakMemoryBytes), kilobytes(o.modelBytes), ...q].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

function find(rows: Row[], dataset: string, trees: number, engine: string): Row | undefined {
  return rows.find((r) => r.dataset.name === dataset && r.trees === trees && r.engine === engine && r.output !== null);
}

const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

function forestTargets(rows: Row[]): string {
  const head = ['data set', 'trees', 'engines compared', 'train wall', 'train CPU', 'train ≤ 1.5×', 'accuracy Δ (points)', 'within 1 point', 'predict wall', 'predict ≤ 2×', 'model size', 'size ≤ 1/4'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const datasets = [...new Set(rows.filter((r) => /^synthetic-(10|100)k$/.test(r.dataset.name)).map((r) => r.dataset.name))];
  for (const dataset of datasets) {
    for (const trees of [25, 100]) {
      const pairs: [string, string][] = [
        ['relearn-forest', `scikit-learn (max_depth=${FOREST_MAX_DEPTH})`],
        [`relearn-forest (maxDepth=${FOREST_DEEP})`, 'scikit-learn (max_depth=None)'],
        ['relearn-forest', 'scikit-learn (max_depth=None)'],
      ];
      for (const [engine, reference] of pairs) {
        const ours = find(rows, dataset, trees, engine);
        const theirs = find(rows, dataset, trees, reference);
        if (ours?.output == null || theirs?.output == null) continue;
        const a = ours.output;
        const b = theirs.output;
        const train = a.trainWallMs / b.trainWallMs;
        const delta = (ours.quality.accuracy! - theirs.quality.accuracy!) * 100;
        const predict = a.predictWallMs / b.predictWallMs;
        const size = (a.modelBytes ?? Infinity) / (b.modelBytes ?? 1);
        lines.push(
          `| ${[dataset, trees, `${engine} vs ${reference}`, `${train.toFixed(2)}×`, ratio(a.trainCpuMs, b.trainCpuMs), verdict(train <= 1.5), `${delta >= 0 ? '+' : ''}${delta.toFixed(2)}`, verdict(delta >= -1), `${predict.toFixed(2)}×`, verdict(predict <= 2), `1/${(1 / size).toFixed(1)}`, verdict(size <= 0.25)].join(' | ')} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

function isolationTargets(rows: Row[]): string {
  const head = ['data set', 'trees', 'ROC-AUC Δ', 'within 0.01', 'train wall', 'train CPU', 'train ≤ 1.5×', 'score wall', 'score ≤ 1.5×'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const dataset of [...new Set(rows.filter((r) => r.dataset.kind === 'anomaly').map((r) => r.dataset.name))]) {
    for (const trees of [...new Set(rows.map((r) => r.trees))]) {
      const ours = find(rows, dataset, trees, 'relearn-isolation');
      const theirs = find(rows, dataset, trees, 'scikit-learn');
      if (ours?.output == null || theirs?.output == null) continue;
      const delta = ours.quality.rocAuc! - theirs.quality.rocAuc!;
      const train = ours.output.trainWallMs / theirs.output.trainWallMs;
      const scoreRatio = ours.output.predictWallMs / theirs.output.predictWallMs;
      lines.push(
        `| ${[dataset, trees, `${delta >= 0 ? '+' : ''}${delta.toFixed(4)}`, verdict(delta >= -0.01), `${train.toFixed(2)}×`, ratio(ours.output.trainCpuMs, theirs.output.trainCpuMs), verdict(train <= 1.5), `${scoreRatio.toFixed(2)}×`, verdict(scoreRatio <= 1.5)].join(' | ')} |`,
      );
    }
  }
  return lines.join('\n');
}

function main(): void {
  const started = Date.now();
  const python = pythonPath();
  const dataDir = mkdtempSync(join(tmpdir(), 'relearn-bench-'));
  try {
    log(`writing data sets to ${dataDir}`);
    execFileSync(python, [join(here, 'datasets.py'), '--out', dataDir, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    const manifest = readManifest(dataDir);
    const sklearnVersion = execFileSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' }).trim();
    const forestTrees = quick ? [25] : [25, 100];
    const isolationTrees = [100];
    const rows: Row[] = [];
    const skipped: string[] = [];

    const record = (dataset: DatasetMeta, trees: number, engine: string, run: () => { output: RunOutput | null; note: string }): void => {
      log(`${dataset.name} ${trees} trees ${engine}`);
      const { output, note } = run();
      const row: Row = { dataset, trees, engine, output, note, quality: {} };
      score(row, dataDir);
      if (output === null) log(`  ${note}`);
      rows.push(row);
    };

    for (const dataset of manifest.filter((d) => d.kind === 'classification')) {
      for (const trees of forestTrees) {
        record(dataset, trees, 'relearn-forest', () => nodeEngine('relearn-forest', dataDir, dataset.name, trees));
        record(dataset, trees, `scikit-learn (max_depth=${FOREST_MAX_DEPTH})`, () => sklearn(python, 'rf', dataDir, dataset.name, trees, String(FOREST_MAX_DEPTH)));
        record(dataset, trees, 'scikit-learn (max_depth=None)', () => sklearn(python, 'rf', dataDir, dataset.name, trees));
        record(dataset, trees, `relearn-forest (maxDepth=${FOREST_DEEP})`, () => nodeEngine('relearn-forest', dataDir, dataset.name, trees, FOREST_DEEP));
        if (dataset.trainRows <= ML_RANDOM_FOREST_MAX_ROWS && trees === 25) {
          record(dataset, trees, 'ml-random-forest', () => nodeEngine('ml-random-forest', dataDir, dataset.name, trees));
        } else {
          skipped.push(`ml-random-forest on ${dataset.name} (${dataset.trainRows} rows) with ${trees} trees`);
        }
      }
    }
    for (const dataset of manifest.filter((d) => d.kind === 'anomaly')) {
      for (const trees of isolationTrees) {
        record(dataset, trees, 'relearn-isolation', () => nodeEngine('relearn-isolation', dataDir, dataset.name, trees));
        record(dataset, trees, 'scikit-learn', () => sklearn(python, 'iforest', dataDir, dataset.name, trees));
        if (dataset.trainRows <= ML_ISOLATION_FOREST_MAX_ROWS) {
          record(dataset, trees, 'ml-isolation-forest', () => nodeEngine('ml-isolation-forest', dataDir, dataset.name, trees));
        } else {
          skipped.push(`ml-isolation-forest on ${dataset.name} (${dataset.trainRows} rows)`);
        }
      }
    }

    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const report = [
      `# Model benchmark${quick ? ' (quick)' : ''}`,
      '',
      `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, scikit-learn ${sklearnVersion}; ${new Date().toISOString()}; run took ${((Date.now() - started) / 60_000).toFixed(1)} min.`,
      '',
      'Each cell is one run in a fresh child process, one thread, timed around training and around prediction on the test split.',
      'Node engines get a small warm-up run first (JIT); peak MB is the RSS high-water mark during training minus RSS before it;',
      'model KB is the serialised model (relearn: its binary format; ml-random-forest: JSON; scikit-learn: `len(pickle.dumps(model))`).',
      `relearn-forest runs with maxDepth ${FOREST_MAX_DEPTH} (its default) and ${FOREST_DEEP} (its maximum); scikit-learn with max_depth ${FOREST_MAX_DEPTH} and with its default (unlimited).`,
      `All forests: bootstrap, sqrt(features) per split (ml-random-forest: all features, it samples per tree only). Isolation forests: 256-row subsamples (ml-isolation-forest: all rows), contamination ${CONTAMINATION}.`,
      '',
      '## Random forest classifier',
      '',
      table(rows.filter((r) => r.dataset.kind === 'classification'), 'classification'),
      '',
      '## Isolation forest',
      '',
      table(rows.filter((r) => r.dataset.kind === 'anomaly'), 'anomaly'),
      '',
      '## Targets (relearn ÷ scikit-learn, same run)',
      '',
      'Random forest: train ≤ 1.5×, accuracy within 1 point, predict ≤ 2×, model ≤ 1/4 of the pickle, at 10k and 100k rows.',
      '',
      forestTargets(rows),
      '',
      'Isolation forest: ROC-AUC within 0.01, train and score ≤ 1.5×.',
      '',
      isolationTargets(rows),
      '',
      '## Skipped',
      '',
      ...skipped.map((s) => `- ${s}: too slow to finish in reasonable time (see design.md §7)`),
      '',
    ].join('\n');
    const outPath = resolve(repoRoot, values.out);
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, report);
    process.stdout.write(report);
    log(`wrote ${outPath}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main();
