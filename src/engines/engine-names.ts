/** Classifier engines selectable per model kind in configuration; the first is the default. */
export const classifierEngineNames = ['relearn-forest', 'ml-random-forest'] as const;
export type ClassifierEngineName = (typeof classifierEngineNames)[number];

/** Anomaly-detector engines selectable per model kind in configuration; the first is the default. */
export const anomalyEngineNames = ['relearn-isolation', 'ml-isolation-forest'] as const;
export type AnomalyEngineName = (typeof anomalyEngineNames)[number];

export const defaultClassifierEngine: ClassifierEngineName = 'relearn-forest';
export const defaultAnomalyEngine: AnomalyEngineName = 'relearn-isolation';

export function isClassifierEngineName(value: unknown): value is ClassifierEngineName {
  return typeof value === 'string' && (classifierEngineNames as readonly string[]).includes(value);
}

export function isAnomalyEngineName(value: unknown): value is AnomalyEngineName {
  return typeof value === 'string' && (anomalyEngineNames as readonly string[]).includes(value);
}
