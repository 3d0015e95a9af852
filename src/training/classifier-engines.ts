import type { FeatureMatrix } from '../engines/feature-matrix.js';
import { RandomForestClassifier, type RandomForestOptions } from '../engines/random-forest.js';
import { MlRandomForestClassifier } from '../engines/baseline/ml-random-forest-classifier.js';
import { RelearnError } from '../domain/errors.js';
import type { Hyperparameters } from './training-task.js';

/** What the categorizer needs of a classification engine. */
export interface ClassifierModel {
  predict(x: FeatureMatrix): Int32Array;
  serialize(): Uint8Array;
}

export interface ClassifierEngine {
  name: string;
  train(x: FeatureMatrix, y: Int32Array, nClasses: number, hyperparameters: Hyperparameters, seed: number): ClassifierModel;
  load(bytes: Uint8Array): ClassifierModel;
  /** Present when the engine can grow a model with trees trained on new data. */
  addTrees?(base: ClassifierModel, newer: ClassifierModel, maxTrees: number): ClassifierModel;
  effectiveHyperparameters(hyperparameters: Hyperparameters): Hyperparameters;
}

const FOREST_DEFAULTS = { nTrees: 25, maxDepth: 14, minSamplesLeaf: 1 } as const;

function forestOptions(hyperparameters: Hyperparameters, seed: number): Partial<RandomForestOptions> {
  const number = (name: string, fallback: number): number => {
    const value = hyperparameters[name];
    return typeof value === 'number' ? value : fallback;
  };
  return {
    nTrees: number('nTrees', FOREST_DEFAULTS.nTrees),
    maxDepth: number('maxDepth', FOREST_DEFAULTS.maxDepth),
    minSamplesLeaf: number('minSamplesLeaf', FOREST_DEFAULTS.minSamplesLeaf),
    seed,
  };
}

const relearnForest: ClassifierEngine = {
  name: 'relearn-forest',
  train: (x, y, nClasses, hyperparameters, seed) => RandomForestClassifier.train(x, y, nClasses, forestOptions(hyperparameters, seed)),
  load: (bytes) => RandomForestClassifier.deserialize(bytes),
  addTrees: (base, newer, maxTrees) => {
    if (!(base instanceof RandomForestClassifier) || !(newer instanceof RandomForestClassifier)) throw new Error('relearn-forest can only grow its own forests');
    return base.withAddedTrees(newer, maxTrees);
  },
  effectiveHyperparameters: (hyperparameters) => {
    const { seed: _seed, ...options } = forestOptions(hyperparameters, 0);
    return options;
  },
};

/**
 * ml-random-forest as a baseline: slow (O(n²) split search) and vote-only, kept
 * selectable so the benchmark and an operator can compare. Bound its training rows.
 */
const mlRandomForest: ClassifierEngine = {
  name: 'ml-random-forest',
  train: (x, y, nClasses, hyperparameters, seed) => MlRandomForestClassifier.train(x, y, nClasses, forestOptions(hyperparameters, seed)),
  load: (bytes) => MlRandomForestClassifier.deserialize(bytes),
  addTrees: (base, newer, maxTrees) => {
    if (!(base instanceof MlRandomForestClassifier) || !(newer instanceof MlRandomForestClassifier)) throw new Error('ml-random-forest can only grow its own forests');
    return base.withAddedTrees(newer, maxTrees);
  },
  effectiveHyperparameters: (hyperparameters) => relearnForest.effectiveHyperparameters(hyperparameters),
};

const ENGINES: ReadonlyMap<string, ClassifierEngine> = new Map([
  [relearnForest.name, relearnForest],
  [mlRandomForest.name, mlRandomForest],
]);

export const CLASSIFIER_ENGINE_NAMES: readonly string[] = [...ENGINES.keys()];

export function classifierEngine(name: string): ClassifierEngine {
  const engine = ENGINES.get(name);
  if (engine === undefined) throw new RelearnError('INVALID_ARGUMENT', `unknown classifier engine ${JSON.stringify(name)}: expected one of ${CLASSIFIER_ENGINE_NAMES.join(', ')}`);
  return engine;
}
