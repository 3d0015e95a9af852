import { z } from 'zod';
import type { ModelKind } from '../domain/model-kind.js';
import { anomalyEngineNames, classifierEngineNames, defaultAnomalyEngine, defaultClassifierEngine } from '../engines/engine-names.js';
import { MAX_TREE_DEPTH } from '../engines/random-forest-options.js';
import { FORECASTER_ENGINE } from './trainers/forecaster-trainer.js';

/**
 * What each engine accepts as hyperparameters, with the bounds the engine itself
 * enforces (src/engines/*-options.ts), so a bad value fails at start-up (configuration)
 * or at the API with the field named, not in a worker thread minutes later. Strict: an
 * unknown name is a typo. One module for both, so they cannot disagree.
 */

/**
 * Bounds that keep one training inside the default time limit (RELEARN_TRAINING_TIMEOUT_MS,
 * 10 minutes) on the 2-core machine, at the largest training window the default settings
 * allow: measured by `npm run bench:training-bounds` (figures in the CHANGELOG). The engines
 * accept more (src/engines/*-options.ts); the configuration and the API do not.
 */
export const HYPERPARAMETER_BOUNDS = {
  /** Trees of a classification forest. */
  forestTrees: 2_000,
  maxDepth: MAX_TREE_DEPTH,
  /** Isolation trees. */
  isolationTrees: 1_000,
  /** Rows drawn per isolation tree (relearn-isolation never draws more than the training rows). */
  sampleSize: 4_096,
} as const;

// Both classifier engines read the same three options (classifier-engines.ts).
const forestHyperparameters = z.strictObject({
  nTrees: z.number().int().min(1).max(HYPERPARAMETER_BOUNDS.forestTrees).optional().meta({ description: 'Trees in the forest' }),
  maxDepth: z.number().int().min(1).max(HYPERPARAMETER_BOUNDS.maxDepth).optional().meta({ description: 'Depth limit of each tree' }),
  minSamplesLeaf: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Minimum training rows per leaf' }),
});

// Both anomaly engines read the same three options (anomaly-engines.ts).
const isolationHyperparameters = z.strictObject({
  nTrees: z.number().int().min(1).max(HYPERPARAMETER_BOUNDS.isolationTrees).optional().meta({ description: 'Isolation trees' }),
  sampleSize: z.number().int().min(2).max(HYPERPARAMETER_BOUNDS.sampleSize).optional().meta({ description: 'Rows drawn per tree' }),
  contamination: z.number().gt(0).max(0.5).optional().meta({ description: 'Expected share of anomalies, in (0, 0.5]' }),
});

// The forecaster trainer uses its engine's defaults and reads no hyperparameters: accept none.
const forecasterHyperparameters = z.strictObject({});

export type HyperparameterSchema = typeof forestHyperparameters | typeof isolationHyperparameters | typeof forecasterHyperparameters;

export const HYPERPARAMETER_SCHEMAS: Readonly<Record<ModelKind, HyperparameterSchema>> = {
  categorizer: forestHyperparameters,
  forecaster: forecasterHyperparameters,
  anomaly: isolationHyperparameters,
};

export const HYPERPARAMETERS_EXPECTED: Readonly<Record<ModelKind, string>> = {
  categorizer: `a JSON object with any of nTrees (integer 1..${HYPERPARAMETER_BOUNDS.forestTrees}), maxDepth (integer 1..${HYPERPARAMETER_BOUNDS.maxDepth}), minSamplesLeaf (integer >= 1)`,
  forecaster: 'an empty JSON object (the forecaster takes no hyperparameters)',
  anomaly: `a JSON object with any of nTrees (integer 1..${HYPERPARAMETER_BOUNDS.isolationTrees}), sampleSize (integer 2..${HYPERPARAMETER_BOUNDS.sampleSize}), contamination (number in (0, 0.5])`,
};

const SCHEMA_BY_ENGINE: ReadonlyMap<string, HyperparameterSchema> = new Map<string, HyperparameterSchema>([
  ...classifierEngineNames.map((name) => [name, forestHyperparameters] as const),
  ...anomalyEngineNames.map((name) => [name, isolationHyperparameters] as const),
  [FORECASTER_ENGINE, forecasterHyperparameters],
]);

/** Which engine trains each kind: the configuration's choice (RelearnConfig.engines). */
export interface EngineChoice {
  categorizer: string;
  anomaly: string;
}

export const DEFAULT_ENGINE_CHOICE: EngineChoice = { categorizer: defaultClassifierEngine, anomaly: defaultAnomalyEngine };

export function engineFor(kind: ModelKind, engines: EngineChoice): string {
  return kind === 'forecaster' ? FORECASTER_ENGINE : engines[kind];
}

export function hyperparameterSchemaFor(kind: ModelKind, engines: EngineChoice): HyperparameterSchema {
  const engine = engineFor(kind, engines);
  const schema = SCHEMA_BY_ENGINE.get(engine);
  if (schema === undefined) throw new Error(`no hyperparameter schema for engine ${JSON.stringify(engine)}`);
  return schema;
}

/** For the OpenAPI document: one schema per engine name. */
export function hyperparameterSchemasByEngine(): ReadonlyMap<string, HyperparameterSchema> {
  return SCHEMA_BY_ENGINE;
}
