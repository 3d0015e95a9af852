import type { FeatureMatrix } from '../engines/feature-matrix.js';
import { IsolationForest, type IsolationForestOptions } from '../engines/isolation-forest.js';
import { MlIsolationForestDetector } from '../engines/baseline/ml-isolation-forest-detector.js';
import { RelearnError } from '../domain/errors.js';
import type { Hyperparameters } from './training-task.js';

/** What the anomaly trainer needs of an outlier engine. */
export interface AnomalyModel {
  readonly threshold: number;
  score(x: FeatureMatrix): Float64Array;
  serialize(): Uint8Array;
}

export interface AnomalyEngine {
  name: string;
  train(x: FeatureMatrix, hyperparameters: Hyperparameters, seed: number): AnomalyModel;
  load(bytes: Uint8Array): AnomalyModel;
  effectiveHyperparameters(hyperparameters: Hyperparameters): Hyperparameters;
}

function isolationOptions(hyperparameters: Hyperparameters): Omit<IsolationForestOptions, 'seed'> {
  const number = (name: string, fallback: number): number => {
    const value = hyperparameters[name];
    return typeof value === 'number' ? value : fallback;
  };
  return { nTrees: number('nTrees', 100), sampleSize: number('sampleSize', 256), contamination: number('contamination', 0.1) };
}

const relearnIsolation: AnomalyEngine = {
  name: 'relearn-isolation',
  train: (x, hyperparameters, seed) => IsolationForest.train(x, { ...isolationOptions(hyperparameters), seed }),
  load: (bytes) => IsolationForest.deserialize(bytes),
  effectiveHyperparameters: (hyperparameters) => ({ ...isolationOptions(hyperparameters) }),
};

/** ml-isolation-forest as a baseline: no seed and no serialisation, so its models cannot be stored (training fails with a clear error). */
const mlIsolationForest: AnomalyEngine = {
  name: 'ml-isolation-forest',
  train: (x, hyperparameters, seed) => MlIsolationForestDetector.train(x, { ...isolationOptions(hyperparameters), seed }),
  load: (bytes) => MlIsolationForestDetector.deserialize(bytes),
  effectiveHyperparameters: (hyperparameters) => relearnIsolation.effectiveHyperparameters(hyperparameters),
};

const ENGINES: ReadonlyMap<string, AnomalyEngine> = new Map([
  [relearnIsolation.name, relearnIsolation],
  [mlIsolationForest.name, mlIsolationForest],
]);

export const ANOMALY_ENGINE_NAMES: readonly string[] = [...ENGINES.keys()];

export function anomalyEngine(name: string): AnomalyEngine {
  const engine = ENGINES.get(name);
  if (engine === undefined) throw new RelearnError('INVALID_ARGUMENT', `unknown anomaly engine ${JSON.stringify(name)}: expected one of ${ANOMALY_ENGINE_NAMES.join(', ')}`);
  return engine;
}
