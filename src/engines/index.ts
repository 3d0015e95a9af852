// Public API of relearn's ML engines: pure computation on typed arrays, no I/O.
export { featureMatrix, type FeatureMatrix } from './feature-matrix.js';
export { SeededRandom } from './seeded-random.js';
export { RandomForestClassifier, defaultRandomForestOptions, type RandomForestOptions } from './random-forest.js';
export { IsolationForest, defaultIsolationForestOptions, type IsolationForestOptions } from './isolation-forest.js';
export { ModelFormatError, type ModelFormatErrorCode } from './model-format-error.js';
export {
  anomalyEngineNames,
  classifierEngineNames,
  defaultAnomalyEngine,
  defaultClassifierEngine,
  isAnomalyEngineName,
  isClassifierEngineName,
  type AnomalyEngineName,
  type ClassifierEngineName,
} from './engine-names.js';
export { MlRandomForestClassifier } from './baseline/ml-random-forest-classifier.js';
export { MlIsolationForestDetector } from './baseline/ml-isolation-forest-detector.js';
