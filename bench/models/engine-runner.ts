// Child process of the model benchmark: trains and scores one relearn or ml-* engine on one
// data set written by datasets.py and prints one JSON line (the same fields as
// sklearn_baseline.py). One process per run keeps peak-memory figures separate.
//
// Usage: node --import tsx bench/models/engine-runner.ts --data DIR --dataset NAME
//          --engine relearn-forest|ml-random-forest|relearn-isolation|ml-isolation-forest
//          --trees N [--max-depth D] [--seed S] [--contamination C] [--sample-size 256]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  featureMatrix,
  IsolationForest,
  MlIsolationForestDetector,
  MlRandomForestClassifier,
  RandomForestClassifier,
  type FeatureMatrix,
} from '../../src/engines/index.js';
import { loadDataset } from './dataset-file.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    dataset: { type: 'string' },
    engine: { type: 'string' },
    trees: { type: 'string' },
    'max-depth': { type: 'string', default: '16' },
    seed: { type: 'string', default: '1' },
    contamination: { type: 'string', default: '0.05' },
    'sample-size': { type: 'string', default: '256' },
  },
});

const dataset = loadDataset(required(values.data, 'data'), required(values.dataset, 'dataset'));
const engine = required(values.engine, 'engine');
const nTrees = Number(required(values.trees, 'trees'));
const seed = Number(values.seed);
const forestOptions = { nTrees, maxDepth: Number(values['max-depth']), seed };
const isolationOptions = { nTrees, seed, contamination: Number(values.contamination), sampleSize: Number(values['sample-size']) };

interface Trained {
  predictOutputs(x: FeatureMatrix): Record<string, number[]>;
  serialize(): Uint8Array;
}

function train(x: FeatureMatrix, y: Int32Array, trees: number): Trained {
  switch (engine) {
    case 'relearn-forest':
    case 'ml-random-forest': {
      const Engine = engine === 'relearn-forest' ? RandomForestClassifier : MlRandomForestClassifier;
      const model = Engine.train(x, y, dataset.nClasses, { ...forestOptions, nTrees: trees });
      return { predictOutputs: (t) => ({ predicted: Array.from(model.predict(t)) }), serialize: () => model.serialize() };
    }
    case 'relearn-isolation':
    case 'ml-isolation-forest': {
      const Engine = engine === 'relearn-isolation' ? IsolationForest : MlIsolationForestDetector;
      const model = Engine.train(x, { ...isolationOptions, nTrees: trees });
      return {
        predictOutputs: (t) => {
          const scores = model.score(t);
          return { scores: Array.from(scores), flagged: Array.from(scores, (s) => (s >= model.threshold ? 1 : 0)) };
        },
        serialize: () => model.serialize(),
      };
    }
    default:
      throw new Error(`unknown engine ${engine}`);
  }
}

// Warm-up on a slice so the measured run is not dominated by JIT compilation and on-stack
// replacement (the service trains and predicts in a long-lived process).
const warmRows = Math.min(2000, dataset.xTrain.rows);
const warmX = featureMatrix(dataset.xTrain.data.slice(0, warmRows * dataset.nFeatures), warmRows, dataset.nFeatures);
const warm = train(warmX, dataset.yTrain.slice(0, warmRows), Math.min(5, nTrees));
for (let i = 0; i < 5; i++) warm.predictOutputs(warmX);

(globalThis as { gc?: () => void }).gc?.();
const rssBefore = resetPeakRss();
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const model = train(dataset.xTrain, dataset.yTrain, nTrees);
const trainWallMs = performance.now() - wall0;
const trainCpu = process.cpuUsage(cpu0);
const peakMemoryBytes = Math.max(0, peakRss() - rssBefore);

const cpu1 = process.cpuUsage();
const wall1 = performance.now();
const outputs = model.predictOutputs(dataset.xTest);
const predictWallMs = performance.now() - wall1;
const predictCpu = process.cpuUsage(cpu1);

let modelBytes: number | null = null;
try {
  modelBytes = model.serialize().length;
} catch {
  modelBytes = null; // ml-isolation-forest cannot be saved
}

console.log(
  JSON.stringify({
    engine,
    trainWallMs,
    trainCpuMs: (trainCpu.user + trainCpu.system) / 1000,
    predictWallMs,
    predictCpuMs: (predictCpu.user + predictCpu.system) / 1000,
    peakMemoryBytes,
    modelBytes,
    ...outputs,
  }),
);

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

/** Resets the kernel's RSS high-water mark (Linux ≥ 4.0) and returns the current RSS. */
function resetPeakRss(): number {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux or not permitted: the peak then includes everything before training.
  }
  return statusBytes('VmRSS') ?? process.memoryUsage.rss();
}

function peakRss(): number {
  return statusBytes('VmHWM') ?? process.resourceUsage().maxRSS * 1024;
}

function statusBytes(field: string): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(join('/proc', 'self', 'status'), 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
